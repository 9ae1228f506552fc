"""Chart dicts are valid plotly figures and carry the figures they claim."""

from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.contrib.staticfiles import finders

from budgets.charts import budget_figure
from budgets.models import FundingSource
from ictplan.staticfinders import PLOTLY_JS
from indicators.charts import indicator_figure
from indicators.models import Actual, Comparator
from indicators.selectors import ALL_STATUSES, progress_of, with_progress_data
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_indicator_figure_is_valid_and_draws_range_band_path_and_actuals():
    plan = f.plan(first_year=2011, last_year=2015)
    indicator = f.indicator(plan, baseline_value=Decimal(3), baseline_year=2010)
    f.target(
        indicator,
        year=2015,
        phrase="5 - 10%",
        comparator=Comparator.RANGE,
        value="5",
        upper_value=Decimal(10),
    )
    f.actual(indicator, year=2012, value="4", status=Actual.Status.APPROVED)
    f.actual(indicator, year=2013, value="6", status=Actual.Status.DRAFT)
    indicators = type(indicator).objects.filter(pk=indicator.pk)
    progress = progress_of(with_progress_data(indicators, statuses=ALL_STATUSES)[0])
    figure = indicator_figure(progress, first_year=2011)
    go.Figure(figure)  # raises on anything plotly would not draw
    by_name = {trace.get("name"): trace for trace in figure["data"]}
    band = next(t for t in figure["data"] if t.get("fill") == "tonexty")
    assert band["y"] == [10.0, 10.0]
    assert by_name["Đường mục tiêu"]["x"] == [2010, 2015]
    assert by_name["Đường mục tiêu"]["y"] == [3.0, 5.0]
    assert by_name["kết quả thực hiện"]["y"] == [4.0, 6.0]
    # The draft is drawn hollow.
    assert by_name["kết quả thực hiện"]["marker"]["symbol"] == ["circle", "circle-open"]
    assert figure["layout"]["separators"] == ",."


def test_budget_figure_stacks_sources_for_planned_and_disbursed():
    nstw = FundingSource.objects.create(code="x-nstw", name="NSTW", short_name="NSTW", position=1)
    nsdp = FundingSource.objects.create(code="x-nsdp", name="NSĐP", short_name="NSĐP", position=2)
    cells = {
        ("2011-2015", "planned", nstw): Decimal(100),
        ("2011-2015", "planned", nsdp): Decimal(50),
        ("2012", "disbursed", nstw): Decimal(30),
    }
    figure = budget_figure(cells)
    go.Figure(figure)
    assert figure["layout"]["barmode"] == "stack"
    ys = sorted(sum(trace["y"]) for trace in figure["data"])
    assert ys == [30.0, 50.0, 100.0]
    assert figure["data"][0]["x"][0] == ["2011-2015"]


def test_plotly_js_is_served_from_the_installed_package():
    found = finders.find(PLOTLY_JS)
    assert found and found.endswith("plotly.min.js")
    with open(found, encoding="utf-8") as bundle:
        assert "plotly.js" in bundle.read(400)

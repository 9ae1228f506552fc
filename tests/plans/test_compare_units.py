"""The compare page never plots two units on one axis."""

from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from indicators.charts import comparison_figure
from indicators.models import Actual, Comparator, IndicatorConcept
from plans.dashboards import concept_comparison
from tests import factories as f

pytestmark = pytest.mark.django_db

APPROVED = Actual.Status.APPROVED


@pytest.fixture
def speeds(db):
    """One concept in Mbps; a plan in Mbps, one in Gbps, one wrongly linked in %."""
    concept = IndicatorConcept.objects.create(
        code="fixed-broadband-speed", name="Tốc độ băng rộng cố định", unit="Mbps"
    )
    plans = {
        name: f.plan(f.province(name, code=code), slug=slug, first_year=2021, last_year=2025)
        for name, code, slug in [
            ("Bắc Giang", "24", "bg"),
            ("Hậu Giang", "93", "hg"),
            ("Sóc Trăng", "94", "st"),
        ]
    }
    mbps = f.indicator(plans["Hậu Giang"], code="M", unit="Mbps", concept=concept)
    f.target(mbps, year=2025, phrase="100Mb/s", comparator=Comparator.EQ, value="100", unit="Mb/s")
    f.actual(mbps, year=2023, value="80", status=APPROVED)
    gbps = f.indicator(plans["Bắc Giang"], code="G", unit="Gbps", concept=concept)
    f.target(gbps, year=2025, phrase="1 Gbps", comparator=Comparator.EQ, value="1", unit="Gbps")
    f.actual(gbps, year=2023, value="0.3", status=APPROVED)
    # Linked before links were checked: Indicator.clean now refuses it, old rows may remain.
    share = f.indicator(plans["Sóc Trăng"], code="UD-09", unit="%", concept=concept)
    f.target(share, year=2025, phrase="trên 90%", value="90", unit="%")
    f.actual(share, year=2023, value="95", status=APPROVED)
    return concept


def _series(concept):
    return concept_comparison(f.user(f.NATIONAL, None), concept, show_unapproved=False)


def test_selector_converts_each_series_into_the_concepts_unit(speeds):
    series = {s.progress.indicator.code: s for s in _series(speeds)}
    assert series["G"].targets_in_concept_unit == [(2025, Decimal("1000"), "1 Gbps")]
    assert series["G"].actuals_in_concept_unit == [(2023, Decimal("300"))]
    assert series["M"].actuals_in_concept_unit == [(2023, Decimal("80"))]


def test_selector_marks_a_series_that_cannot_be_converted(speeds):
    series = {s.progress.indicator.code: s for s in _series(speeds)}
    assert series["UD-09"].convertible is False
    assert series["UD-09"].targets_in_concept_unit == []
    assert series["UD-09"].actuals_in_concept_unit == []
    assert series["G"].convertible and series["M"].convertible


def test_figure_plots_every_series_in_the_concepts_unit_on_one_axis(speeds):
    figure = comparison_figure(speeds, _series(speeds))
    go.Figure(figure)
    assert figure["layout"]["yaxis"]["title"]["text"] == "Mbps"
    assert not [key for key in figure["layout"] if key.startswith("yaxis") and key != "yaxis"]
    plotted = {trace["name"]: trace["y"] for trace in figure["data"]}
    assert all("Sóc Trăng" not in name for name in plotted)
    bac_giang = {name: y for name, y in plotted.items() if name.startswith("Bắc Giang")}
    assert sorted(bac_giang.values()) == [[300.0], [1000.0]]


def test_figure_says_which_series_it_leaves_out(speeds):
    figure = comparison_figure(speeds, _series(speeds))
    notes = " ".join(a["text"] for a in figure["layout"].get("annotations", []))
    assert "Sóc Trăng" in notes and "UD-09" in notes and "“%”" in notes and "“Mbps”" in notes


def test_figure_without_left_out_series_has_no_note(speeds):
    series = [s for s in _series(speeds) if s.convertible]
    assert "annotations" not in comparison_figure(speeds, series)["layout"]


def test_compare_page_renders_the_converted_figure(client, speeds):
    client.force_login(f.user(f.NATIONAL, None))
    response = client.get(reverse("indicators:concept-compare", args=[speeds.code]))
    assert response.status_code == 200
    names = [trace["name"] for trace in response.context["figure"]["data"]]
    assert names and not [name for name in names if "Sóc Trăng" in name]


def test_compare_table_shows_figures_in_the_concepts_unit_and_names_what_it_leaves_out(
    client, speeds
):
    client.force_login(f.user(f.NATIONAL, None))
    response = client.get(reverse("indicators:concept-compare", args=[speeds.code]))
    rows = {
        row.split("</th>")[0].rsplit(">", 1)[-1]: row
        for row in response.content.decode().split('<tr><th scope="row"')[1:]
    }
    assert "<div>300</div>" in rows["Bắc Giang"]  # 0,3 Gbps in Mbps
    assert "<div>0,3</div>" not in rows["Bắc Giang"]
    assert "không quy đổi được" in rows["Sóc Trăng"]
    assert "<div>95</div>" not in rows["Sóc Trăng"]

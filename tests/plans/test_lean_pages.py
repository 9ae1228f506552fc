"""Lean pages: table rows built once in Python, one JSON blob of charts per page.

The plan dashboard, the year view and the compare page render rows without a template (or
django-tables2 column) per cell; they keep the table's behaviour: sorting, filters, marks.
"""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import json_script
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import Actual, Comparator
from plans.numbers import figure_formatter, format_figure
from plans.templatetags.figures import json_blob
from tests import factories as f

APPROVED = Actual.Status.APPROVED


# ---------------------------------------------------------------------------------------------
# Helpers shared by the pages


@pytest.mark.parametrize("language", ["vi", "en"])
@given(
    value=st.decimals(
        min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False
    )
)
def test_figure_formatter_shows_every_figure_as_format_figure_does(language, value):
    with translation.override(language):
        assert figure_formatter()(value) == format_figure(value)


def test_figure_formatter_shows_none_and_minus_zero_as_format_figure_does():
    with translation.override("vi"):
        figure = figure_formatter()
        for value in (None, Decimal("-0.0000"), Decimal("0E-4"), Decimal("1E+3")):
            assert figure(value) == format_figure(value), value


def test_json_blob_writes_what_json_script_writes():
    value = {
        "chart-1": {"text": ["</script><b>&", "Không đạt", "a > b"], "y": [Decimal("1.5")]},
        "budget-chart": {"layout": {"separators": ",."}},
    }
    assert json_blob(value, "chart-figures") == json_script(value, "chart-figures")


# ---------------------------------------------------------------------------------------------
# Plan dashboard


@pytest.fixture
def plan(db):
    """Four indicators: percents 50, 120 and 95 reached in 2013, and one without a figure."""
    plan = f.plan(f.province("Hậu Giang", code="93"), slug="lean", first_year=2011, last_year=2015)
    section = f.section(plan, code="S", title="Hạ tầng")
    for position, (code, scope, value) in enumerate(
        [("B", "cấp xã", "50"), ("D", "toàn tỉnh", "120"), ("A", "cấp xã", "95"), ("C", "", None)]
    ):
        indicator = f.indicator(plan, code=code, section=section, scope=scope, position=position)
        f.target(
            indicator,
            year=2013,
            phrase="100%",
            comparator=Comparator.EQ,
            value="100",
            note="Tính cả <thuê bao> di động" if code == "A" else "",
        )
        f.target(indicator, year=2015, phrase="trên 90%", value="90")
        if value:
            f.actual(indicator, year=2013, value=value, status=APPROVED)
    return plan


def dashboard(client, plan, **query):
    client.force_login(f.user(f.ADMIN, None))
    return client.get(reverse("plans:plan-dashboard", args=[plan.slug]), query)


def codes(response) -> list[str]:
    return [row.record["code"] for row in response.context["table"].rows]


def header(response, label: str) -> str:
    page = response.content.decode()
    table = page.split('data-testid="indicator-table"')[1].split("</thead>")[0]
    return next(th for th in table.split("<th ")[1:] if f">{label}<" in th)


def test_rows_keep_the_plans_order_without_a_sort(client, plan):
    assert codes(dashboard(client, plan)) == ["B", "D", "A", "C"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("percent", ["B", "A", "D", "C"]),
        ("-percent", ["D", "A", "B", "C"]),  # without a figure: last either way
        ("actual_2013", ["B", "A", "D", "C"]),
        ("code", ["A", "B", "C", "D"]),
        ("-code", ["D", "C", "B", "A"]),
        ("scope", ["B", "A", "D", "C"]),  # "cấp xã" before "toàn tỉnh", no scope last
    ],
)
def test_rows_sort_by_a_column_both_ways(client, plan, sort, expected):
    assert codes(dashboard(client, plan, sort=sort)) == expected


@pytest.mark.parametrize("sort", ["targets", "pk", "progress", "actual_1999", "-", "code;drop"])
def test_a_sort_by_anything_else_keeps_the_plans_order(client, plan, sort):
    response = dashboard(client, plan, sort=sort)
    assert codes(response) == ["B", "D", "A", "C"]
    assert "aria-sort" not in response.content.decode()


def test_rows_sort_by_status_best_first(client, plan):
    statuses = [
        row.record["status_code"]
        for row in dashboard(client, plan, sort="status").context["table"].rows
    ]
    # Exceeded (120), not achieved (95 and 50 against 100 due in 2013), then no data.
    assert statuses == ["exceeded", "not_achieved", "not_achieved", "no_data"]


def test_the_sorted_header_says_so_and_links_the_other_way_keeping_the_filters(client, plan):
    response = dashboard(client, plan, sort="percent", scope="cấp xã")
    percent = header(response, "% mục tiêu")
    assert 'aria-sort="ascending"' in percent and 'class="num orderable asc"' in percent
    assert "sort=-percent" in percent and "scope=c%E1%BA%A5p+x%C3%A3" in percent
    code = header(response, "Mã")
    assert "aria-sort" not in code and "sort=code" in code
    descending = header(dashboard(client, plan, sort="-percent"), "% mục tiêu")
    assert 'aria-sort="descending"' in descending and "sort=percent" in descending


def test_filters_and_sort_combine(client, plan):
    assert codes(dashboard(client, plan, scope="cấp xã", sort="-percent")) == ["A", "B"]


def test_targets_show_one_per_line_with_their_note_escaped(client, plan):
    page = dashboard(client, plan).content.decode()
    assert "2013: 100%<br>2015: trên 90%" in page
    assert "&lt;br&gt;" not in page
    assert (
        '<small class="text-muted target-note">(Tính cả &lt;thuê bao&gt; di động)</small>' in page
    )


def test_the_export_follows_the_pages_sort_and_filters(client, plan):
    response = dashboard(client, plan, sort="-percent", scope="cấp xã", _export="csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert [row[0] for row in rows[1:]] == ["A", "B"]


def chart_blob(page: str) -> dict:
    blobs = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', page, re.S)
    assert [name for name, _text in blobs] == ["chart-figures"]
    return json.loads(blobs[0][1])


def test_the_dashboard_carries_every_chart_in_one_json_blob(client, plan):
    line = f.budget_line(plan, code="L")
    f.allocation(line, amount="1000", year_from=2011, year_to=2015)
    page = dashboard(client, plan).content.decode()
    figures = chart_blob(page)
    holders = re.findall(r'data-chart="([^"]+)"', page)
    assert sorted(holders) == sorted(figures)
    assert "budget-chart" in figures and len(figures) == 5  # four indicators and the budget
    assert all(figure["data"] for figure in figures.values())


# ---------------------------------------------------------------------------------------------
# Year view and compare


def test_year_view_rows_show_target_figure_status_and_percent(client, plan):
    client.force_login(f.user(f.ADMIN, None))
    page = client.get(reverse("plans:year-view", args=[plan.province.slug, 2013])).content
    rows = page.decode().split('data-testid="year-table"')[1].split("<tbody>")[1].split("<tr>")[1:]
    assert len(rows) == 4
    assert "<td>100%<br><small" in rows[2] and "&lt;thuê bao&gt;" in rows[2]
    assert '<td class="num">95 %</td>' in rows[2]
    assert 'status-not_achieved"><span aria-hidden="true">✖</span> Không đạt' in rows[2]
    assert '<td class="num">95%</td>' in rows[2]
    assert "<td>trên 90% <small" not in page.decode()  # 2013 has its own target


def test_compare_cells_show_each_years_targets_and_figure(client, db):
    concept = f.concept("internet-users-pct")
    plan = f.plan(f.province("Hậu Giang", code="93"), first_year=2011, last_year=2015)
    indicator = f.indicator(plan, code="X", concept=concept)
    f.target(indicator, year=2013, phrase="trên <90%>", value="90")
    f.target(indicator, year=2015, phrase="100%", comparator=Comparator.EQ, value="100")
    f.actual(indicator, year=2013, value="1093410.5", status=APPROVED)
    client.force_login(f.user(f.NATIONAL, None))
    page = client.get(reverse("indicators:concept-compare", args=[concept.code])).content.decode()
    row = page.split('<tr><th scope="row"')[1].split("</tr>")[0]
    cells = row.split('<td class="num">')[1:]
    target = '<div class="text-success small" title="mục tiêu">◆ {}</div>'
    assert cells == [
        target.format("trên &lt;90%&gt;") + "<div>1.093.410,5</div></td>",  # 2013
        target.format("100%") + "</td>",  # 2015
    ]
    assert set(chart_blob(page)) == {"compare-chart"}


# ---------------------------------------------------------------------------------------------
# Rows cost no template: the same templates render for a handful of rows or hundreds


PAGES = {
    "dashboard": lambda plan, concept: reverse("plans:plan-dashboard", args=[plan.slug]),
    "year": lambda plan, concept: reverse("plans:year-view", args=[plan.province.slug, 2013]),
    "compare": lambda plan, concept: reverse("indicators:concept-compare", args=[concept.code]),
}


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_the_same_templates_whatever_their_rows(client, db, page):
    client.force_login(f.user(f.ADMIN, None))
    concept = f.concept("internet-users-pct")
    plan = f.grow_plan(f.plan(), indicators=1, lines=1, actual_status=APPROVED)
    plan.indicators.update(concept=concept)
    small = client.get(PAGES[page](plan, concept))
    for _ in range(3):
        f.grow_plan(plan, indicators=10, lines=2, actual_status=APPROVED)
        f.grow_plan(f.plan(), indicators=5, lines=1, actual_status=APPROVED)
    from indicators.models import Indicator

    Indicator.objects.update(concept=concept)
    grown = client.get(PAGES[page](plan, concept))
    assert grown.status_code == 200
    assert [t.name for t in grown.templates] == [t.name for t in small.templates]
    assert grown.content.count(b"<tr>") > small.content.count(b"<tr>") + 20


def test_home_rows_show_each_plans_counts_money_and_links_escaped(client, plan):
    """The home page's plan rows are written in Python (plans.home_rows): same cells."""
    plan.title = "Kế hoạch <b>in đậm</b> & thử"
    plan.document_number = "KH-01"
    plan.save()
    client.force_login(f.user(f.ADMIN, None))
    page = client.get(reverse("plans:home")).content.decode()
    row = page.split('<tr data-plan="lean">')[1].split("</tr>")[0]
    assert "KH-01 — Kế hoạch &lt;b&gt;in đậm&lt;/b&gt; &amp; thử" in row
    assert f'href="{reverse("plans:plan-dashboard", args=["lean"])}"' in row
    assert f'href="{reverse("indicators:entry", args=["lean", 2013])}"' in row
    assert "2011–2015" in row
    cells = dict(re.findall(r'data-status="(\w+)" data-label="[^"]*">(\d*)<', row))
    # Judged in 2013: 50% and 95% against "100%" are not achieved, 120% exceeds it.
    assert (cells["not_achieved"], cells["exceeded"], cells["no_data"]) == ("2", "1", "1")
    assert ">0 / 0</td>" in row  # disbursed / planned: no money in this plan

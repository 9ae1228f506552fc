"""The year view keeps each plan's rows between two changes of what they show (plans.year_lines).

Whatever changes a row (a figure, a target, an indicator, a section's order, the plan's own
fields, its province's name, the figures asked for, the language) gives it a new fingerprint:
the rows are written again. Nothing else does, and then the indicators are not read at all.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Actual, Comparator
from plans.models import YearRowsSnapshot
from tests import factories as f

pytestmark = pytest.mark.django_db

APPROVED = Actual.Status.APPROVED
YEAR = 2013


@pytest.fixture
def plan(db):
    successor = f.province("Cần Thơ", code="92")
    province = f.province("Hậu Giang", code="93", successor=successor)
    plan = f.plan(province, slug="kept", first_year=2011, last_year=2015, document_number="KH-1")
    first = f.section(plan, code="S1", title="Hạ tầng", position=1)
    second = f.section(plan, code="S2", title="Ứng dụng", position=2)
    for code, section in (("A", first), ("B", second)):
        indicator = f.indicator(plan, code=code, section=section, name=f"Chỉ tiêu {code}")
        f.target(indicator, year=YEAR, phrase="100%", comparator=Comparator.EQ, value="100")
    f.actual(plan.indicators.get(code="A"), year=YEAR, value="100", status=APPROVED)
    return plan


def page(client, province, **query) -> tuple[str, int, list[str]]:
    """Return the year view's table, its number of queries and its indicator codes in order."""
    url = reverse("plans:year-view", args=[province.slug, YEAR])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    table = response.content.decode().split('data-testid="year-table"')[1].split("</table>")[0]
    return table, len(queries), [row.code for row in response.context["rows"]]


@pytest.fixture
def leader(client, plan):
    client.force_login(f.user(f.LEADER, plan.province))
    return client


def test_rows_are_kept_and_read_back_without_judging_again(leader, plan):
    leader.get(reverse("plans:agency-list"))  # the navigation bar's count kept
    first, first_queries, codes = page(leader, plan.province)
    again, queries, _codes = page(leader, plan.province)
    assert again == first and codes == ["A", "B"]
    # Indicators, targets and figures are not read, and nothing is written.
    assert queries == first_queries - 4
    assert YearRowsSnapshot.objects.filter(plan=plan, year=YEAR).count() == 1


def test_a_new_figure_is_shown_at_once(leader, plan):
    page(leader, plan.province)
    f.actual(plan.indicators.get(code="B"), year=YEAR, value="42.5", status=APPROVED)
    table, _queries, _codes = page(leader, plan.province)
    assert "42,5" in table


def test_a_changed_figure_target_or_indicator_is_shown_at_once(leader, plan):
    page(leader, plan.province)
    figure = Actual.objects.get(indicator__code="A", year=YEAR)
    figure.value = Decimal("77")
    figure.save()
    assert "77 " in page(leader, plan.province)[0]
    target = plan.indicators.get(code="A").targets.get(year=YEAR)
    target.phrase = "trên 95%"
    target.save()
    assert "trên 95%" in page(leader, plan.province)[0]
    indicator = plan.indicators.get(code="B")
    indicator.name = "Chỉ tiêu đổi tên"
    indicator.save()
    assert "Chỉ tiêu đổi tên" in page(leader, plan.province)[0]


def test_a_sections_new_order_reorders_the_rows(leader, plan):
    assert page(leader, plan.province)[2] == ["A", "B"]
    plan.sections.filter(code="S2").update(position=0)  # a bulk update sends no signal…
    section = plan.sections.get(code="S2")
    section.save()  # …a save, from the admin, does
    assert page(leader, plan.province)[2] == ["B", "A"]


def test_the_plans_fields_and_its_provinces_name_are_read_fresh(client, plan):
    successor = plan.province.successor
    client.force_login(f.user(f.LEADER, successor))
    table, _queries, _codes = page(client, successor)
    assert "KH-1" in table and "Hậu Giang" in table  # a merged province's plan names it
    plan.document_number = "KH-2"
    plan.save()
    province = plan.province
    province.name = "Hậu Giang cũ"
    province.save()
    table, _queries, _codes = page(client, successor)
    assert "KH-2" in table and "Hậu Giang cũ" in table


def test_approved_only_and_all_figures_are_kept_apart(leader, plan):
    f.actual(plan.indicators.get(code="B"), year=YEAR, value="31", status=Actual.Status.DRAFT)
    approved, _queries, _codes = page(leader, plan.province)
    everything, _queries, _codes = page(leader, plan.province, figures="all")
    assert "31 " not in approved and "31 " in everything
    assert "31 " not in page(leader, plan.province)[0]  # the kept approved rows: no draft


def test_each_language_has_its_own_rows(leader, plan):
    vietnamese, _queries, _codes = page(leader, plan.province)
    leader.cookies["django_language"] = "en"
    english, _queries, _codes = page(leader, plan.province)
    assert "Achieved" in english and "Achieved" not in vietnamese

"""The plan dashboard keeps its data sections between two changes of its plan (dashboard_page).

Whatever the sections show (figures, targets, indicators, money, projects, duties, the names of
agencies, sectors and funding sources, the figures asked for, the language) changes the plan's
version or the page's key: they are rendered again. Nothing else does, and then the plan's
indicators, figures and money are not read at all. What depends on the viewer is never kept.
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import Disbursement
from indicators.models import Actual, Comparator
from plans.models import DashboardPage
from tests import factories as f

pytestmark = pytest.mark.django_db

APPROVED = Actual.Status.APPROVED


@pytest.fixture
def plan(db):
    plan = f.plan(f.province("Bình Thuận", code="60"), slug="kept", first_year=2011, last_year=2015)
    section = f.section(plan, code="S1", title="Hạ tầng", sector=f.sector("vt", "Viễn thông"))
    for code in ("A", "B"):
        indicator = f.indicator(plan, code=code, section=section, name=f"Chỉ tiêu {code}")
        f.target(indicator, year=2015, phrase="100%", comparator=Comparator.EQ, value="100")
    f.actual(plan.indicators.get(code="A"), year=2013, value="60", status=APPROVED)
    line = f.budget_line(plan, code="L1", name="Trung tâm dữ liệu")
    f.allocation(line, amount="900", year_from=2011, year_to=2015)
    f.disbursement(line, amount="300", year=2013, status=Disbursement.Status.APPROVED)
    agency = f.agency(plan.province, "Sở Tài chính", code="bt-stc")
    f.project(plan, code="P1", name="Cổng dịch vụ công", lead_agency=agency)
    f.responsibility(plan, agency, code="R1", duties="Bố trí vốn")
    return plan


def page(client, plan, **query) -> tuple[str, int]:
    """Return the dashboard's HTML and its number of queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:plan-dashboard", args=[plan.slug]), query)
    assert response.status_code == 200
    # The CSRF token of the base template's forms differs on every request.
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode()), len(queries)


@pytest.fixture
def leader(client, plan):
    client.force_login(f.user(f.LEADER, plan.province))
    return client


def test_sections_are_kept_and_read_back_without_judging_again(leader, plan):
    first, first_queries = page(leader, plan)
    again, queries = page(leader, plan)
    assert again == first
    assert "Chỉ tiêu A" in first and "chart-figures" in first and "Cổng dịch vụ công" in first
    # Indicators, targets, figures, budget lines, money, projects, duties and stated totals
    # are not read, and nothing is written: one read of the kept sections instead.
    assert queries <= first_queries - 8
    assert DashboardPage.objects.filter(plan=plan).count() == 1


def test_a_new_or_changed_figure_is_shown_at_once(leader, plan):
    page(leader, plan)
    f.actual(plan.indicators.get(code="B"), year=2013, value="42.5", status=APPROVED)
    assert "42,5" in page(leader, plan)[0]
    figure = Actual.objects.get(indicator__code="A", year=2013)
    figure.value = Decimal("77")
    figure.save()
    assert ">77<" in page(leader, plan)[0].replace(" ", "")


def test_changed_money_is_shown_at_once(leader, plan):
    assert "300" in page(leader, plan)[0]
    disbursement = Disbursement.objects.get()
    disbursement.amount = Decimal("456")
    disbursement.save()
    html = page(leader, plan)[0]
    assert "456" in html


@pytest.mark.parametrize(
    "change, shown",
    [
        ("project", "Cổng dịch vụ công tỉnh"),
        ("duty", "Bố trí đủ vốn"),
        ("agency", "Sở Tài chính tỉnh"),
        ("sector", "Bưu chính viễn thông"),
        ("source", "Ngân sách trung ương"),
        ("stated total", "Tổng vốn ghi trong văn bản"),
    ],
)
def test_what_else_the_sections_show_is_shown_at_once(leader, plan, change, shown):
    assert shown not in page(leader, plan)[0]
    if change == "project":
        project = plan.projects.get()
        project.name = shown
        project.save()
    elif change == "duty":
        duty = plan.responsibilities.get()
        duty.duties = shown
        duty.save()
    elif change == "agency":
        agency = plan.projects.get().lead_agency
        agency.name = shown
        agency.save()
    elif change == "sector":
        sector = plan.sections.get().sector
        sector.name = shown
        sector.save()
    elif change == "source":
        source = f.funding_source()
        source.short_name = source.name = shown
        source.save()
    else:
        plan.stated_totals.create(
            code="T1", label="tổng", amount=Decimal("1234"), phrase=shown,
            source=f.funding_source(),
        )  # fmt: skip
    assert shown in page(leader, plan)[0]


def test_approved_only_and_all_figures_are_kept_apart(leader, plan):
    f.actual(plan.indicators.get(code="B"), year=2013, value="31", status=Actual.Status.DRAFT)
    approved = page(leader, plan)[0]
    everything = page(leader, plan, figures="all")[0]
    assert ">31<" not in approved.replace(" ", "") and ">31<" in everything.replace(" ", "")
    assert ">31<" not in page(leader, plan)[0].replace(" ", "")  # kept approved: no draft
    assert DashboardPage.objects.filter(plan=plan).count() == 2


def test_each_language_has_its_own_sections(leader, plan):
    vietnamese = page(leader, plan)[0]
    leader.cookies["django_language"] = "en"
    english = page(leader, plan)[0]
    assert "Needs attention" in english and "Needs attention" not in vietnamese


def test_a_filtered_or_sorted_page_is_rendered_fresh_and_not_kept(leader, plan):
    html = page(leader, plan, sort="-code")[0]
    assert html.index("Chỉ tiêu B") < html.index("Chỉ tiêu A")
    page(leader, plan, status="achieved")
    assert not DashboardPage.objects.exists()
    plain = page(leader, plan)[0]
    assert plain.index("Chỉ tiêu A") < plain.index("Chỉ tiêu B")


def test_what_depends_on_the_viewer_is_never_kept(client, plan):
    client.force_login(f.user(f.LEADER, plan.province))
    entry = reverse("indicators:entry", args=[plan.slug, plan.first_year])
    assert entry not in page(client, plan)[0]
    client.force_login(f.user(f.STAFF, plan.province))
    assert entry in page(client, plan)[0]  # the leader's kept sections, the staff's own header
    client.force_login(f.user(f.NATIONAL, None))
    html = page(client, plan, figures="all")[0]
    assert entry not in html and 'data-testid="show-unapproved"' not in html

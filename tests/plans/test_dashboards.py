"""Dashboards: figures computed right, approved-only by default, queries fixed by design."""

from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Actual, Comparator, Indicator
from plans.dashboards import home_summaries, plan_dashboard
from tests import factories as f
from tests import home_page

pytestmark = pytest.mark.django_db

APPROVED = Actual.Status.APPROVED


@pytest.fixture
def known_plan(db):
    """A small plan whose statuses in 2013 are known in advance."""
    province = f.province("Bình Thuận", code="60")
    plan = f.plan(province, slug="known", first_year=2011, last_year=2015)
    section = f.section(plan, code="S", title="Hạ tầng", sector=f.sector("vien-thong"))

    def indicator(code, **fields):
        return f.indicator(plan, code=code, section=section, **fields)

    # On track: baseline 20 (2011) → 80 in 2015 expects 50 in 2013; 48 is 4% short.
    on_track = indicator("A", baseline_value=Decimal(20), baseline_year=2011)
    f.target(on_track, year=2015, phrase="từ 80% trở lên", comparator=Comparator.GTE, value="80")
    f.actual(on_track, year=2013, value="48", status=APPROVED)
    # Behind: 30 against an expected 50.
    behind = indicator("B", baseline_value=Decimal(20), baseline_year=2011)
    f.target(behind, year=2015, phrase="từ 80% trở lên", comparator=Comparator.GTE, value="80")
    f.actual(behind, year=2013, value="30", status=APPROVED)
    # Achieved in its own milestone year, lower is better.
    radius = indicator("C", unit="km/điểm", direction="lower")
    f.target(radius, year=2013, phrase="dưới 1,4 km/điểm", comparator=Comparator.LT, value="1.4")
    f.actual(radius, year=2013, value="1.2", status=APPROVED)
    # At risk: 40 expected 50 (20% short).
    at_risk = indicator("D", baseline_value=Decimal(20), baseline_year=2011)
    f.target(at_risk, year=2015, phrase="từ 80% trở lên", comparator=Comparator.GTE, value="80")
    f.actual(at_risk, year=2013, value="40", status=APPROVED)
    # A draft figure: invisible by default, so no data.
    drafted = indicator("E")
    f.target(drafted, year=2015)
    f.actual(drafted, year=2013, value="95", status=Actual.Status.DRAFT)
    done = indicator("F", kind=Indicator.Kind.QUALITATIVE, unit="")
    f.actual(done, year=2013, value=None, progress=Actual.Progress.DONE, status=APPROVED)
    indicator("G", kind=Indicator.Kind.QUALITATIVE, unit="")
    line = f.budget_line(plan, code="L")
    f.allocation(line, amount="1000", year_from=2011, year_to=2015)
    disbursed = f.disbursement(line, amount="250", year=2013)
    disbursed.status = APPROVED
    disbursed.save()
    f.disbursement(line, amount="100", year=2014)  # a draft
    return plan


def test_home_summary_counts_statuses_in_the_latest_year(known_plan):
    admin = f.user(f.ADMIN, None)
    [group] = home_summaries(admin)
    [summary] = group.plans
    assert summary.year == 2013
    assert summary.counts == {
        "exceeded": 0,
        "achieved": 1,
        "on_track": 1,
        "at_risk": 1,
        "behind": 1,
        "not_achieved": 0,
        "insufficient_basis": 0,
        "no_target": 0,
        "no_data": 1,
    }
    assert (summary.qualitative_done, summary.qualitative_total) == (1, 2)
    assert (summary.planned, summary.disbursed) == (Decimal(1000), Decimal(250))
    assert summary.disbursed_percent == Decimal("25.0")


def test_unapproved_figures_count_only_when_asked_and_allowed(known_plan):
    admin = f.user(f.ADMIN, None)
    [group] = home_summaries(admin, show_unapproved=True)
    [summary] = group.plans
    assert summary.year == 2013
    # The draft 95 already meets "trên 90%" due in 2015: on track instead of no data.
    assert (summary.counts["on_track"], summary.counts["no_data"]) == (2, 0)
    assert summary.disbursed == Decimal(350)
    national = f.user(f.NATIONAL, None)
    [group] = home_summaries(national, show_unapproved=True)
    assert group.plans[0].disbursed == Decimal(250)


def test_plan_dashboard_percent_and_status_per_indicator(known_plan):
    dashboard = plan_dashboard(known_plan, statuses=(APPROVED,))
    by_code = {p.indicator.code: p for p in dashboard.progresses}
    assert by_code["A"].status_code == "on_track"
    assert by_code["A"].status.assessment.percent == Decimal("60.00")  # 48 ÷ 80
    assert by_code["C"].status_code == "achieved"
    assert by_code["C"].status.assessment.percent == Decimal("116.67")  # 1,4 ÷ 1,2
    assert by_code["E"].status_code == "no_data"
    assert by_code["F"].status_code == "done"


def test_dashboard_page_shows_figures_in_vietnamese_and_status_as_text(client, known_plan):
    client.force_login(f.user(f.ADMIN, None))
    response = client.get(reverse("plans:plan-dashboard", args=[known_plan.slug]))
    content = response.content.decode()
    assert "dưới 1,4 km/điểm" in content
    assert "116,67%" in content
    assert "Đúng tiến độ" in content and "Chậm tiến độ" in content
    assert "✔" in content  # a symbol as well as colour
    assert 'id="chart-' in content and "application/json" in content


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"status": "behind"}, ["B"]),
        ({"status": "achieved"}, ["C"]),
        ({"scope": "toàn tỉnh"}, ["A"]),
        ({}, ["A", "B", "C", "D", "E", "F", "G"]),
    ],
)
def test_dashboard_filters_narrow_the_table(client, known_plan, query, codes):
    Indicator.objects.filter(plan=known_plan, code="A").update(scope="toàn tỉnh")
    client.force_login(f.user(f.ADMIN, None))
    response = client.get(reverse("plans:plan-dashboard", args=[known_plan.slug]), query)
    assert sorted(row.record["code"] for row in response.context["table"].rows) == codes


def test_dashboard_table_sorts(client, known_plan):
    client.force_login(f.user(f.ADMIN, None))
    url = reverse("plans:plan-dashboard", args=[known_plan.slug])
    response = client.get(url, {"sort": "-code"})
    assert [row.record["code"] for row in response.context["table"].rows][:2] == ["G", "F"]


def test_year_view_lists_every_indicator_of_plans_in_force(client, known_plan):
    client.force_login(f.user(f.LEADER, known_plan.province))
    url = reverse("plans:year-view", args=[known_plan.province.slug, 2013])
    rows = client.get(url).context["rows"]
    assert {row.code: row.status_code for row in rows} == {
        "A": "on_track",
        "B": "behind",
        "C": "achieved",
        "D": "at_risk",
        "E": "no_data",
        "F": "done",
        "G": "no_data",
    }
    assert (
        client.get(reverse("plans:year-view", args=[known_plan.province.slug, 2030])).context[
            "rows"
        ]
        == []
    )


def test_leader_sees_draft_figures_only_with_the_toggle(client, known_plan):
    client.force_login(f.user(f.LEADER, known_plan.province))
    url = reverse("plans:plan-dashboard", args=[known_plan.slug])
    default = {p.indicator.code: p for p in client.get(url).context["dashboard"].progresses}
    assert default["E"].actuals == {}
    toggled = client.get(url, {"figures": "all"})
    progress = {p.indicator.code: p for p in toggled.context["dashboard"].progresses}
    assert progress["E"].actuals[2013].value == Decimal("95")
    # The draft figure and the draft disbursement are each marked as not yet approved;
    # without the toggle nothing is marked.
    marker = 'title="chưa được duyệt">*</small>'
    assert toggled.content.decode().count(marker) == 2
    assert marker not in client.get(url).content.decode()


def test_national_leader_cannot_toggle_drafts_into_view(client, known_plan):
    client.force_login(f.user(f.NATIONAL, None))
    url = reverse("plans:plan-dashboard", args=[known_plan.slug])
    progress = {
        p.indicator.code: p
        for p in client.get(url, {"figures": "all"}).context["dashboard"].progresses
    }
    assert progress["E"].actuals == {}


def test_compare_puts_provinces_side_by_side(client, known_plan):
    concept = f.concept("internet-users-pct")
    Indicator.objects.filter(plan=known_plan, code="A").update(concept=concept)
    other = f.plan(f.province("Hậu Giang", code="93"))
    twin = f.indicator(other, code="X", concept=concept)
    f.target(twin, year=2020, phrase="100%", comparator=Comparator.EQ, value="100")
    client.force_login(f.user(f.NATIONAL, None))
    response = client.get(reverse("indicators:concept-compare", args=[concept.code]))
    assert [s.plan.province.name for s in response.context["series"]] == ["Bình Thuận", "Hậu Giang"]
    assert len(response.context["figure"]["data"]) == 3  # two target lines, one actual line


def test_agency_view_lists_projects_and_duties(client, known_plan):
    agency = f.agency(known_plan.province, "Sở TT&TT Bình Thuận", code="bt-stttt")
    f.project(known_plan, code="P", name="Cổng thông tin", lead_agency=agency)
    f.responsibility(known_plan, agency, code="R", duties="Chủ trì, hướng dẫn")
    client.force_login(f.user(f.LEADER, known_plan.province))
    response = client.get(reverse("plans:agency-detail", args=[agency.code]))
    assert [p.name for p in response.context["projects"]] == ["Cổng thông tin"]
    assert [d.duties for d in response.context["duties"]] == ["Chủ trì, hướng dẫn"]


PAGES = {
    "home": lambda plan: reverse("plans:home"),
    "dashboard": lambda plan: reverse("plans:plan-dashboard", args=[plan.slug]),
    "year": lambda plan: reverse("plans:year-view", args=[plan.province.slug, 2013]),
    "agencies": lambda plan: reverse("plans:agency-list"),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_the_viewed_data(client, django_assert_max_num_queries, page):
    from django.db import connection

    client.force_login(f.user(f.ADMIN, None))
    plan = f.grow_plan(f.plan(), indicators=2, lines=2, actual_status=APPROVED)
    with CaptureQueriesContext(connection) as small:
        assert client.get(PAGES[page](plan)).status_code == 200
    # The viewed plan triples, its province gets a second plan, and two more provinces appear:
    # every page sees more rows, none makes more queries.
    f.grow_plan(plan, indicators=4, lines=4, actual_status=APPROVED)
    f.grow_plan(f.plan(plan.province), indicators=6, lines=6, actual_status=APPROVED)
    for _ in range(2):
        f.grow_plan(f.plan(), indicators=6, lines=6, actual_status=APPROVED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(PAGES[page](plan))
        assert response.status_code == 200
    if page == "dashboard":
        assert len(response.context["dashboard"].progresses) == 6
    if page == "year":
        assert len(response.context["rows"]) == 12


def test_provinces_are_listed_in_vietnamese_alphabetical_order(client):
    for name in ("Sóc Trăng", "Bình Thuận", "Hậu Giang", "Bắc Giang"):
        f.plan(f.province(name))
    client.force_login(f.user(f.NATIONAL, None))
    names = home_page.province_names(client.get(reverse("plans:home")).content.decode())
    # Code-point order would put "Bình" before "Bắc".
    assert names == ["Bắc Giang", "Bình Thuận", "Hậu Giang", "Sóc Trăng"]

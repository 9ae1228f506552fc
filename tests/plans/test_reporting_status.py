"""The reporting status page (tỷ lệ báo cáo), its workbook, and the deadlines behind it."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans import reporting, services
from plans.models import Plan, PlanYear, deadline_in, is_late
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2014, 1, 10)
SUBMITTED_WORD = "Đã gửi duyệt"


@pytest.fixture
def on_day(monkeypatch):
    """Make `timezone.localdate()` (without arguments) return TODAY, as the pages read it."""
    original = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: TODAY if value is None else original(value, timezone),
    )


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


# The rules


def test_a_default_of_29_february_falls_on_the_28th_in_other_years():
    assert deadline_in(2024, day=29, month=2) == datetime.date(2024, 2, 29)
    assert deadline_in(2025, day=29, month=2) == datetime.date(2025, 2, 28)
    assert deadline_in(2025, day=31, month=4) == datetime.date(2025, 4, 30)


@pytest.mark.parametrize(
    ("submitted_on", "today", "late"),
    [
        (datetime.date(2013, 12, 15), datetime.date(2014, 1, 1), False),  # on the day
        (datetime.date(2013, 12, 16), datetime.date(2014, 1, 1), True),  # a day after
        (None, datetime.date(2013, 12, 15), False),  # not sent, not yet due
        (None, datetime.date(2013, 12, 16), True),  # not sent, past the deadline
    ],
)
def test_a_report_is_late_when_sent_after_its_deadline_or_not_sent_past_it(
    submitted_on, today, late
):
    due = datetime.date(2013, 12, 15)
    assert is_late(due_on=due, submitted_on=submitted_on, today=today) is late


def test_a_plan_year_deadline_overrides_the_plans_default():
    plan = Plan(first_year=2011, last_year=2015, report_deadline_day=31, report_deadline_month=1)
    assert plan.default_deadline(2013) == datetime.date(2013, 1, 31)
    assert PlanYear(plan=plan, year=2013).due_on == datetime.date(2013, 1, 31)
    own = datetime.date(2014, 2, 1)
    assert PlanYear(plan=plan, year=2013, deadline=own).due_on == own


# The rows


@pytest.fixture
def states(world):
    """Plan A's years in every state on 10/1/2014, plan B's 2013 not started."""
    staff, leader = world.users["staff_a"], world.users["leader_a"]
    # 2011: approved on time. 2012: submitted late, waiting. 2013: returned.
    # 2014: a draft with one figure of three, its deadline still ahead.
    for year in (2011, 2012, 2013):
        f.actual(world.percent, year=year, value="40", entered_by=staff)
        f.actual(world.count, year=year, value="10", entered_by=staff)
        services.plan_year_submit(plan=world.plan_a, year=year, user=staff)
    services.plan_year_approve(plan=world.plan_a, year=2011, user=leader)
    services.plan_year_return(plan=world.plan_a, year=2013, user=leader, comment="Sửa")
    PlanYear.objects.filter(plan=world.plan_a, year=2011).update(
        submitted_at=at(datetime.date(2011, 12, 1)), reviewed_at=at(datetime.date(2011, 12, 5))
    )
    PlanYear.objects.filter(plan=world.plan_a, year=2012).update(
        submitted_at=at(datetime.date(2013, 1, 4))
    )
    f.actual(world.percent, year=2014, value="60", entered_by=staff)
    PlanYear.objects.create(plan=world.plan_a, year=2014)
    return world


def rows_of(status):
    return {
        (row.plan.slug, row.year): (
            row.state.value,
            row.timeliness,
            row.submitted_on,
            row.approved_on,
            f"{row.with_figure}/{row.indicators}",
        )
        for row in status.rows
    }


def test_each_year_shows_its_state_dates_timeliness_and_figures(states):
    status = reporting.reporting_status(states.users["leader_a"], every_year=True, today=TODAY)
    assert rows_of(status) == {
        ("plan-a", 2011): (
            "approved",
            "Đúng hạn",
            datetime.date(2011, 12, 1),
            datetime.date(2011, 12, 5),
            "2/3",
        ),
        ("plan-a", 2012): ("submitted", "Trễ hạn", datetime.date(2013, 1, 4), None, "2/3"),
        ("plan-a", 2013): ("returned", "Trễ hạn", None, None, "2/3"),
        # Due on 15/12/2014: not yet listed among the years due so far.
    }
    totals = status.totals
    assert (totals.due, totals.reported, totals.on_time, totals.late) == (3, 2, 1, 2)


def test_a_year_given_its_own_deadline_but_no_figure_has_not_started(states):
    PlanYear.objects.filter(plan=states.plan_a, year=2014).delete()
    PlanYear.objects.create(plan=states.plan_a, year=2015, deadline=datetime.date(2015, 6, 30))
    status = reporting.reporting_status(states.users["leader_a"], year=2015, today=TODAY)
    (row,) = status.rows
    assert (row.state, row.due_on, row.timeliness) == (
        reporting.State.NOT_STARTED,
        datetime.date(2015, 6, 30),
        "Còn 536 ngày",
    )


def test_the_page_defaults_to_the_latest_year_due(states):
    status = reporting.reporting_status(states.users["leader_a"], today=TODAY)
    assert status.year == 2013
    assert [row.year for row in status.rows] == [2013]
    late_in_year = reporting.reporting_status(
        states.users["leader_a"], today=datetime.date(2014, 11, 20)
    )
    assert late_in_year.year == 2014  # due 15/12/2014, within 30 days


def test_leaders_see_their_provinces_plans_and_national_leaders_every_province(states):
    def plans(role, **kwargs):
        status = reporting.reporting_status(states.users[role], year=2013, today=TODAY, **kwargs)
        return sorted(row.plan.slug for row in status.rows)

    assert plans("leader_a") == ["plan-a"]
    assert plans("leader_successor") == ["plan-a"]
    assert plans("national") == ["plan-a", "plan-b"]
    assert plans("national", province=states.successor.slug) == ["plan-a"]
    assert plans("national", province=states.province_b.slug) == ["plan-b"]


def test_the_page_shows_states_dates_and_shares(states, as_user, on_day):
    page = as_user(states.users["leader_a"]).get(reverse("plans:reporting-status"), {"year": "all"})
    text = page.content.decode()
    assert 'data-plan="plan-a" data-year="2011" data-state="approved"' in text
    assert "01/12/2011" in text and "05/12/2011" in text
    assert "Trễ hạn" in text and "Đúng hạn" in text
    assert "2/3 (67%)" in text
    assert "67% (2/3 đã gửi hoặc đã duyệt)" in text  # reporting rate
    assert reverse("plans:deadlines", args=["plan-a"]) in text  # leaders may change them


def test_national_leaders_see_no_link_to_change_deadlines(states, as_user):
    page = as_user(states.users["national"]).get(reverse("plans:reporting-status")).content
    assert reverse("plans:deadlines", args=["plan-a"]).encode() not in page


def test_a_year_that_is_not_a_year_is_refused_in_vietnamese(states, as_user):
    page = as_user(states.users["leader_a"]).get(
        reverse("plans:reporting-status"), {"year": "20l3"}
    )
    assert "“20l3” không phải là một năm" in page.content.decode()


def test_the_workbook_holds_the_rows_and_the_rates(states, as_user, on_day):
    response = as_user(states.users["leader_a"]).get(
        reverse("plans:reporting-status-export"), {"year": "all"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2:5] == ("Năm", "Trạng thái", "Hạn báo cáo")
    by_year = {row[2]: row for row in rows[1:] if isinstance(row[2], int)}
    assert isinstance(by_year[2012][8], int)  # numbers stay numbers
    assert by_year[2012][3] == SUBMITTED_WORD
    assert by_year[2012][4] == "15/12/2012"
    assert by_year[2012][5] == "04/01/2013"
    assert by_year[2012][7] == "Trễ hạn"
    assert by_year[2011][10] == pytest.approx(2 / 3)
    totals = {row[0]: row[1] for row in rows if row[0] and row[1] is not None}
    assert totals["Tỷ lệ đã báo cáo"] == pytest.approx(2 / 3)
    assert totals["Tỷ lệ đúng hạn"] == pytest.approx(1 / 3)


# Query counts: the page and its workbook cost the same with one plan or twenty.


def grow(world, plans: int):
    staff = world.users["staff_a"]
    for number in range(plans):
        for province in (world.province_a, f.province(f"Tỉnh {number}")):
            plan = f.plan(province, first_year=2011, last_year=2015)
            for code in range(3):
                indicator = f.indicator(plan, code=f"G{code}")
                for year in (2011, 2012, 2013):
                    f.actual(indicator, year=year, entered_by=staff)
            services.plan_year_submit(plan=plan, year=2012, user=staff)
            PlanYear.objects.create(plan=plan, year=2013, deadline=datetime.date(2014, 2, 1))


@pytest.mark.parametrize("name", ["plans:reporting-status", "plans:reporting-status-export"])
@pytest.mark.parametrize("role", ["leader_a", "national"])
def test_queries_do_not_grow_with_plans_and_years(
    states, as_user, name, role, django_assert_max_num_queries
):
    client = as_user(states.users[role])
    url = reverse(name)

    def measure():
        client.get(url, {"year": "all"})  # sessions and snapshots warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"year": "all"})
        assert response.status_code == 200
        return len(queries), response

    small, response = measure()
    rows = len(response.context["status"].rows) if response.context else None
    grow(states, 4)
    client.get(url, {"year": "all"})  # what is kept between two writes, kept again
    with django_assert_max_num_queries(small):
        response = client.get(url, {"year": "all"})
    if rows is not None:
        assert len(response.context["status"].rows) > rows


def test_the_selector_makes_four_queries(states, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    national = get_user_model().objects.get(pk=states.users["national"].pk)
    national.has_perm("plans.view_all_provinces")  # the permission cache, loaded by the page
    # plans with provinces, plan-years (with whether anything was entered), indicators per
    # plan, figures per plan and year.
    with django_assert_num_queries(4):
        small = reporting.reporting_status(national, every_year=True, today=TODAY)
    grow(states, 3)
    national = get_user_model().objects.get(pk=states.users["national"].pk)
    national.has_perm("plans.view_all_provinces")
    with django_assert_num_queries(4):
        big = reporting.reporting_status(national, every_year=True, today=TODAY)
    assert len(big.rows) > len(small.rows)


# Deadlines


def deadlines_post(client, plan, **fields):
    data = {"day": 15, "month": 12} | {f"y{y}": "" for y in range(2011, 2016)} | fields
    return client.post(reverse("plans:deadlines", args=[plan.slug]), data)


def test_a_leader_sets_the_default_and_a_years_own_deadline(world, as_user):
    client = as_user(world.users["leader_a"])
    response = deadlines_post(client, world.plan_a, day=31, month=1, y2013="28/02/2014")
    assert response.status_code == 302
    world.plan_a.refresh_from_db()
    assert (world.plan_a.report_deadline_day, world.plan_a.report_deadline_month) == (31, 1)
    plan_year = PlanYear.objects.get(plan=world.plan_a, year=2013)
    assert plan_year.deadline == datetime.date(2014, 2, 28)
    assert plan_year.history.first().history_change_reason == "Đổi hạn báo cáo"
    assert world.plan_a.history.first().history_user == world.users["leader_a"]
    # Only the year given a deadline of its own got a plan-year.
    assert PlanYear.objects.filter(plan=world.plan_a).count() == 1
    # Cleared again: the default applies.
    deadlines_post(client, world.plan_a, day=31, month=1)
    plan_year.refresh_from_db()
    assert plan_year.deadline is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day": 31, "month": 2}, "Tháng này không có ngày đó."),
        ({"y2013": "15/12/2016"}, "Hạn báo cáo năm 2013 phải nằm trong năm 2013 hoặc năm kế tiếp."),
        ({"y2013": "31/02/2013"}, "Nhập một ngày có thật theo dạng dd/mm/yyyy"),
        ({"day": "x"}, "Nhập ngày là một số từ 1 đến 31."),
        ({"month": "13"}, "Nhập tháng là một số từ 1 đến 12."),
    ],
)
def test_bad_deadlines_are_refused_in_vietnamese_and_nothing_is_saved(
    world, as_user, fields, message
):
    client = as_user(world.users["leader_a"])
    response = deadlines_post(client, world.plan_a, y2012="20/12/2012", **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    world.plan_a.refresh_from_db()
    assert (world.plan_a.report_deadline_day, world.plan_a.report_deadline_month) == (15, 12)
    assert not PlanYear.objects.filter(plan=world.plan_a).exists()


def test_staff_see_the_deadlines_without_a_form_to_change_them(world, as_user):
    page = as_user(world.users["staff_a"]).get(reverse("plans:deadlines", args=["plan-a"]))
    text = page.content.decode()
    assert "15/12/2013" in text
    assert 'data-testid="save-deadlines"' not in text

"""The inbox on the home page: each item reaches the right people and leaves once acted on.

World (tests/plans/conftest.py): plan A of Hậu Giang, merged into Cần Thơ, and plan B of Sóc
Trăng, both 2011-2015 with the default deadline 15/12. The day is 1/12/2013: the 2013 report
is due in 14 days, the 2012 one is 351 days late, older ones are beyond the inbox.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans import inbox as inbox_module
from plans import services
from plans.models import PlanYear
from plans.templatetags.inbox import INBOX
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2013, 12, 1)


@pytest.fixture
def on_day(monkeypatch):
    """Return a function making `timezone.localdate()` (without arguments) return a day."""
    original = timezone.localdate

    def set_day(day: datetime.date):
        monkeypatch.setattr(
            timezone,
            "localdate",
            lambda value=None, timezone=None: day if value is None else original(value, timezone),
        )

    set_day(TODAY)
    return set_day


def home_inbox(as_user, user):
    """Return the inbox the home page showed `user`, and the page's text."""
    response = as_user(user).get(reverse("plans:home"))
    assert response.status_code == 200
    return getattr(response.wsgi_request, INBOX), response.content.decode()


def items(inbox, plan=None):
    return sorted(
        (item.kind, item.year)
        for item in inbox.staff + inbox.leader
        if plan is None or item.plan.pk == plan.pk
    )


def on(day: datetime.date) -> datetime.datetime:
    """Return noon of `day`, local time: the moment a step taken on that day is recorded."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def submit(world, year=2013, user=None):
    f.actual(world.percent, year=year, value="40")
    services.plan_year_submit(plan=world.plan_a, year=year, user=user or world.users["staff_a"])
    PlanYear.objects.filter(plan=world.plan_a, year=year).update(submitted_at=on(TODAY))


def test_staff_see_the_years_due_and_late_with_the_days_left(world, as_user, on_day):
    inbox, page = home_inbox(as_user, world.users["staff_a"])
    assert items(inbox, world.plan_a) == [("due", 2013), ("late", 2012)]
    due = next(item for item in inbox.staff if item.year == 2013)
    assert (due.days_left, due.due_on) == (14, datetime.date(2013, 12, 15))
    assert due.url == reverse("indicators:entry", args=["plan-a", 2013])
    assert "Còn 14 ngày" in page and "Quá hạn 351 ngày" in page
    assert 'href="/plans/plan-a/2013/"' in page


def test_a_successors_staff_see_the_merged_provinces_years(world, as_user, on_day):
    inbox, _page = home_inbox(as_user, world.users["staff_successor"])
    assert items(inbox, world.plan_a) == [("due", 2013), ("late", 2012)]


def test_other_provinces_and_other_roles_see_none_of_them(world, as_user, on_day):
    for role in ("staff_b", "staff_unrelated", "national", "admin", "leader_a"):
        inbox, _page = home_inbox(as_user, world.users[role])
        assert [i for i in inbox.staff if i.plan.pk == world.plan_a.pk] == [], role


def test_a_submitted_year_leaves_staff_and_waits_for_the_provinces_leaders(world, as_user, on_day):
    submit(world)
    inbox, _page = home_inbox(as_user, world.users["staff_a"])
    assert items(inbox, world.plan_a) == [("late", 2012)]
    for role in ("leader_a", "leader_successor"):
        inbox, page = home_inbox(as_user, world.users[role])
        assert items(inbox) == [("submitted", 2013)], role
        (item,) = inbox.leader
        assert item.who == world.users["staff_a"]
        assert "gửi bởi staff_a lúc" in page
    leader_b = f.user(f.LEADER, world.province_b, "leader_b")
    for user in (leader_b, world.users["national"], world.users["staff_a"]):
        inbox, _page = home_inbox(as_user, user)
        assert inbox.leader == []


def test_an_approved_year_leaves_the_leaders_inbox(world, as_user, on_day):
    submit(world)
    services.plan_year_approve(plan=world.plan_a, year=2013, user=world.users["leader_a"])
    for role in ("leader_a", "leader_successor"):
        inbox, _page = home_inbox(as_user, world.users[role])
        assert inbox.leader == [], role
    inbox, _page = home_inbox(as_user, world.users["staff_a"])
    assert items(inbox, world.plan_a) == [("late", 2012)]


def test_a_returned_year_shows_staff_the_comment_until_submitted_again(world, as_user, on_day):
    submit(world)
    services.plan_year_return(
        plan=world.plan_a, year=2013, user=world.users["leader_a"], comment="Thiếu số trạm BTS"
    )
    inbox, page = home_inbox(as_user, world.users["staff_a"])
    returned = next(item for item in inbox.staff if item.kind == "returned")
    assert (returned.year, returned.comment, returned.who) == (
        2013,
        "Thiếu số trạm BTS",
        world.users["leader_a"],
    )
    assert inbox.staff[0] is returned  # returned years come first
    assert "Thiếu số trạm BTS" in page
    assert home_inbox(as_user, world.users["leader_a"])[0].leader == []

    services.plan_year_submit(plan=world.plan_a, year=2013, user=world.users["staff_a"])
    inbox, _page = home_inbox(as_user, world.users["staff_a"])
    assert items(inbox, world.plan_a) == [("late", 2012)]
    assert items(home_inbox(as_user, world.users["leader_a"])[0]) == [("submitted", 2013)]


def test_a_reopened_year_comes_back_to_staff_with_the_reason(world, as_user, on_day):
    submit(world)
    services.plan_year_approve(plan=world.plan_a, year=2013, user=world.users["leader_a"])
    services.plan_year_reopen(
        plan=world.plan_a, year=2013, user=world.users["leader_a"], reason="Sửa số liệu BTS"
    )
    inbox, _page = home_inbox(as_user, world.users["staff_a"])
    returned = next(item for item in inbox.staff if item.kind == "returned")
    assert returned.comment == "Sửa số liệu BTS"


def test_drafts_not_submitted_are_listed_until_submitted(world, as_user, on_day):
    f.actual(world.percent, year=2014, value="60")
    PlanYear.objects.create(plan=world.plan_a, year=2014)
    inbox, page = home_inbox(as_user, world.users["staff_a"])
    assert items(inbox, world.plan_a) == [("draft", 2014), ("due", 2013), ("late", 2012)]
    assert "Bản nháp chưa gửi" in page
    services.plan_year_submit(plan=world.plan_a, year=2014, user=world.users["staff_a"])
    inbox, _page = home_inbox(as_user, world.users["staff_a"])
    assert items(inbox, world.plan_a) == [("due", 2013), ("late", 2012)]


def test_a_years_own_deadline_moves_it_in_and_out_of_the_inbox(world, as_user, on_day):
    PlanYear.objects.create(plan=world.plan_a, year=2012, deadline=datetime.date(2013, 12, 20))
    PlanYear.objects.create(plan=world.plan_a, year=2013, deadline=datetime.date(2014, 3, 31))
    inbox, _page = home_inbox(as_user, world.users["staff_a"])
    assert items(inbox, world.plan_a) == [("due", 2012)]
    (item,) = [i for i in inbox.staff if i.plan.pk == world.plan_a.pk]
    assert item.days_left == 19


def test_national_leaders_see_the_reporting_status_of_every_province(world, as_user, on_day):
    submit(world)
    inbox, page = home_inbox(as_user, world.users["national"])
    by_province = {entry.province.name: entry for entry in inbox.reporting}
    assert set(by_province) == {"Cần Thơ", "Sóc Trăng"}  # Hậu Giang's plan under Cần Thơ
    can_tho, soc_trang = by_province["Cần Thơ"], by_province["Sóc Trăng"]
    assert (can_tho.due, can_tho.submitted, can_tho.not_submitted, can_tho.late) == (2, 1, 1, 1)
    assert (soc_trang.due, soc_trang.submitted, soc_trang.not_submitted, soc_trang.late) == (
        2,
        0,
        2,
        1,
    )
    assert 'data-testid="inbox-reporting"' in page
    assert reverse("plans:reporting-status") in page


def test_provincial_leaders_see_their_provinces_reporting_status_only(world, as_user, on_day):
    inbox, _page = home_inbox(as_user, world.users["leader_a"])
    assert [entry.province.name for entry in inbox.reporting] == ["Cần Thơ"]


def test_staff_see_no_reporting_status(world, as_user, on_day):
    inbox, page = home_inbox(as_user, world.users["staff_a"])
    assert inbox.reporting == []
    assert reverse("plans:reporting-status") not in page


def test_the_navigation_bar_counts_the_items_on_every_page(world, as_user, on_day):
    submit(world)
    page = as_user(world.users["leader_a"]).get(reverse("plans:agency-list")).content.decode()
    assert 'data-testid="inbox-count"' in page and ">1</span>" in page
    page = as_user(world.users["staff_a"]).get(reverse("plans:agency-list")).content.decode()
    assert 'data-testid="inbox-count"' in page  # 2012 late
    for role in ("national", "admin", "staff_unrelated"):
        page = as_user(world.users[role]).get(reverse("plans:agency-list")).content.decode()
        assert 'data-testid="inbox-count"' not in page, role


def test_the_badge_disappears_when_nothing_is_left(world, as_user, on_day):
    submit(world)
    leader = as_user(world.users["leader_a"])
    page = leader.get(reverse("plans:agency-list")).content.decode()
    assert 'data-testid="inbox-count"' in page  # counted, and kept until the next write
    services.plan_year_approve(plan=world.plan_a, year=2013, user=world.users["leader_a"])
    page = leader.get(reverse("plans:agency-list")).content.decode()
    assert 'data-testid="inbox-count"' not in page


def test_the_badge_follows_the_users_province(world, as_user, on_day):
    from plans.models import Membership

    staff = as_user(world.users["staff_unrelated"])
    assert (
        'data-testid="inbox-count"' not in staff.get(reverse("plans:agency-list")).content.decode()
    )
    # Moved to province A, whose 2012 report is late, as in the admin: counted at once.
    membership = Membership.objects.get(user=world.users["staff_unrelated"])
    membership.province = world.province_a
    membership.save()
    assert 'data-testid="inbox-count"' in staff.get(reverse("plans:agency-list")).content.decode()


def test_unread_notices_show_in_the_inbox_until_read(world, as_user, on_day):
    submit(world)
    inbox, page = home_inbox(as_user, world.users["leader_a"])
    assert inbox.unread == 1
    assert "Thông báo chưa đọc (1)" in page
    as_user(world.users["leader_a"]).post(reverse("plans:notices"), {"read": "all"})
    inbox, _page = home_inbox(as_user, world.users["leader_a"])
    assert inbox.unread == 0


# Query counts: the inbox costs the same with one plan or many, one province or the country.


def grow(world, plans: int):
    """Add `plans` plans to province A and to new provinces, with years in every state."""
    staff, leader = world.users["staff_a"], world.users["leader_a"]
    for number in range(plans):
        for province in (world.province_a, f.province(f"Tỉnh {number}")):
            plan = f.plan(province, first_year=2011, last_year=2015)
            indicator = f.indicator(plan)
            for year in (2012, 2013, 2014):
                f.actual(indicator, year=year, entered_by=staff)
            services.plan_year_submit(plan=plan, year=2012, user=staff)
            services.plan_year_submit(plan=plan, year=2013, user=staff)
            if province == world.province_a:
                services.plan_year_return(plan=plan, year=2012, user=leader, comment="Sửa")
            PlanYear.objects.create(plan=plan, year=2014)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # perms (user, group), membership, predecessors of Hậu Giang, plans, plan-years,
        # unread notices.
        ("staff_a", 7),
        ("leader_a", 7),
        # Cần Thơ's predecessors: two generations of the merger query.
        ("leader_successor", 8),
        # perms (user, group), the reporting status kept, its provinces, unread notices; their
        # membership is not read.
        ("national", 5),
    ],
)
def test_inbox_queries_do_not_grow_with_plans_and_provinces(
    world, role, expected, django_assert_num_queries, on_day
):
    from django.contrib.auth import get_user_model

    def measure():
        # A national leader's reporting status is kept between two writes (plans.kept_parts).
        inbox_module.inbox_for(get_user_model().objects.get(pk=world.users[role].pk))
        user = get_user_model().objects.get(pk=world.users[role].pk)  # nothing cached
        with django_assert_num_queries(expected):
            inbox = inbox_module.inbox_for(user)
            inbox_module.unread_notices(inbox, user)
        return inbox

    small = measure()
    grow(world, 4)
    big = measure()
    assert len(big.staff) + len(big.leader) + sum(e.due for e in big.reporting) > (
        len(small.staff) + len(small.leader) + sum(e.due for e in small.reporting)
    )


@pytest.mark.parametrize("role", ["staff_a", "leader_a", "national"])
def test_home_and_other_pages_queries_do_not_grow_with_the_inbox(
    world, as_user, role, django_assert_max_num_queries, on_day
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.users[role])
    pages = [reverse("plans:home"), reverse("plans:agency-list")]
    for url in pages:
        client.get(url)  # snapshots stored, sessions warm
    small = {}
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        small[url] = len(queries)
    grow(world, 4)
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(small[url]):
            response = client.get(url)
        assert response.status_code == 200


def test_the_badge_is_one_query_once_kept_and_none_for_others(world, as_user, on_day):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def inbox_queries(role):
        client = as_user(world.users[role])
        client.get(reverse("plans:agency-list"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("plans:agency-list"))
        return [
            q["sql"] for q in queries if "plans_planyear" in q["sql"] or "inbox-count" in q["sql"]
        ]

    (kept,) = inbox_queries("staff_a")
    assert "plans_keptpart" in kept and "plans_planyear" not in kept
    assert inbox_queries("national") == []

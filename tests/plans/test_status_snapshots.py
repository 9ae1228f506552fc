"""Home counts come from stored snapshots that are never used once the plan's data changed.

Every path that writes what a verdict rests on — entry pages (bulk), the workflow (bulk), the
admin and seed (single saves), deletions — must move the plan's data_version, so the home page
shows the verdicts the rules give for the data as it is now.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Actual, Target
from indicators.selectors import APPROVED_ONLY, progress_of, with_progress_data
from plans.models import Plan, PlanStatusSnapshot
from tests import factories as f
from tests import home_page
from tests.plans.test_entry import form_data

pytestmark = pytest.mark.django_db


def home_counts(client, plan):
    response = client.get(reverse("plans:home"))
    return home_page.status_counts(response.content.decode(), plan.slug)


def fresh_counts(plan, year):
    """The verdicts straight from the rules, without any snapshot."""
    counts = {}
    for indicator in with_progress_data(plan.indicators.all(), statuses=APPROVED_ONLY):
        if not indicator.is_qualitative:
            code = progress_of(indicator, as_of=year, statuses=APPROVED_ONLY).status_code
            counts[code] = counts.get(code, 0) + 1
    return counts


def version(plan):
    return Plan.objects.get(pk=plan.pk).data_version


def test_each_write_path_moves_the_version_and_home_follows(world, as_user):
    national = as_user(world.users["national"])
    assert home_counts(national, world.plan_a) == fresh_counts(world.plan_a, None)
    assert PlanStatusSnapshot.objects.filter(plan=world.plan_a).exists()

    # Entry page (bulk write), then approval (bulk status change).
    staff = as_user(world.users["staff_a"])
    before = version(world.plan_a)
    staff.post(
        reverse("indicators:entry", args=[world.plan_a.slug, 2015]),
        form_data(world, **{"VT-1": {"value": "95"}}) | {f"i{world.percent.pk}-version": 0},
    )
    assert version(world.plan_a) > before
    staff.post(reverse("plans:submit", args=[world.plan_a.slug, 2015]))
    leader = as_user(world.users["leader_a"])
    before = version(world.plan_a)
    leader.post(reverse("plans:approve", args=[world.plan_a.slug, 2015]))
    assert version(world.plan_a) > before
    assert Actual.objects.get(indicator=world.percent).status == Actual.Status.APPROVED
    national = as_user(world.users["national"])
    counts = home_counts(national, world.plan_a)
    assert counts == fresh_counts(world.plan_a, 2015)
    assert counts.get("exceeded", 0) + counts.get("achieved", 0) == 1

    # A target changed in the admin (a single save): the verdict turns.
    target = Target.objects.get(indicator=world.percent)
    target.phrase, target.value = "trên 99%", 99
    target.save()
    counts = home_counts(national, world.plan_a)
    assert counts == fresh_counts(world.plan_a, 2015)
    assert counts.get("not_achieved") == 1

    # A deleted indicator leaves the counts.
    before = version(world.plan_a)
    world.count.delete()
    assert version(world.plan_a) > before
    assert home_counts(national, world.plan_a) == fresh_counts(world.plan_a, 2015)


def test_a_snapshot_of_an_older_version_is_never_used(world, as_user):
    # A provincial leader: the country's kept home (plans.kept_parts) reads no snapshot.
    national = as_user(world.users["leader_a"])
    home_counts(national, world.plan_a)
    snapshot = PlanStatusSnapshot.objects.get(plan=world.plan_a, scope="approved")
    snapshot.counts = {"exceeded": 42}  # what a reader racing a writer might have stored
    snapshot.version -= 1
    snapshot.save()
    assert home_counts(national, world.plan_a) == fresh_counts(world.plan_a, None)
    snapshot.refresh_from_db()
    assert snapshot.version == version(world.plan_a)


def test_a_snapshot_judged_by_other_rules_is_never_used(world, as_user):
    # A provincial leader: the country's kept home (plans.kept_parts) reads no snapshot.
    national = as_user(world.users["leader_a"])
    home_counts(national, world.plan_a)
    PlanStatusSnapshot.objects.update(rules="before-a-deploy", counts={"exceeded": 42})
    assert home_counts(national, world.plan_a) == fresh_counts(world.plan_a, None)


def test_editing_a_plan_never_puts_back_an_older_data_version(world):
    stale = Plan.objects.get(pk=world.plan_a.pk)
    Plan.data_changed(plan_ids=[world.plan_a.pk])
    bumped = version(world.plan_a)
    stale.title = "Tên mới"
    stale.save()
    assert version(world.plan_a) == bumped
    assert Plan.objects.get(pk=world.plan_a.pk).title == "Tên mới"


def test_drafts_are_counted_apart_from_approved_figures(world, as_user):
    f.actual(world.percent, year=2015, value="95")  # a draft
    client = as_user(world.users["leader_a"])
    approved = home_counts(client, world.plan_a)
    response = client.get(reverse("plans:home") + "?figures=all")
    with_drafts = home_page.status_counts(response.content.decode(), world.plan_a.slug)
    assert approved != with_drafts
    assert set(PlanStatusSnapshot.objects.values_list("scope", flat=True)) == {"approved", "all"}


def test_warm_home_costs_the_same_queries_whatever_the_country(
    world, as_user, django_assert_max_num_queries
):
    national = as_user(world.users["national"])
    national.get(reverse("plans:home"))
    # session, user, permissions (user, group), plans, snapshots, the inbox (plans, plan-years,
    # unread notices); no indicator, target, figure or amount is read while every snapshot is
    # current.
    with django_assert_max_num_queries(11):
        national.get(reverse("plans:home"))
    for number in range(6):
        plan = f.plan(f.province(f"Tỉnh {number}"), slug=f"more-{number}")
        for code in range(5):
            indicator = f.indicator(plan, code=f"I-{code}", unit="%")
            f.target(indicator, year=2015)
            f.actual(indicator, year=2013, status=Actual.Status.APPROVED)
    national.get(reverse("plans:home"))
    with django_assert_max_num_queries(11):
        national.get(reverse("plans:home"))


def test_money_on_home_follows_disbursements_and_allocations(world, as_user):
    from budgets.models import Allocation
    from tests.plans.test_entry import budget_data, budget_url

    leader = as_user(world.users["leader_a"])

    def money():
        response = leader.get(reverse("plans:home") + "?figures=all")
        return home_page.money(response.content.decode(), world.plan_a.slug)

    assert money() == "0 / 1.000 (0%)"
    staff = as_user(world.users["staff_a"])
    staff.post(budget_url(world), budget_data(world, amount="250,5"))  # a bulk write
    leader = as_user(world.users["leader_a"])
    assert money() == "250,5 / 1.000 (25%)"
    allocation = Allocation.objects.get(line=world.line)  # a single save, as in the admin
    allocation.amount = Decimal("1200")
    allocation.save()
    assert money() == "250,5 / 1.200 (20,9%)"

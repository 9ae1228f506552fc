"""A Sở KH&CN of a merged province runs its predecessors' plans as its own (issue #12).

World: province A (Hậu Giang) joined Cần Thơ on 1/7/2025; Bắc Ninh is unrelated.
"""

import re

import pytest
from django.urls import reverse

from indicators.models import Actual
from plans import access
from plans.models import PlanYear
from tests import factories as f
from tests import home_page
from tests.plans.test_entry import form_data

pytestmark = pytest.mark.django_db


def test_reach_is_the_province_and_every_province_merged_into_it(world):
    assert access.reach(world.users["staff_successor"]) == {
        world.successor.pk,
        world.province_a.pk,
    }
    # A user of an ended province keeps working on its own plans until an administrator
    # moves them, and reaches no more than that.
    assert access.reach(world.users["staff_a"]) == {world.province_a.pk}
    assert access.reach(world.users["staff_unrelated"]) == {world.unrelated.pk}


def test_reach_follows_a_chain_of_mergers(world):
    later = f.province("Tỉnh sau này", code="T99")
    world.successor.successor = later
    world.successor.save()
    user = f.user(f.LEADER, later, "leader_later")
    assert access.reach(user) == {later.pk, world.successor.pk, world.province_a.pk}


def test_can_tho_staff_enter_and_can_tho_leader_approves_hau_giang_figures(world, as_user):
    staff = as_user(world.users["staff_successor"])
    url = reverse("indicators:entry", args=[world.plan_a.slug, 2013])
    response = staff.post(url, form_data(world, **{"VT-1": {"value": "45,5"}}))
    assert response.status_code == 302
    actual = Actual.objects.get(indicator=world.percent, year=2013)
    assert (actual.value, actual.entered_by) == (45.5, world.users["staff_successor"])
    staff.post(reverse("plans:submit", args=[world.plan_a.slug, 2013]))
    assert PlanYear.objects.get(plan=world.plan_a, year=2013).status == PlanYear.Status.SUBMITTED

    leader = as_user(world.users["leader_successor"])
    response = leader.post(reverse("plans:approve", args=[world.plan_a.slug, 2013]))
    assert response.status_code == 302
    plan_year = PlanYear.objects.get(plan=world.plan_a, year=2013)
    assert plan_year.status == PlanYear.Status.APPROVED
    assert plan_year.reviewed_by == world.users["leader_successor"]
    actual.refresh_from_db()
    assert actual.status == Actual.Status.APPROVED


def test_a_successor_leader_sees_drafts_of_the_predecessors_plans(world, as_user):
    f.actual(world.percent, year=2013, value="40")
    url = reverse("plans:api-plan-detail", args=[world.plan_a.slug])
    document = as_user(world.users["leader_successor"]).get(url).json()
    indicator = next(i for i in document["indicators"] if i["code"] == "VT-1")
    assert len(indicator["actuals"]) == 1


def test_bac_ninh_users_get_404_on_hau_giang(world, as_user):
    client = as_user(world.users["staff_unrelated"])
    for url in (
        reverse("plans:plan-dashboard", args=[world.plan_a.slug]),
        reverse("indicators:entry", args=[world.plan_a.slug, 2013]),
        reverse("plans:year-view", args=[world.successor.slug, 2013]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("indicators:entry", args=[world.plan_a.slug, 2013]),
        form_data(world, **{"VT-1": {"value": "45"}}),
    )
    assert response.status_code == 404
    assert not Actual.objects.exists()


def test_home_groups_plans_by_todays_province_and_names_the_predecessor(world, as_user):
    response = as_user(world.users["leader_successor"]).get(reverse("plans:home"))
    html = response.content.decode()
    assert home_page.province_names(html) == [world.successor.name]
    assert home_page.plan_slugs(html) == {world.plan_a.slug}
    assert re.search(f'data-testid="predecessors">[^<]*{re.escape(world.province_a.label)}', html)
    assert "Hậu Giang (nay thuộc Cần Thơ)" in html
    year_view = reverse("plans:year-view", args=[world.successor.slug, 2011])
    assert year_view in html


def test_home_of_a_user_of_the_ended_province_links_their_own_year_view(world, as_user):
    response = as_user(world.users["staff_a"]).get(reverse("plans:home"))
    html = response.content.decode()
    assert home_page.province_names(html) == [world.successor.name]
    assert reverse("plans:year-view", args=[world.province_a.slug, 2011]) in html


def test_national_home_lists_todays_provinces_only(world, as_user):
    response = as_user(world.users["national"]).get(reverse("plans:home"))
    names = home_page.province_names(response.content.decode())
    assert names == ["Cần Thơ", "Sóc Trăng"]


def test_year_view_of_todays_province_covers_its_predecessors_plans(world, as_user):
    f.actual(world.percent, year=2013, value="40", status=Actual.Status.APPROVED)
    later = f.plan(world.successor, slug="can-tho-2026", first_year=2026, last_year=2030)
    f.indicator(later, code="CT-1")
    client = as_user(world.users["leader_successor"])
    response = client.get(reverse("plans:year-view", args=[world.successor.slug, 2013]))
    plans = {row.plan for row in response.context["rows"]}
    assert plans == {world.plan_a}
    assert "Hậu Giang (nay thuộc Cần Thơ)" in response.content.decode()
    response = client.get(reverse("plans:year-view", args=[world.successor.slug, 2027]))
    assert {row.plan for row in response.context["rows"]} == {later}


def test_compare_keeps_each_predecessors_series_under_todays_province(world, as_user):
    response = as_user(world.users["national"]).get(
        reverse("indicators:concept-compare", args=[world.concept.code])
    )
    (series,) = response.context["series"]
    assert series.plan == world.plan_a
    html = response.content.decode()
    assert "kế hoạch của Hậu Giang (nay thuộc Cần Thơ)" in html


def test_year_workbook_of_todays_province_names_each_rows_province(world, as_user):
    from io import BytesIO

    from openpyxl import load_workbook

    client = as_user(world.users["leader_successor"])
    response = client.get(reverse("plans:year-report", args=[world.successor.slug, 2013]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    plans = {sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)}
    assert plans == {f"{world.plan_a.title} — Hậu Giang (nay thuộc Cần Thơ)"}

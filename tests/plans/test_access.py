"""The access helpers: reach as a set of provinces, one getter per object, typed actions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from plans import access
from plans.access import Action
from tests import factories as f

pytestmark = pytest.mark.django_db

# name → (getter, the key it looks the world's object up by, that object).
GETTERS = {
    "plan": (access.get_plan_for_user, lambda w: w.plan_a.slug, lambda w: w.plan_a),
    "province": (access.get_province_for_user, lambda w: w.province_a.slug, lambda w: w.province_a),
    "indicator": (access.get_indicator_for_user, lambda w: w.percent.pk, lambda w: w.percent),
    "budget line": (access.get_budget_line_for_user, lambda w: w.line.pk, lambda w: w.line),
}


@pytest.mark.parametrize("name", GETTERS)
def test_getter_returns_the_object_to_a_role_allowed_the_action(world, name):
    get, key, expected = GETTERS[name]
    assert get(world.users["staff_a"], key(world), action=Action.ENTER) == expected(world)


@pytest.mark.parametrize("name", GETTERS)
def test_getter_hides_another_provinces_object(world, name):
    get, key, _ = GETTERS[name]
    with pytest.raises(Http404):
        get(world.users["staff_b"], key(world))


@pytest.mark.parametrize("name", GETTERS)
def test_getter_refuses_a_role_lacking_the_action(world, name):
    get, key, _ = GETTERS[name]
    with pytest.raises(PermissionDenied):
        get(world.users["leader_a"], key(world), action=Action.ENTER)


@pytest.mark.parametrize("name", GETTERS)
def test_getter_lets_a_national_leader_view_but_not_enter(world, name):
    get, key, expected = GETTERS[name]
    assert get(world.users["national"], key(world)) == expected(world)
    with pytest.raises(PermissionDenied):
        get(world.users["national"], key(world), action=Action.ENTER)


def test_approving_needs_the_approve_permission(world):
    slug = world.plan_a.slug
    assert access.get_plan_for_user(world.users["leader_a"], slug, action=Action.APPROVE)
    with pytest.raises(PermissionDenied):
        access.get_plan_for_user(world.users["staff_a"], slug, action=Action.APPROVE)


def test_getter_answers_404_for_a_missing_object(world):
    with pytest.raises(Http404):
        access.get_indicator_for_user(world.users["admin"], world.percent.pk + 1000)


@pytest.mark.parametrize("action", ["edit", "view", None])
def test_an_action_that_is_not_an_action_raises(world, action):
    with pytest.raises(TypeError):
        access.get_plan_for_user(world.users["staff_a"], world.plan_a.slug, action=action)


def test_reach_is_the_users_province(world):
    assert access.reach(world.users["staff_a"]) == {world.province_a.pk}


def test_reach_of_a_national_leader_is_all(world):
    assert access.reach(world.users["national"]) is access.ALL


@pytest.mark.parametrize("user", [AnonymousUser, lambda: f.user(f.STAFF, None, "nowhere")])
def test_reach_without_a_province_is_empty(world, user):
    account = user()
    assert access.reach(account) == frozenset()
    assert not access.plans_for_user(account).exists()

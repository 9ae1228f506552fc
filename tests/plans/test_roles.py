"""The roles the migrations create are the roles plans/roles.py describes."""

import pytest
from django.contrib.auth.models import Group

from plans import roles

pytestmark = pytest.mark.django_db


def permissions_of(group_name: str) -> set[tuple[str, str]]:
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.parametrize("name", list(roles.ROLE_PERMISSIONS))
def test_migrations_give_each_role_the_permissions_plans_roles_lists(name):
    # A change in plans/roles.py needs a new migration that applies it: the frozen 0003 does not.
    assert permissions_of(name) == set(roles.ROLE_PERMISSIONS[name])


def test_the_administrator_role_holds_every_permission_of_our_apps():
    codenames = permissions_of(roles.ADMIN)
    assert ("plans", "enter_figures") in codenames
    assert ("indicators", "change_target") in codenames
    assert ("budgets", "delete_disbursement") in codenames
    assert ("plans", "delete_workprogress") in codenames  # a model added after the roles

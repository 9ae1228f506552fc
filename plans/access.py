"""Who may see and change which province's data. Every view, API and export goes through here.

A user belongs to at most one province (Membership). Staff (Cán bộ nhập liệu) and leaders
(Lãnh đạo) reach only their province's plans; national leaders and administrators reach all.
Outside a user's reach a plan does not exist for them (404); inside it, an action their role
lacks is refused (403).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from plans.models import Plan

ENTER = "plans.enter_figures"
APPROVE = "plans.approve_figures"
VIEW_ALL = "plans.view_all_provinces"


def user_province_id(user) -> int | None:
    """Return the id of the user's province, or None for users without one."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership.province_id if membership else None


def reaches_all_provinces(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_ALL)


def plans_for_user(user) -> QuerySet[Plan]:
    """Return the plans `user` may see."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if reaches_all_provinces(user):
        return Plan.objects.all()
    province_id = user_province_id(user)
    if province_id is None:
        return Plan.objects.none()
    return Plan.objects.filter(province_id=province_id)


def can_reach(user, plan: Plan) -> bool:
    return reaches_all_provinces(user) or (
        user.is_authenticated and user_province_id(user) == plan.province_id
    )


def can_enter(user, plan: Plan) -> bool:
    return can_reach(user, plan) and user.has_perm(ENTER)


def can_approve(user, plan: Plan) -> bool:
    return can_reach(user, plan) and user.has_perm(APPROVE)


def sees_unapproved(user, plan: Plan) -> bool:
    """Return whether `user` may see draft and submitted figures of `plan`."""
    return can_reach(user, plan) and (
        user_province_id(user) == plan.province_id or user.has_perm(ENTER)
    )


def get_plan_for_user(user, slug: str, *, action: str = "view", queryset=None) -> Plan:
    """Return the plan `slug` if `user` may do `action` (view, enter, approve) on it.

    Raise Http404 outside the user's reach and PermissionDenied for a role lacking the action.
    """
    queryset = queryset if queryset is not None else Plan.objects.all()
    plan = queryset.filter(slug=slug).first()
    if plan is None or not can_reach(user, plan):
        raise Http404
    if action == "enter" and not can_enter(user, plan):
        raise PermissionDenied
    if action == "approve" and not can_approve(user, plan):
        raise PermissionDenied
    return plan

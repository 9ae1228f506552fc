"""Who may see and change which province's data. Every view, API and export goes through here.

A user belongs to at most one province (Membership). Staff (Cán bộ nhập liệu) and leaders
(Lãnh đạo) reach their province's plans and those of every province merged into it (a Cần Thơ
leader approves Hậu Giang's years, as the Sở KH&CN of Cần Thơ carries on Hậu Giang's plans);
national leaders and administrators reach all.
Outside a user's reach an object does not exist for them (404); inside it, an action their role
lacks is refused (403).
"""

import enum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from budgets.models import BudgetLine
from indicators.models import Indicator
from plans.models import Plan, Province, ReviewStatus

ENTER = "plans.enter_figures"
APPROVE = "plans.approve_figures"
VIEW_ALL = "plans.view_all_provinces"


class Action(enum.Enum):
    """What a user asks to do with a province's data."""

    VIEW = "view"
    ENTER = "enter"
    APPROVE = "approve"


# Besides reach, the permission each action needs; viewing needs reach only.
_PERMISSIONS = {Action.VIEW: None, Action.ENTER: ENTER, Action.APPROVE: APPROVE}


class Reach(enum.Enum):
    """The reach of users who see every province, present and future."""

    ALL = "all"


ALL = Reach.ALL


def user_province_id(user) -> int | None:
    """Return the id of the user's province, or None for users without one."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership.province_id if membership else None


def province_and_predecessors(province_id: int) -> frozenset[int]:
    """Return `province_id` with every province merged into it, at any depth.

    One query per generation of mergers: two for a unit formed in 2025, one for any other.
    """
    found = {province_id}
    generation = {province_id}
    while generation:
        generation = (
            set(Province.objects.filter(successor__in=generation).values_list("pk", flat=True))
            - found
        )
        found |= generation
    return frozenset(found)


def own_provinces(user) -> frozenset[int]:
    """Return the provinces `user` works for: their province and those merged into it.

    Remembered on the user object, which lives for one request.
    """
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_ictplan_own_provinces", None)
    if cached is None:
        province_id = user_province_id(user)
        cached = frozenset() if province_id is None else province_and_predecessors(province_id)
        user._ictplan_own_provinces = cached
    return cached


def reach(user) -> frozenset[int] | Reach:
    """Return the ids of the provinces `user` reaches, or ALL.

    The one rule for reach: every queryset and check of this module builds on it.
    """
    if not user.is_authenticated:
        return frozenset()
    if user.has_perm(VIEW_ALL):
        return ALL
    return own_provinces(user)


def reaches(user, province_id: int) -> bool:
    """Return whether `user` reaches the province `province_id`."""
    provinces = reach(user)
    return provinces is ALL or province_id in provinces


def within_reach(queryset: QuerySet, user, *, province_field: str = "province") -> QuerySet:
    """Return `queryset` narrowed to the rows of the provinces `user` reaches."""
    provinces = reach(user)
    if provinces is ALL:
        return queryset
    if not provinces:
        return queryset.none()
    return queryset.filter(**{f"{province_field}__in": provinces})


def plans_for_user(user) -> QuerySet[Plan]:
    """Return the plans `user` may see."""
    return within_reach(Plan.objects.all(), user)


def _permission_of(action: Action) -> str | None:
    if not isinstance(action, Action):
        raise TypeError(f"Unknown action {action!r}: pass an access.Action.")
    return _PERMISSIONS[action]


def allows(user, province_id: int, action: Action) -> bool:
    """Return whether `user` may do `action` on the data of the province `province_id`."""
    permission = _permission_of(action)
    return reaches(user, province_id) and (permission is None or user.has_perm(permission))


def can_enter(user, plan: Plan) -> bool:
    return allows(user, plan.province_id, Action.ENTER)


def can_approve(user, plan: Plan) -> bool:
    return allows(user, plan.province_id, Action.APPROVE)


def sees_unapproved(user, plan: Plan) -> bool:
    """Return whether `user` may see draft and submitted figures of `plan`."""
    return reaches(user, plan.province_id) and (
        plan.province_id in own_provinces(user) or user.has_perm(ENTER)
    )


def figure_statuses(user, plan: Plan) -> tuple[str, ...]:
    """Return the review statuses of `plan`'s figures that `user` may see on any page.

    The drafts rule (sees_unapproved) as a status filter, for the entry screens: a viewer who
    may not see unapproved figures (a national leader) sees approved ones only, never a draft,
    as on the dashboards, the API, the reports and the history pages.
    """
    if sees_unapproved(user, plan):
        return tuple(ReviewStatus.values)
    return (ReviewStatus.APPROVED,)


def _get_for_user(user, queryset: QuerySet, province_id_of, action: Action, **lookup):
    """Return the object of `queryset` matching `lookup` if `user` may do `action` on it.

    Raise Http404 when there is none or it lies outside the user's reach, and PermissionDenied
    for a role lacking the action.
    """
    permission = _permission_of(action)
    found = queryset.filter(**lookup).first()
    if found is None or not reaches(user, province_id_of(found)):
        raise Http404
    if permission is not None and not user.has_perm(permission):
        raise PermissionDenied
    return found


def get_plan_for_user(
    user, slug: str, *, action: Action = Action.VIEW, queryset: QuerySet[Plan] | None = None
) -> Plan:
    """Return the plan `slug` if `user` may do `action` on it; see _get_for_user."""
    queryset = Plan.objects.all() if queryset is None else queryset
    return _get_for_user(user, queryset, lambda plan: plan.province_id, action, slug=slug)


def get_province_for_user(user, slug: str, *, action: Action = Action.VIEW) -> Province:
    """Return the province `slug` if `user` may do `action` on it; see _get_for_user."""
    return _get_for_user(user, Province.objects.all(), lambda p: p.pk, action, slug=slug)


def get_indicator_for_user(user, pk: int, *, action: Action = Action.VIEW) -> Indicator:
    """Return the indicator `pk`, with its plan, if `user` may do `action` on it."""
    queryset = Indicator.objects.select_related("plan")
    return _get_for_user(user, queryset, lambda i: i.plan.province_id, action, pk=pk)


def get_budget_line_for_user(user, pk: int, *, action: Action = Action.VIEW) -> BudgetLine:
    """Return the budget line `pk`, with its plan, if `user` may do `action` on it."""
    queryset = BudgetLine.objects.select_related("plan")
    return _get_for_user(user, queryset, lambda line: line.plan.province_id, action, pk=pk)

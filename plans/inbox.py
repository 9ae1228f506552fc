"""The inbox on the home page: what each person has to do next in the yearly cycle.

Staff: years returned to them, with the leader's comment; years due soon or late, with the
days left; drafts not submitted. Leaders: years waiting for their approval, with who
submitted them and when. Leaders and national leaders: the reporting status of their
provinces (national leaders: every province). Items come from the state of the plan-years,
not from notices, so an item disappears as soon as the year is acted on.

Two queries (plans, plan-years) for the items and the provinces' status, one for the unread
notices, whatever the number of plans and years.
"""

import dataclasses
import datetime
import functools
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from plans import access, kept_parts, reporting
from plans.dashboards import source_digest
from plans.models import (
    CountryVersion,
    Notice,
    Plan,
    PlanYear,
    Province,
    ReviewStatus,
    is_late,
    reporting_deadline,
)
from plans.reporting import (
    DUE_SOON_DAYS,
    REPORTED,
    State,
    reporting_plans,
    started,
    state_of,
    with_started,
)

# A late year stays in the inbox for this long after its deadline; the reporting status page
# keeps every late year.
LATE_SHOWN_DAYS = 365
# Unread notices listed on the home page; the notices page has them all.
NOTICES_SHOWN = 5
UNREAD_COUNTED = 100  # more shows as "100+"


class ItemKind:
    RETURNED = "returned"
    LATE = "late"
    DUE = "due"
    DRAFT = "draft"
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class InboxItem:
    """A plan-year someone has to act on, with the screen where they act."""

    kind: str  # an ItemKind
    plan: Plan
    year: int
    state: str  # a reporting.State
    due_on: datetime.date
    days_left: int  # negative once the deadline has passed
    comment: str = ""
    who: object = None  # the leader who returned it, or the person who submitted it
    when: datetime.datetime | None = None

    @property
    def url(self) -> str:
        """Return the screen where the item is acted on: the review for a leader's item."""
        name = "plans:review" if self.kind == ItemKind.SUBMITTED else "indicators:entry"
        return reverse(name, args=[self.plan.slug, self.year])

    @property
    def days_late(self) -> int:
        return -self.days_left


@dataclass
class ProvinceReporting:
    """The reports due now of one province of today's map (predecessors included)."""

    province: Province
    due: int = 0  # plan-years whose deadline lies in the inbox's window
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    not_submitted: int = 0  # not started or draft
    late: int = 0  # not submitted and past the deadline, or submitted after it


@dataclass
class Inbox:
    staff: list[InboxItem] = field(default_factory=list)
    leader: list[InboxItem] = field(default_factory=list)
    reporting: list[ProvinceReporting] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)  # the latest unread ones
    unread: int = 0
    shows_reporting: bool = False  # the user may open the reporting status page
    has_role: bool = False  # staff or leader of a province: the inbox is theirs to clear

    @property
    def count(self) -> int:
        """Return the number of items waiting for the user: the navigation bar's badge."""
        return len(self.staff) + len(self.leader)


def acts_in_province(user) -> bool:
    """Return whether `user` enters or approves figures of a province (has items to clear)."""
    return bool(
        (user.has_perm(access.ENTER) or user.has_perm(access.APPROVE))
        and access.own_provinces(user)
    )


def inbox_for(user, *, today=None, everywhere: bool = True) -> Inbox:
    """Return the items of `user` and the reporting status of their provinces.

    Items cover the provinces the user works for (their own and those merged into it). The
    reporting status covers those provinces for leaders and, with `everywhere`, every province
    for national leaders. Queries: plans and plan-years, none for a user with nothing to see.
    """
    today = today or timezone.localdate()
    inbox = Inbox()
    if not user.is_authenticated:
        return inbox
    enters, approves = user.has_perm(access.ENTER), user.has_perm(access.APPROVE)
    # Permissions first: a national leader's membership is never read.
    own = access.own_provinces(user) if enters or approves else frozenset()
    enters, approves = enters and bool(own), approves and bool(own)
    national = user.has_perm(access.VIEW_ALL)
    inbox.has_role = enters or approves
    inbox.shows_reporting = national or user.has_perm(access.APPROVE)
    nationwide = everywhere and national
    if not (inbox.has_role or nationwide):
        return inbox
    if nationwide and not inbox.has_role and kept_parts.reaches_country(user):
        if today == timezone.localdate():
            inbox.reporting = _country_reporting(user, today)
            return inbox
    plans = list(reporting_plans(user) if nationwide else _own_plans(own))
    plan_years = _plan_years(plans, everywhere=nationwide, today=today, items=inbox.has_role)
    if inbox.has_role:
        _fill_items(
            inbox, plans, plan_years, own=own, enters=enters, approves=approves, today=today
        )
    if nationwide or approves:
        inbox.reporting = _province_reporting(plans, plan_years, today=today)
    return inbox


def item_count(user) -> int:
    """Return the number of items waiting for `user` (the navigation bar's badge).

    Shown on every page, and the same between two writes: kept under the country's version
    (any write to a plan-year, a figure, a plan or a membership bumps it; for who enters no
    figure, drafts do not), the day and the user's permissions (plans.kept_parts). Queries:
    one when kept; otherwise inbox_for's and one write.
    """
    permissions = ",".join(sorted(user.get_all_permissions()))
    count = kept_parts.kept(
        f"inbox-count-{user.pk}",
        code=f"{_code()}|{permissions}",
        render=lambda: str(inbox_for(user, everywhere=False).count),
        # Drafts make items for who enters figures only ("not submitted yet").
        rests_on=CountryVersion.DATA if user.has_perm(access.ENTER) else CountryVersion.REPORTS,
    )
    return int(count)


def _country_reporting(user, today) -> list[ProvinceReporting]:
    """Return the reporting status of every province, kept under the country's `reports`
    version (plans.kept_parts): drafts leave it, a submission or a return moves it."""

    def render() -> str:
        plans = list(reporting_plans(user))
        plan_years = _plan_years(plans, everywhere=True, today=today, items=False)
        return json.dumps(
            [
                [entry.province.pk, *[getattr(entry, name) for name in _COUNTS]]
                for entry in _province_reporting(plans, plan_years, today=today)
            ]
        )

    rows = json.loads(
        kept_parts.kept(
            "inbox-reporting", code=_code(), render=render, rests_on=CountryVersion.REPORTS
        )
    )
    provinces = Province.objects.in_bulk([row[0] for row in rows])
    return [
        ProvinceReporting(provinces[row[0]], **dict(zip(_COUNTS, row[1:], strict=True)))
        for row in rows
    ]


_COUNTS = [f.name for f in dataclasses.fields(ProvinceReporting) if f.name != "province"]


@functools.cache
def _code() -> str:
    return source_digest(sys.modules[__name__], reporting)


def unread_notices(inbox: Inbox, user) -> Inbox:
    """Add the latest unread notices of `user` and how many there are to `inbox`; one query."""
    unread = list(
        Notice.objects.filter(recipient=user, read_at__isnull=True)
        .select_related("plan", "actor")
        .defer(*(f"plan__{name}" for name in Plan.TEXT_FIELDS))[:UNREAD_COUNTED]
    )
    inbox.unread = len(unread)
    inbox.notices = unread[:NOTICES_SHOWN]
    return inbox


def _own_plans(own: frozenset[int]):
    return (
        Plan.objects.filter(province__in=own)
        .select_related("province", "province__successor")
        .defer(*Plan.TEXT_FIELDS)
        .order_by("province__name_folded", "first_year", "slug")
    )


def _window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the first and last deadline of reports the inbox counts as due now."""
    return (
        today - datetime.timedelta(days=LATE_SHOWN_DAYS),
        today + datetime.timedelta(days=DUE_SOON_DAYS),
    )


def _plan_years(
    plans: list[Plan], *, everywhere: bool, today, items: bool = True
) -> dict[tuple[int, int], PlanYear]:
    """Return the plan-years of `plans` the inbox needs, by (plan id, year): every open one
    (draft, submitted, returned) and those of the years whose deadline may lie in the window.

    A year's own deadline falls in that year or the next, so those years are the window's
    first year less one through its last. Without `items` (the reporting status only, for a
    national leader: every plan-year of the country), who submitted or returned them is not
    read.
    """
    first, last = _window(today)
    rows = with_started(
        PlanYear.objects.filter(
            Q(status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED])
            | Q(year__gte=first.year - 1, year__lte=last.year)
        )
    )
    if items:
        rows = rows.select_related("submitted_by", "reviewed_by")
    else:
        rows = rows.only("plan", "year", "status", "deadline", "submitted_at")
    if not everywhere:
        rows = rows.filter(plan__in=[plan.pk for plan in plans])
    return {(row.plan_id, row.year): row for row in rows}


def _years_due(
    plan: Plan, plan_years: dict, today
) -> list[tuple[int, PlanYear | None, datetime.date]]:
    """Return (year, plan-year, deadline) of `plan`'s reports whose deadline is in the window."""
    first, last = _window(today)
    found = []
    for year in range(max(plan.first_year, first.year - 1), min(plan.last_year, last.year) + 1):
        plan_year = plan_years.get((plan.pk, year))
        due_on = reporting_deadline(plan, year, plan_year.deadline if plan_year else None)
        if first <= due_on <= last:
            found.append((year, plan_year, due_on))
    return found


def _fill_items(inbox: Inbox, plans, plan_years, *, own, enters, approves, today) -> None:
    by_plan = defaultdict(list)
    for (plan_id, _year), plan_year in sorted(plan_years.items()):
        by_plan[plan_id].append(plan_year)
    for plan in plans:
        if plan.province_id not in own:
            continue
        listed = set()
        if enters:
            for year, plan_year, due_on in _years_due(plan, plan_years, today):
                if plan_year is not None and plan_year.status != ReviewStatus.DRAFT:
                    continue  # submitted or approved: done; returned: listed below
                days = (due_on - today).days
                inbox.staff.append(
                    InboxItem(
                        ItemKind.LATE if days < 0 else ItemKind.DUE,
                        plan,
                        year,
                        state_of(plan_year, started=started(plan_year)),
                        due_on,
                        days,
                    )
                )
                listed.add(year)
        for plan_year in by_plan[plan.pk]:
            year = plan_year.year
            if year in listed:
                continue
            due_on = reporting_deadline(plan, year, plan_year.deadline)
            days = (due_on - today).days
            if enters and plan_year.status == ReviewStatus.RETURNED:
                inbox.staff.append(
                    InboxItem(
                        ItemKind.RETURNED,
                        plan,
                        year,
                        State.RETURNED,
                        due_on,
                        days,
                        comment=plan_year.comment,
                        who=plan_year.reviewed_by,
                        when=plan_year.reviewed_at,
                    )
                )
            elif enters and plan_year.status == ReviewStatus.DRAFT and started(plan_year):
                inbox.staff.append(InboxItem(ItemKind.DRAFT, plan, year, State.DRAFT, due_on, days))
            if approves and plan_year.status == ReviewStatus.SUBMITTED:
                inbox.leader.append(
                    InboxItem(
                        ItemKind.SUBMITTED,
                        plan,
                        year,
                        State.SUBMITTED,
                        due_on,
                        days,
                        who=plan_year.submitted_by,
                        when=plan_year.submitted_at,
                    )
                )
    # Returned first, then the latest deadline passed, then the nearest; drafts last.
    order = {ItemKind.RETURNED: 0, ItemKind.LATE: 1, ItemKind.DUE: 2, ItemKind.DRAFT: 3}
    inbox.staff.sort(key=lambda item: (order[item.kind], item.due_on, item.plan.slug))
    # The longest waiting first.
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    inbox.leader.sort(key=lambda item: (item.when or far, item.plan.slug, item.year))


def _province_reporting(plans, plan_years, *, today) -> list[ProvinceReporting]:
    """Return, for each province of today's map with plans, its reports due now by state."""
    provinces: dict[int, ProvinceReporting] = {}
    for plan in plans:
        current = plan.province.current
        entry = provinces.setdefault(current.pk, ProvinceReporting(current))
        for _year, plan_year, due_on in _years_due(plan, plan_years, today):
            state = state_of(plan_year, started=started(plan_year))
            entry.due += 1
            if state == State.SUBMITTED:
                entry.submitted += 1
            elif state == State.APPROVED:
                entry.approved += 1
            elif state == State.RETURNED:
                entry.returned += 1
            else:
                entry.not_submitted += 1
            if state in REPORTED:
                if plan_year.submitted_at is None:
                    continue  # approved before submissions were dated: nothing to judge
                submitted_on = timezone.localdate(plan_year.submitted_at)
            else:
                submitted_on = None
            entry.late += is_late(due_on=due_on, submitted_on=submitted_on, today=today)
    return sorted(provinces.values(), key=lambda entry: entry.province.name_folded)

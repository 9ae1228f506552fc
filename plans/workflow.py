"""Errors and checks shared by the entry services of indicators and budgets."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from plans.models import Plan, PlanYear


class EntryRefused(Exception):
    """A write the workflow does not allow; the message is for the user."""


@dataclass(frozen=True)
class Conflict:
    """A figure someone else saved after the user loaded the page."""

    key: Any
    version: int  # the version now stored, which the next deliberate save overwrites
    theirs: str
    yours: str
    saved_by: str
    saved_at: Any


class EditConflict(Exception):
    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(f"{len(conflicts)} figure(s) changed meanwhile")


def plan_year_for_entry(plan: Plan, year: int) -> PlanYear:
    """Return the plan-year to write into, locked for this transaction; refuse a closed one."""
    if not plan.covers_year(year):
        raise EntryRefused(
            _("The year %(year)s is outside the plan's period (%(first)s–%(last)s).")
            % {"year": year, "first": plan.first_year, "last": plan.horizon_year or plan.last_year}
        )
    plan_year, _created = PlanYear.objects.select_for_update().get_or_create(plan=plan, year=year)
    if not plan_year.is_editable:
        raise EntryRefused(
            _(
                "The figures of %(year)s are %(status)s and locked; "
                "a leader must return or reopen them."
            )
            % {"year": year, "status": plan_year.get_status_display().lower()}
        )
    return plan_year

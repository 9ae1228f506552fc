"""Errors, checks and the versioned save shared by the entry services of indicators and budgets."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans.models import (
    Plan,
    PlanYear,
    ReportedFigure,
    ReviewStatus,
    YearOutsidePlan,
)
from plans.numbers import NO_FIGURE


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


def plan_year_locked(plan: Plan, year: int) -> PlanYear:
    """Return the plan-year, created if missing and locked for this transaction.

    Refuse a year outside the plan's period with EntryRefused.
    """
    try:
        plan.check_year(year)
    except YearOutsidePlan as outside:
        raise EntryRefused(str(outside)) from outside
    plan_year, _created = PlanYear.objects.select_for_update().get_or_create(plan=plan, year=year)
    return plan_year


def locked_message(plan_year: PlanYear | None) -> str | None:
    """Return why figures of `plan_year` cannot be written, or None while staff may write."""
    if plan_year is None or plan_year.is_editable:
        return None
    return _(
        "The figures of %(year)s are %(status)s and locked; a leader must return or reopen them."
    ) % {"year": plan_year.year, "status": plan_year.get_status_display().lower()}


def plan_year_for_entry(plan: Plan, year: int) -> PlanYear:
    """Return the plan-year to write into, locked for this transaction; refuse a closed one."""
    plan_year = plan_year_locked(plan, year)
    refusal = locked_message(plan_year)
    if refusal:
        raise EntryRefused(refusal)
    return plan_year


@dataclass(frozen=True)
class FigureEdit:
    """A figure the user changed, against the one stored when their page was loaded."""

    key: Any  # what the page calls the figure, handed back in a Conflict
    stored: ReportedFigure | None  # locked for this transaction; None when nothing is stored
    wanted: ReportedFigure  # unsaved, holding the user's values and, for a new figure, its keys
    version: int  # the version the user's page was built on; 0 when nothing was stored


def _conflict(edit: FigureEdit) -> Conflict:
    stored = edit.stored
    return Conflict(
        key=edit.key,
        version=stored.version if stored else 0,
        theirs=stored.shown() if stored else NO_FIGURE,
        yours=edit.wanted.shown(),
        saved_by=str(stored.entered_by or "") if stored else "",
        saved_at=stored.updated_at if stored else None,
    )


def figures_save_versioned(
    edits: list[FigureEdit], *, fields: tuple[str, ...], user, reason: str = ""
) -> int:
    """Save every edit as a draft entered by `user`, bumping its version; return how many.

    All or nothing: if any stored figure moved past the version the user started from, raise
    EditConflict naming each one and save none. `fields` are those the user writes.
    """
    conflicts = [
        _conflict(edit)
        for edit in edits
        if (edit.stored.version if edit.stored else 0) != edit.version
    ]
    if conflicts:
        raise EditConflict(conflicts)
    now = timezone.now()
    # Saved as drafts: pages of approved figures change only if one of them was approved.
    approved_changed = any(
        edit.stored and edit.stored.status == ReviewStatus.APPROVED for edit in edits
    )
    created, changed = defaultdict(list), defaultdict(list)
    for edit in edits:
        figure = edit.stored or edit.wanted
        for field in fields:
            setattr(figure, field, getattr(edit.wanted, field))
        figure.status = ReviewStatus.DRAFT
        figure.entered_by = user
        figure.version = edit.version + 1
        figure.updated_at = now
        _validate(figure)
        (changed if edit.stored else created)[type(figure)].append(figure)
    # A few statements for the whole page or file, whatever its size: one INSERT and one
    # UPDATE per model, each with one INSERT of their history rows.
    history = {"default_user": user, "default_change_reason": reason or None, "default_date": now}
    for model, figures in created.items():
        bulk_create_with_history(figures, model, **history)
    written = (*fields, "status", "entered_by", "version", "updated_at")
    for model, figures in changed.items():
        bulk_update_with_history(figures, model, fields=written, **history)
    _forget_snapshots([edit.stored or edit.wanted for edit in edits], approved=approved_changed)
    return len(edits)


def _forget_snapshots(figures: list[ReportedFigure], *, approved: bool) -> None:
    """Bump the data version of the figures' plans: bulk writes send no save signals."""
    indicator_ids = {f.indicator_id for f in figures if hasattr(f, "indicator_id")}
    line_ids = {f.line_id for f in figures if hasattr(f, "line_id")}
    plan_ids = {f.plan_id for f in figures if hasattr(f, "plan_id")}  # progress of work
    if indicator_ids or line_ids or plan_ids:
        Plan.data_changed(
            plan_ids=plan_ids, indicator_ids=indicator_ids, line_ids=line_ids, approved=approved
        )


def _validate(figure: ReportedFigure) -> None:
    """Run the field and model rules of `figure` without a query.

    full_clean() would check each foreign key, uniqueness and every check constraint with a
    query per figure. Here the keys are the plan's own rows, the stored figures are locked and
    one per key, and the database still enforces every constraint: only the rules Python can
    decide alone are run.
    """
    relations = [field.name for field in figure._meta.fields if field.is_relation]
    figure.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)

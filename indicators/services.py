"""Writes of yearly figures for indicators."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from indicators.models import Actual, Indicator
from indicators.targets import format_figure
from plans.models import Plan
from plans.workflow import Conflict, EditConflict, plan_year_for_entry


@dataclass(frozen=True)
class ActualInput:
    """What a user typed for one indicator, and the version of the figure they started from."""

    indicator: Indicator
    value: Decimal | None
    progress: str
    note: str
    evidence: str
    version: int  # 0 when no figure existed


def _differs(current: Actual | None, row: ActualInput) -> bool:
    if current is None:
        return row.value is not None or bool(row.progress)
    return (current.value, current.progress, current.note, current.evidence) != (
        row.value,
        row.progress,
        row.note,
        row.evidence,
    )


def _shown(actual: Actual | None) -> str:
    if actual is None:
        return "—"
    if actual.value is not None:
        return format_figure(actual.value)
    return actual.get_progress_display()


@transaction.atomic
def actuals_save(*, plan: Plan, year: int, user, rows: list[ActualInput], reason: str = "") -> int:
    """Write the changed figures of `plan` for `year` as drafts; return how many changed.

    All or nothing: a locked plan-year, or any figure saved by someone else since the user's
    page was loaded (its version moved on), writes nothing.
    """
    plan_year_for_entry(plan, year)
    # Lock the figures only: PostgreSQL refuses FOR UPDATE on the outer-joined users.
    existing = {
        actual.indicator_id: actual
        for actual in Actual.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(indicator__plan=plan, year=year)
    }
    changed, conflicts = [], []
    for row in rows:
        if row.indicator.plan_id != plan.pk:
            raise ValueError("indicator of another plan")
        current = existing.get(row.indicator.pk)
        if not _differs(current, row):
            continue
        if (current.version if current else 0) != row.version:
            conflicts.append(
                Conflict(
                    key=row.indicator.pk,
                    version=current.version if current else 0,
                    theirs=_shown(current),
                    yours=_shown(
                        Actual(value=row.value, progress=row.progress)
                        if row.value or row.progress
                        else None
                    ),
                    saved_by=str(current.entered_by or "") if current else "",
                    saved_at=current.updated_at if current else None,
                )
            )
            continue
        changed.append((current, row))
    if conflicts:
        raise EditConflict(conflicts)
    for current, row in changed:
        actual = current or Actual(indicator=row.indicator, year=year, version=0)
        actual.value, actual.progress = row.value, row.progress
        actual.note, actual.evidence = row.note, row.evidence
        actual.status = Actual.Status.DRAFT
        actual.entered_by = user
        actual.version += 1
        actual._change_reason = reason or None
        actual.full_clean()
        actual.save()
    return len(changed)

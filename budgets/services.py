"""Writes of disbursed amounts."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from budgets.models import BudgetLine, Disbursement, FundingSource
from indicators.targets import format_figure
from plans.models import Plan
from plans.workflow import Conflict, EditConflict, plan_year_for_entry


@dataclass(frozen=True)
class DisbursementInput:
    line: BudgetLine
    source: FundingSource
    amount: Decimal | None
    version: int  # 0 when nothing was recorded


def _shown(amount: Decimal | None) -> str:
    return "—" if amount is None else format_figure(amount)


@transaction.atomic
def disbursements_save(
    *, plan: Plan, year: int, user, rows: list[DisbursementInput], reason: str = ""
) -> int:
    """Write the changed disbursed amounts of `plan` for `year` as drafts; return how many.

    All or nothing, with the same lock and version checks as indicator figures.
    """
    plan_year_for_entry(plan, year)
    # Lock the figures only: PostgreSQL refuses FOR UPDATE on the outer-joined users.
    existing = {
        (d.line_id, d.source_id): d
        for d in Disbursement.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(line__plan=plan, year=year)
    }
    changed, conflicts = [], []
    for row in rows:
        if row.line.plan_id != plan.pk:
            raise ValueError("budget line of another plan")
        current = existing.get((row.line.pk, row.source.pk))
        if (current.amount if current else None) == row.amount:
            continue
        if (current.version if current else 0) != row.version:
            conflicts.append(
                Conflict(
                    key=(row.line.pk, row.source.pk),
                    version=current.version if current else 0,
                    theirs=_shown(current.amount if current else None),
                    yours=_shown(row.amount),
                    saved_by=str(current.entered_by or "") if current else "",
                    saved_at=current.updated_at if current else None,
                )
            )
            continue
        changed.append((current, row))
    if conflicts:
        raise EditConflict(conflicts)
    for current, row in changed:
        disbursement = current or Disbursement(
            line=row.line, source=row.source, year=year, version=0
        )
        disbursement.amount = row.amount
        disbursement.status = Disbursement.Status.DRAFT
        disbursement.entered_by = user
        disbursement.version += 1
        disbursement._change_reason = reason or None
        disbursement.full_clean()
        disbursement.save()
    return len(changed)

"""Writes of disbursed amounts."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from budgets.models import BudgetLine, Disbursement, FundingSource
from plans.models import Plan
from plans.workflow import FigureEdit, figures_save_versioned, plan_year_for_entry


@dataclass(frozen=True)
class DisbursementInput:
    line: BudgetLine
    source: FundingSource
    amount: Decimal | None
    version: int  # 0 when nothing was recorded


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
    edits = []
    for row in rows:
        if row.line.plan_id != plan.pk:
            raise ValueError("budget line of another plan")
        current = existing.get((row.line.pk, row.source.pk))
        if (current.amount if current else None) == row.amount:
            continue
        wanted = Disbursement(line=row.line, source=row.source, year=year, amount=row.amount)
        edits.append(FigureEdit((row.line.pk, row.source.pk), current, wanted, row.version))
    return figures_save_versioned(edits, fields=("amount",), user=user, reason=reason)

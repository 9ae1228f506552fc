"""Reads of budget lines with planned and disbursed money."""

from dataclasses import dataclass, field
from decimal import Decimal

from budgets.models import Allocation, BudgetLine, Disbursement, FundingSource
from plans.models import Plan

UNSPLIT_SOURCE_CODE = "chung"


@dataclass
class SourceCell:
    source: FundingSource
    planned: list[Allocation] = field(default_factory=list)  # allocations covering the year
    current: Disbursement | None = None

    @property
    def planned_total(self) -> Decimal | None:
        if not self.planned:
            return None
        return sum((a.amount for a in self.planned), Decimal(0))


@dataclass
class LineRow:
    line: BudgetLine
    cells: list[SourceCell]


def disbursement_rows(plan: Plan, year: int, *, statuses=None) -> list[LineRow]:
    """Return each budget line with, per funding source, what was planned and disbursed.

    Only disbursements with one of `statuses` (default: all) are shown. A line's sources are
    those of its allocations (any year) and of the disbursements shown; a line with neither
    offers the 'not split by source' column. Four queries in all.
    """
    shown = {"year": year} if statuses is None else {"year": year, "status__in": statuses}
    lines = BudgetLine.objects.filter(plan=plan).with_amounts(**shown).order_by("position", "code")
    unsplit = None
    rows = []
    for line in lines:
        cells: dict[int, SourceCell] = {}
        for allocation in line.allocations.all():
            cell = cells.setdefault(allocation.source_id, SourceCell(allocation.source))
            if allocation.year_from <= year <= allocation.year_to:
                cell.planned.append(allocation)
        for disbursement in line.disbursements.all():
            cell = cells.setdefault(disbursement.source_id, SourceCell(disbursement.source))
            cell.current = disbursement
        if not cells:
            if unsplit is None:
                unsplit = FundingSource.objects.get(code=UNSPLIT_SOURCE_CODE)
            cells[unsplit.pk] = SourceCell(unsplit)
        ordered = sorted(cells.values(), key=lambda c: (c.source.position, c.source.code))
        rows.append(LineRow(line, ordered))
    return rows

"""The progress template: written for a plan and year, filled by staff, read back on upload.

The upload is read in two steps: a preview that writes nothing and carries what it read in a
signed payload, then one transaction when the user confirms. Both sheets of figures are
declared once below; the writer and the reader both follow the declaration.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import MONEY_PLACES, Disbursement, FundingSource
from budgets.services import DisbursementInput, disbursements_save
from indicators.models import Actual
from indicators.services import ActualInput, actuals_save
from plans.models import Plan, PlanYear
from plans.numbers import FigureRule, format_figure
from plans.spreadsheets import xlsx
from plans.spreadsheets.xlsx import Column
from plans.workflow import locked_message

SIGNING_SALT = "ictplan.progress-upload"
MONEY_RULE = FigureRule.for_money("triệu đồng", places=MONEY_PLACES)
CHOICES_HINT = ", ".join(str(label) for _code, label in Actual.Progress.choices)

INFO = xlsx.FieldSheet(
    "Thông tin",
    header=("Mục", "Giá trị"),
    widths=(24, 80),
    fields=(
        Column("Mã văn bản", "slug"),
        Column("Năm", "year"),
        Column("Văn bản", "plan"),
        Column("Tỉnh", "province"),
        Column("Hướng dẫn", "guide"),
    ),
    fmt=xlsx.PLAIN_FORMAT,
)
INDICATORS = xlsx.Table(
    "Chỉ tiêu",
    (
        Column("Mã chỉ tiêu", "code", width=12),
        Column("Chỉ tiêu", "name", width=56, wrap=True),
        Column("Phạm vi", "scope", width=18),
        Column("Đơn vị", "unit", width=12),
        Column("Mục tiêu", "target", width=22),
        Column("Thực hiện năm trước", "previous", width=16),
        Column("Thực hiện", "value", width=16),
        Column("Tiến độ (định tính)", "progress", width=20),
        Column("Ghi chú", "note", width=30),
        Column("Minh chứng", "evidence", required=False, width=30),
    ),
    freeze="C2",
)
# Read from each indicator row; blank cells keep what is recorded.
INDICATOR_ENTRIES = ("value", "progress", "note", "evidence")
BUDGET = xlsx.Table(
    "Giải ngân",
    (
        Column("Mã hạng mục", "line", width=14),
        Column("Hạng mục", "name", width=50, wrap=True),
        Column("Mã nguồn vốn", "source", width=14),
        Column("Nguồn vốn", "source_name", width=18),
        Column("Kế hoạch (triệu đồng)", "planned", width=20),
        Column("Giải ngân (triệu đồng)", "amount", width=20),
    ),
    freeze="C2",
)


def progress_template(plan, year: int, entry_groups, budget_rows) -> xlsx.ReportFile:
    """Return the workbook staff fill in for a plan and year, pre-filled with what is known."""
    workbook = xlsx.new_workbook()
    guide = (
        "Nhập số theo cách viết tiếng Việt (1.234,5) hoặc nhập số trực tiếp. "
        "Không đổi tên cột, không thêm trang tính. Cột «Tiến độ» chỉ dùng cho mục tiêu định "
        f"tính: {CHOICES_HINT}."
    )
    INFO.write(
        workbook,
        {
            "slug": plan.slug,
            "year": year,
            "plan": str(plan),
            "province": str(plan.province),
            "guide": guide,
        },
    )
    INDICATORS.write(workbook, (_indicator_record(row) for g in entry_groups for row in g.rows))
    BUDGET.write(
        workbook,
        (
            {
                "line": line_row.line.code,
                "name": line_row.line.name,
                "source": cell.source.code,
                "source_name": cell.source.short_name,
                "planned": cell.planned_total,
                "amount": cell.current.amount if cell.current else None,
            }
            for line_row in budget_rows
            for cell in line_row.cells
        ),
    )
    name = f"Mẫu báo cáo {plan.slug} {year}"
    return xlsx.ReportFile(xlsx.save(workbook), f"{name}.xlsx")


def _indicator_record(row) -> dict:
    indicator, previous, current = row.indicator, row.previous, row.current
    target = ""
    if row.target is not None:
        target = (
            row.target.phrase
            if row.target_is_own
            else (f"{row.target.phrase} (mốc {row.target.year})")
        )
    return {
        "code": indicator.code,
        "name": indicator.name,
        "scope": indicator.scope,
        "unit": indicator.unit,
        "target": target,
        "previous": previous.value if previous and previous.value is not None else None,
        "value": current.value if current and current.value is not None else None,
        "progress": current.get_progress_display() if current and current.progress else None,
        "note": current.note if current else None,
        "evidence": current.evidence if current else None,
    }


@dataclass(frozen=True)
class FieldChange:
    name: str  # the column's header in the file
    old: str
    new: str
    figure: bool = True  # the value, progress or amount; False for a note or evidence


@dataclass
class PreviewRow:
    """One row of the upload: its figure now and in the file, and every field it changes."""

    sheet: str
    row: int
    label: str
    old: str
    new: str
    changes: list[FieldChange]

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def figure_changed(self) -> bool:
        return any(change.figure for change in self.changes)

    @property
    def text_changes(self) -> list[FieldChange]:
        return [change for change in self.changes if not change.figure]


@dataclass
class ProgressPreview:
    plan: Plan
    year: int
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    payload: str = ""

    @property
    def changed_count(self) -> int:
        return sum(row.changed for row in self.rows)

    def show(self, row: xlsx.Row, label: str, old: str, new: str, changes: list) -> None:
        self.rows.append(PreviewRow(row.table.title, row.number, label, old, new, changes))


def progress_preview(plan: Plan, year: int, upload) -> ProgressPreview:
    """Read a filled progress template; return what would change, and every error. No writes."""
    preview = ProgressPreview(plan, year)
    errors = preview.errors
    # A locked year is refused before the file is read: it costs no parsing.
    refusal = locked_message(PlanYear.objects.filter(plan=plan, year=year).first())
    if refusal:
        errors.append(refusal)
        return preview
    try:
        books = xlsx.open_workbook(upload)
    except xlsx.UploadRefused as refused:
        errors.extend(refused.messages)
        return preview
    info = INFO.read(books, errors)
    if info is not None:
        _check_plan_and_year(info, plan, year, errors)
    actual_inputs = _read_indicator_rows(books, preview)
    disbursement_inputs = _read_budget_rows(books, preview)
    if not errors:
        preview.payload = signing.dumps(
            {
                "plan": plan.slug,
                "year": year,
                "actuals": actual_inputs,
                "disbursements": disbursement_inputs,
            },
            salt=SIGNING_SALT,
            compress=True,
        )
    return preview


def _check_plan_and_year(info: dict, plan: Plan, year: int, errors: list[str]) -> None:
    slug = xlsx.text(info.get("slug"))
    if slug != plan.slug:
        errors.append(
            _("This file is for another plan (“%(other)s”), not “%(plan)s”.")
            % {"other": slug or "?", "plan": plan.slug}
        )
    try:
        file_year = int(Decimal(str(info.get("year"))))
    except (InvalidOperation, ValueError, TypeError):
        file_year = None
    if file_year != year:
        errors.append(
            _("This file is for the year %(other)s, not %(year)s.")
            % {"other": file_year, "year": year}
        )


def _progress_code(row: xlsx.Row, errors: list[str]) -> str:
    text = row.text("progress")
    if not text:
        return ""
    by_label = {str(label).lower(): code for code, label in Actual.Progress.choices}
    by_code = {code: code for code in Actual.Progress.values}
    code = by_label.get(text.lower()) or by_code.get(text)
    if code is None:
        errors.append(
            f"{row.where('progress')}: «{text}» — "
            + _("use one of: %(choices)s.") % {"choices": CHOICES_HINT}
        )
    return code or ""


def _read_indicator_rows(books, preview: ProgressPreview) -> list[dict]:
    rows = INDICATORS.read(books, preview.errors)
    if rows is None:
        return []
    plan, year = preview.plan, preview.year
    indicators = {i.code: i for i in plan.indicators.all()}
    actuals = {a.indicator_id: a for a in Actual.objects.filter(indicator__plan=plan, year=year)}
    seen: dict[str, int] = {}
    inputs = []
    for row in rows:
        indicator = _indicator_once(row, indicators, seen, preview.errors)
        if indicator is not None:
            entered = _indicator_entry(row, indicator, actuals.get(indicator.pk), preview)
            inputs += [entered] if entered else []
    return inputs


def _indicator_once(row: xlsx.Row, indicators: dict, seen: dict, errors: list[str]):
    """Return the indicator a row names, once per file; record an error and None otherwise."""
    code = row.text("code")
    indicator = indicators.get(code)
    if indicator is None:
        errors.append(
            f"{row.where('code')}: "
            + _("no indicator with code “%(code)s” in this plan.") % {"code": code}
        )
        return None
    if code in seen:
        errors.append(
            f"{row.where('code')}: "
            + _("“%(code)s” appears twice (also row %(row)s).") % {"code": code, "row": seen[code]}
        )
        return None
    seen[code] = row.number
    return indicator


def _indicator_entry(row: xlsx.Row, indicator, current, preview) -> dict | None:
    """Show one indicator row in the preview; return what confirming it writes, if anything."""
    errors = preview.errors
    row.refuse_unset_formulas(INDICATOR_ENTRIES, errors)
    value = xlsx.cell_figure(
        row["value"],
        rule=FigureRule.for_indicator(indicator),
        where=row.where("value"),
        errors=errors,
    )
    progress = _progress_code(row, errors)
    # Blank cells keep what is recorded: a template row left empty changes nothing.
    new = {
        "value": value if value is not None else (current.value if current else None),
        "progress": progress or (current.progress if current else ""),
        "note": row.text("note") or (current.note if current else ""),
        "evidence": row.text("evidence") or (current.evidence if current else ""),
    }
    if indicator.is_qualitative:
        new["value"] = current.value if current else None
    old = (
        {name: getattr(current, name) for name in INDICATOR_ENTRIES}
        if current
        else {"value": None, "progress": "", "note": "", "evidence": ""}
    )
    changes = _indicator_changes(old, new)
    if changes and new["value"] is None and not new["progress"]:
        errors.append(
            f"{row.where('value')}: " + _("Enter the figure that the note or evidence belongs to.")
        )
        return None
    label = f"{indicator.code}. {indicator.name}"
    shown_old = _shown(old["value"], old["progress"])
    preview.show(row, label, shown_old, _shown(new["value"], new["progress"]), changes)
    if not changes:
        return None
    return {
        "indicator": indicator.pk,
        "value": str(new["value"]) if new["value"] is not None else None,
        **{name: new[name] for name in ("progress", "note", "evidence")},
        "version": current.version if current else 0,
    }


def _indicator_changes(old: dict, new: dict) -> list[FieldChange]:
    """Return every field of an indicator row that the upload changes, figure first."""
    changes = []
    if (old["value"], old["progress"]) != (new["value"], new["progress"]):
        field_name = "progress" if new["progress"] != old["progress"] else "value"
        changes.append(
            FieldChange(
                INDICATORS.header_of(field_name),
                _shown(old["value"], old["progress"]),
                _shown(new["value"], new["progress"]),
            )
        )
    changes += [
        FieldChange(INDICATORS.header_of(name), old[name], new[name], figure=False)
        for name in ("note", "evidence")
        if old[name] != new[name]
    ]
    return changes


def _shown(value, progress="") -> str:
    if value is not None:
        return format_figure(value)
    if progress:
        return str(Actual.Progress(progress).label)
    return "—"


def _read_budget_rows(books, preview: ProgressPreview) -> list[dict]:
    errors = preview.errors
    rows = BUDGET.read(books, errors)
    if rows is None:
        return []
    plan, year = preview.plan, preview.year
    lines = {line.code: line for line in plan.budget_lines.all()}
    sources = {source.code: source for source in FundingSource.objects.all()}
    current = {
        (d.line_id, d.source_id): d for d in Disbursement.objects.filter(line__plan=plan, year=year)
    }
    seen = {}
    inputs = []
    for row in rows:
        line, source = _line_and_source(row, lines, sources, seen, errors)
        if line is None or row.refuse_unset_formulas(["amount"], errors):
            continue
        amount = xlsx.cell_figure(
            row["amount"], rule=MONEY_RULE, where=row.where("amount"), errors=errors
        )
        existing = current.get((line.pk, source.pk))
        old = existing.amount if existing else None
        if amount is None:
            amount = old
        label = f"{line.name} — {source.short_name}"
        changes = (
            [FieldChange(BUDGET.header_of("amount"), _shown(old), _shown(amount))]
            if amount != old
            else []
        )
        preview.show(row, label, _shown(old), _shown(amount), changes)
        if amount != old:
            inputs.append(
                {
                    "line": line.pk,
                    "source": source.pk,
                    "amount": str(amount),
                    "version": existing.version if existing else 0,
                }
            )
    return inputs


def _line_and_source(row: xlsx.Row, lines, sources, seen, errors):
    """Return the budget line and source a row names, once per file; (None, None) if not."""
    line_code, source_code = row.text("line"), row.text("source")
    line, source = lines.get(line_code), sources.get(source_code)
    if line is None:
        errors.append(
            f"{row.where('line')}: "
            + _("no budget line with code “%(code)s” in this plan.") % {"code": line_code}
        )
        return None, None
    if source is None:
        errors.append(
            f"{row.where('source')}: "
            + _("unknown funding source “%(code)s”.") % {"code": source_code}
        )
        return None, None
    key = (line.pk, source.pk)
    if key in seen:
        errors.append(
            f"{row.where('line')}: "
            + _("“%(code)s” appears twice (also row %(row)s).")
            % {"code": f"{line_code}/{source_code}", "row": seen[key]}
        )
        return None, None
    seen[key] = row.number
    return line, source


@transaction.atomic
def progress_apply(*, plan: Plan, year: int, payload: str, user) -> int:
    """Write a confirmed preview in one transaction; return how many figures changed.

    The payload is signed, so it says exactly what the preview showed; figures changed by
    someone else since then are caught by the services' version checks.
    """
    data = signing.loads(payload, salt=SIGNING_SALT, max_age=60 * 60 * 24)
    if data["plan"] != plan.slug or data["year"] != year:
        raise signing.BadSignature("payload for another plan or year")
    indicators = {i.pk: i for i in plan.indicators.all()}
    lines = {line.pk: line for line in plan.budget_lines.all()}
    sources = {s.pk: s for s in FundingSource.objects.all()}
    actual_rows = [
        ActualInput(
            indicator=indicators[row["indicator"]],
            value=Decimal(row["value"]) if row["value"] is not None else None,
            progress=row["progress"],
            note=row["note"],
            evidence=row["evidence"],
            version=row["version"],
        )
        for row in data["actuals"]
    ]
    disbursement_rows = [
        DisbursementInput(
            line=lines[row["line"]],
            source=sources[row["source"]],
            amount=Decimal(row["amount"]),
            version=row["version"],
        )
        for row in data["disbursements"]
    ]
    reason = _("imported from a workbook")
    count = 0
    if actual_rows:
        count += actuals_save(plan=plan, year=year, user=user, rows=actual_rows, reason=reason)
    if disbursement_rows:
        count += disbursements_save(
            plan=plan, year=year, user=user, rows=disbursement_rows, reason=reason
        )
    return count

"""Reading uploaded workbooks: checks, a preview that writes nothing, then one transaction.

Numbers are read by one fixed Vietnamese rule whatever language the user browses in: native
numeric cells as they are, text cells by indicators.targets.parse_number ("1.234,5"), and an
ambiguous "1,234" is refused. A cell typed "95%" holds 0.95 with a percent number format: it
is read as 95 where the unit is %, and refused elsewhere. Every problem is reported in
Vietnamese with sheet, row and column; a file with any problem writes nothing.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from budgets.models import MONEY_PLACES, Disbursement, FundingSource
from budgets.services import DisbursementInput, disbursements_save
from indicators.forms import FigureRule, check_figure, read_figure
from indicators.models import Actual
from indicators.services import ActualInput, actuals_save
from indicators.targets import format_figure
from plans import workbooks
from plans.models import Plan, PlanYear

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
SIGNING_SALT = "ictplan.progress-upload"
MONEY_RULE = FigureRule.for_money("triệu đồng", places=MONEY_PLACES)


class UploadRefused(Exception):
    """The file as a whole cannot be read; the messages say why, in Vietnamese."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def _where(sheet: str, row: int, column: str) -> str:
    return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”") % {
        "sheet": sheet,
        "row": row,
        "column": column,
    }


@dataclass
class Workbooks:
    values: object  # cached values of formulas
    formulas: object  # the formulas themselves, to tell which cells hold one


def open_workbook(upload) -> Workbooks:
    """Return the uploaded xlsx opened twice (values and formulas); refuse what is not one."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            [_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // 2**20}]
        )
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            [_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // 2**20}]
        )
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise UploadRefused(
            [_("This is not an Excel workbook (.xlsx). Save the file as .xlsx and upload again.")]
        )
    try:
        values = load_workbook(io.BytesIO(content), data_only=True)
        formulas = load_workbook(io.BytesIO(content), data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for broken files
        raise UploadRefused(
            [
                _("The workbook is damaged and cannot be read (%(error)s).")
                % {"error": type(exc).__name__}
            ]
        ) from exc
    hidden = [ws.title for ws in values.worksheets if ws.sheet_state != "visible"]
    if hidden:
        raise UploadRefused(
            [
                _(
                    "The workbook has hidden sheets (%(sheets)s); "
                    "unhide or delete them and upload again."
                )
                % {"sheets": ", ".join(hidden)}
            ]
        )
    return Workbooks(values, formulas)


# Quoted text and backslash-escaped characters in a number format are shown as they are.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.')


def is_percent_format(number_format: str | None) -> bool:
    """Return whether a number format shows the value times 100 with "%" ("0%", "0.00%")."""
    return "%" in _FORMAT_LITERALS.sub("", number_format or "")


@dataclass(frozen=True)
class CellValue:
    value: object
    unset_formula: bool = False  # a formula saved without its computed value
    percent: bool = False  # a number shown as a percentage: 0.95 is what "95%" holds


@dataclass
class SheetTable:
    """A sheet read as a header and rows of cells, with what went wrong on the way."""

    name: str
    columns: dict[str, int]
    rows: list[tuple[int, list[CellValue]]]


def read_table(books: Workbooks, name: str, required: list[str], errors: list[str]):
    """Return the sheet `name` as a table whose header holds every `required` column.

    Other columns are read when present; callers look them up with `table.columns.get()`.
    """
    if name not in books.values.sheetnames:
        errors.append(_("The sheet “%(sheet)s” is missing.") % {"sheet": name})
        return None
    values, formulas = books.values[name], books.formulas[name]
    if values.max_row > MAX_ROWS + 1:
        errors.append(
            _("The sheet “%(sheet)s” has more than %(limit)s rows.")
            % {"sheet": name, "limit": MAX_ROWS}
        )
        return None
    for merged in values.merged_cells.ranges:
        if merged.min_row == 1:
            errors.append(
                _("Sheet “%(sheet)s”: the header has merged cells (%(range)s); unmerge them.")
                % {"sheet": name, "range": merged.coord}
            )
            return None
    header = [str(c.value).strip() if c.value is not None else "" for c in values[1]]
    columns = {title: index for index, title in enumerate(header) if title}
    missing = [title for title in required if title not in columns]
    if missing:
        errors.append(
            _("Sheet “%(sheet)s”: columns missing or renamed: %(columns)s.")
            % {"sheet": name, "columns": ", ".join(f"«{m}»" for m in missing)}
        )
        return None
    rows = []
    for row_values, row_formulas in zip(
        values.iter_rows(min_row=2), formulas.iter_rows(min_row=2), strict=False
    ):
        cells = []
        for value_cell, formula_cell in zip(row_values, row_formulas, strict=False):
            is_formula = formula_cell.data_type == "f"
            value = value_cell.value
            cells.append(
                CellValue(
                    value,
                    unset_formula=is_formula and value is None,
                    percent=_is_number(value) and is_percent_format(value_cell.number_format),
                )
            )
        if all(cell.value in (None, "") for cell in cells):
            continue  # blank rows are skipped
        rows.append((row_values[0].row, cells))
    return SheetTable(name, columns, rows)


def _cell(table: SheetTable, cells: list[CellValue], column: str) -> CellValue:
    index = table.columns.get(column)
    return cells[index] if index is not None and index < len(cells) else CellValue(None)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def cell_number(cell: CellValue, rule: FigureRule) -> Decimal | None:
    """Return the number a cell shows, None when blank: a percent cell 0.95 in % is 95.

    Raise forms.ValidationError with a Vietnamese message for what `rule` does not allow.
    """
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise forms.ValidationError(_("a number is expected, not TRUE/FALSE."))
    if not _is_number(value):
        return read_figure(str(value), rule)
    # str() of a float is its shortest exact form: 0.4896, never 0.48959999999999998.
    number = Decimal(str(value))
    if cell.percent:
        if not rule.percent:
            raise forms.ValidationError(rule.percent_format_refused())
        number *= 100
    return check_figure(number, rule)


def cell_figure(cell: CellValue, *, rule: FigureRule, where: str, errors: list[str]):
    """Return the number in a cell, None when blank; record an error naming the cell."""
    try:
        return cell_number(cell, rule)
    except forms.ValidationError as exc:
        message = " ".join(exc.messages)
        if isinstance(cell.value, str):
            message = f"«{cell.value}» — {message}"
        errors.append(f"{where}: {message}")
        return None


@dataclass
class PreviewRow:
    sheet: str
    row: int
    label: str
    old: str
    new: str
    changed: bool


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


def _info(books: Workbooks, errors: list[str]) -> dict[str, object]:
    if workbooks.PROGRESS_INFO_SHEET not in books.values.sheetnames:
        errors.append(
            _("The sheet “%(sheet)s” is missing.") % {"sheet": workbooks.PROGRESS_INFO_SHEET}
        )
        return {}
    sheet = books.values[workbooks.PROGRESS_INFO_SHEET]
    return {
        _text(row[0].value): row[1].value
        for row in sheet.iter_rows(min_row=2, max_col=2)
        if row[0].value is not None and len(row) > 1
    }


def _progress_code(value, where, errors) -> str:
    text = _text(value)
    if not text:
        return ""
    by_label = {str(label).lower(): code for code, label in Actual.Progress.choices}
    by_code = {code: code for code in Actual.Progress.values}
    code = by_label.get(text.lower()) or by_code.get(text)
    if code is None:
        errors.append(
            f"{where}: «{text}» — "
            + _("use one of: %(choices)s.") % {"choices": workbooks.PROGRESS_CHOICES_HINT}
        )
    return code or ""


def progress_preview(plan: Plan, year: int, upload) -> ProgressPreview:
    """Read a filled progress template; return what would change, and every error. No writes."""
    preview = ProgressPreview(plan, year)
    errors = preview.errors
    try:
        books = open_workbook(upload)
    except UploadRefused as refused:
        errors.extend(refused.messages)
        return preview
    info = _info(books, errors)
    if info:
        slug = _text(info.get("Mã văn bản"))
        if slug != plan.slug:
            errors.append(
                _("This file is for another plan (“%(other)s”), not “%(plan)s”.")
                % {"other": slug or "?", "plan": plan.slug}
            )
        try:
            file_year = int(Decimal(str(info.get("Năm"))))
        except (InvalidOperation, ValueError, TypeError):
            file_year = None
        if file_year != year:
            errors.append(
                _("This file is for the year %(other)s, not %(year)s.")
                % {"other": file_year, "year": year}
            )
    plan_year = PlanYear.objects.filter(plan=plan, year=year).first()
    if plan_year and not plan_year.is_editable:
        errors.append(
            _(
                "The figures of %(year)s are %(status)s and locked; "
                "a leader must return or reopen them."
            )
            % {"year": year, "status": plan_year.get_status_display().lower()}
        )
    indicators = {i.code: i for i in plan.indicators.all()}
    actuals = {a.indicator_id: a for a in Actual.objects.filter(indicator__plan=plan, year=year)}
    actual_inputs = _read_indicator_rows(books, preview, indicators, actuals)
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


def _read_indicator_rows(books, preview, indicators, actuals) -> list[dict]:
    errors = preview.errors
    columns = workbooks.PROGRESS_INDICATOR_COLUMNS
    table = read_table(books, workbooks.PROGRESS_INDICATOR_SHEET, columns, errors)
    if table is None:
        return []
    seen: dict[str, int] = {}
    inputs = []
    for number, cells in table.rows:
        code = _text(_cell(table, cells, "Mã chỉ tiêu").value)
        where = _where(table.name, number, "Mã chỉ tiêu")
        indicator = indicators.get(code)
        if indicator is None:
            errors.append(
                f"{where}: " + _("no indicator with code “%(code)s” in this plan.") % {"code": code}
            )
            continue
        if code in seen:
            errors.append(
                f"{where}: "
                + _("“%(code)s” appears twice (also row %(row)s).")
                % {"code": code, "row": seen[code]}
            )
            continue
        seen[code] = number
        read = {}
        for column in ("Thực hiện", "Tiến độ (định tính)", "Ghi chú", "Minh chứng"):
            cell = _cell(table, cells, column)
            if cell.unset_formula:
                errors.append(
                    f"{_where(table.name, number, column)}: "
                    + _(
                        "the formula has no computed value; open the file in Excel, save it, "
                        "and upload again, or type the value."
                    )
                )
            read[column] = cell
        value = cell_figure(
            read["Thực hiện"],
            rule=FigureRule.for_indicator(indicator),
            where=_where(table.name, number, "Thực hiện"),
            errors=errors,
        )
        progress = _progress_code(
            read["Tiến độ (định tính)"].value,
            _where(table.name, number, "Tiến độ (định tính)"),
            errors,
        )
        current = actuals.get(indicator.pk)
        # Blank cells keep what is recorded: a template row left empty changes nothing.
        new = {
            "value": value if value is not None else (current.value if current else None),
            "progress": progress or (current.progress if current else ""),
            "note": _text(read["Ghi chú"].value) or (current.note if current else ""),
            "evidence": _text(read["Minh chứng"].value) or (current.evidence if current else ""),
        }
        if indicator.is_qualitative:
            new["value"] = current.value if current else None
        old = (
            (current.value, current.progress, current.note, current.evidence)
            if current
            else (None, "", "", "")
        )
        changed = old != (new["value"], new["progress"], new["note"], new["evidence"])
        if changed and new["value"] is None and not new["progress"]:
            errors.append(
                f"{_where(table.name, number, 'Thực hiện')}: "
                + _("Enter the figure that the note or evidence belongs to.")
            )
            continue
        preview.rows.append(
            PreviewRow(
                table.name,
                number,
                f"{indicator.code}. {indicator.name}",
                _shown(old[0], old[1]),
                _shown(new["value"], new["progress"]),
                changed,
            )
        )
        if changed:
            inputs.append(
                {
                    "indicator": indicator.pk,
                    "value": str(new["value"]) if new["value"] is not None else None,
                    "progress": new["progress"],
                    "note": new["note"],
                    "evidence": new["evidence"],
                    "version": current.version if current else 0,
                }
            )
    return inputs


def _shown(value, progress="") -> str:
    if value is not None:
        return format_figure(value)
    if progress:
        return str(Actual.Progress(progress).label)
    return "—"


def _read_budget_rows(books, preview) -> list[dict]:
    errors = preview.errors
    table = read_table(
        books, workbooks.PROGRESS_BUDGET_SHEET, workbooks.PROGRESS_BUDGET_COLUMNS, errors
    )
    if table is None:
        return []
    plan, year = preview.plan, preview.year
    lines = {line.code: line for line in plan.budget_lines.all()}
    sources = {source.code: source for source in FundingSource.objects.all()}
    current = {
        (d.line_id, d.source_id): d for d in Disbursement.objects.filter(line__plan=plan, year=year)
    }
    seen = {}
    inputs = []
    for number, cells in table.rows:
        line_code = _text(_cell(table, cells, "Mã hạng mục").value)
        source_code = _text(_cell(table, cells, "Mã nguồn vốn").value)
        line, source = lines.get(line_code), sources.get(source_code)
        if line is None:
            errors.append(
                f"{_where(table.name, number, 'Mã hạng mục')}: "
                + _("no budget line with code “%(code)s” in this plan.") % {"code": line_code}
            )
            continue
        if source is None:
            errors.append(
                f"{_where(table.name, number, 'Mã nguồn vốn')}: "
                + _("unknown funding source “%(code)s”.") % {"code": source_code}
            )
            continue
        key = (line.pk, source.pk)
        if key in seen:
            errors.append(
                f"{_where(table.name, number, 'Mã hạng mục')}: "
                + _("“%(code)s” appears twice (also row %(row)s).")
                % {"code": f"{line_code}/{source_code}", "row": seen[key]}
            )
            continue
        seen[key] = number
        cell = _cell(table, cells, "Giải ngân (triệu đồng)")
        where = _where(table.name, number, "Giải ngân (triệu đồng)")
        if cell.unset_formula:
            errors.append(
                f"{where}: "
                + _(
                    "the formula has no computed value; open the file in Excel, save it, "
                    "and upload again, or type the value."
                )
            )
            continue
        amount = cell_figure(cell, rule=MONEY_RULE, where=where, errors=errors)
        existing = current.get(key)
        old = existing.amount if existing else None
        if amount is None:
            amount = old
        changed = amount != old
        preview.rows.append(
            PreviewRow(
                table.name,
                number,
                f"{line.name} — {source.short_name}",
                _shown(old),
                _shown(amount),
                changed,
            )
        )
        if changed:
            inputs.append(
                {
                    "line": line.pk,
                    "source": source.pk,
                    "amount": str(amount),
                    "version": existing.version if existing else 0,
                }
            )
    return inputs


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

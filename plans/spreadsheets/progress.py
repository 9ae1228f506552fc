"""The progress template: written for a plan and year, filled by staff, read back on upload.

The upload is read in two steps: a preview that writes nothing and carries what it read in a
signed payload, then one transaction when the user confirms. Both sheets of figures are
declared once below (the projects and duties sheet in plans.spreadsheets.work_sheet); the writer
and the reader both follow the declaration.

Each row carries the version of its figure when the template was made. A figure saved by
someone else since then is never overwritten unawares: a file still holding the older value
changes nothing, a file changing it shows a conflict written only if the user ticks it.
"""

from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import Disbursement, FundingSource
from budgets.services import DisbursementInput, disbursements_save
from indicators.models import Actual
from indicators.services import ActualInput, actuals_save
from plans.models import Plan, PlanYear
from plans.numbers import FigureRule, figure_shown
from plans.spreadsheets import xlsx
from plans.spreadsheets.upload_rows import (
    MONEY_RULE,
    FieldChange,
    FileRow,
    ProgressPreview,
    file_version,
    row_text,
    rows_at_download,
)
from plans.spreadsheets.work_sheet import (
    read_work_rows,
    states_hint,
    work_inputs,
    work_records,
    work_table,
)
from plans.spreadsheets.xlsx import Column
from plans.work import work_save
from plans.workflow import EditConflict, EntryRefused, locked_message

SIGNING_SALT = "ictplan.progress-upload"
CHOICES_HINT = ", ".join(str(label) for _code, label in Actual.Progress.choices)

# The version of each row's figure when the template was made (0: none yet). An upload compares
# the file with the figure as it was then, so a row saved by someone else since is never
# overwritten unawares. Optional: templates made before it existed upload as they always did.
VERSION_HEADER = "Phiên bản (không sửa)"
VERSION_COLUMN = Column(VERSION_HEADER, "version", required=False, width=10, fmt=xlsx.PLAIN_FORMAT)

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
        VERSION_COLUMN,
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
        VERSION_COLUMN,
    ),
    freeze="C2",
)
WORK = work_table(VERSION_COLUMN)


def progress_template(plan, year: int, entry_groups, budget_rows, work=((), ())) -> xlsx.ReportFile:
    """Return the workbook staff fill in for a plan and year, pre-filled with what is known."""
    workbook = xlsx.new_workbook(f"{plan.short_name} — {year}")
    guide = (
        "Nhập số theo cách viết tiếng Việt (1.234,5) hoặc nhập số trực tiếp. "
        "Không đổi tên cột, không thêm trang tính. Cột «Tiến độ» chỉ dùng cho mục tiêu định "
        f"tính: {CHOICES_HINT}. Trang «{WORK.title}»: cột «Mức độ thực hiện» ghi một trong: "
        f"{states_hint()}; việc dừng thực hiện ghi lý do."
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
                "version": cell.current.version if cell.current else 0,
            }
            for line_row in budget_rows
            for cell in line_row.cells
        ),
    )
    WORK.write(workbook, work_records(*work))
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
        "version": current.version if current else 0,
    }


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
    work_inputs_read = read_work_rows(books, preview, table=WORK)
    if not errors:
        preview.payload = signing.dumps(
            {
                "plan": plan.slug,
                "year": year,
                "actuals": actual_inputs,
                "disbursements": disbursement_inputs,
                "work": work_inputs_read,
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


INDICATOR_EMPTY = {"value": None, "progress": "", "note": "", "evidence": ""}


def _read_indicator_rows(books, preview: ProgressPreview) -> list[dict]:
    rows = INDICATORS.read(books, preview.errors)
    if rows is None:
        return []
    plan, year = preview.plan, preview.year
    indicators = {i.code: i for i in plan.indicators.all()}
    actuals = {
        a.indicator_id: a
        for a in Actual.objects.filter(indicator__plan=plan, year=year).select_related("entered_by")
    }
    seen: dict[str, int] = {}
    file_rows = []
    for row in rows:
        indicator = _indicator_once(row, indicators, seen, preview.errors)
        if indicator is not None:
            file_rows.append(_indicator_row(row, indicator, actuals.get(indicator.pk), preview))
    at_download = rows_at_download(Actual, year, file_rows, ("indicator_id",))
    inputs = []
    for file_row in file_rows:
        entered = _indicator_entry(file_row, at_download, preview)
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


def _indicator_row(row: xlsx.Row, indicator, current, preview) -> FileRow:
    """Read one indicator row of the file; record an error for each unreadable cell."""
    errors = preview.errors
    row.refuse_unset_formulas(INDICATOR_ENTRIES, errors)
    value = xlsx.cell_figure(
        row["value"],
        rule=FigureRule.for_indicator(indicator),
        where=row.where("value"),
        errors=errors,
    )
    return FileRow(
        row=row,
        key=f"i{indicator.pk}",
        label=f"{indicator.code}. {indicator.name}",
        identity=(indicator.pk,),
        stored=current,
        typed={
            # A qualitative objective has a progress, never a value.
            "value": None if indicator.is_qualitative else value,
            "progress": _progress_code(row, errors),
            "note": row_text(row, "note", errors),
            "evidence": row_text(row, "evidence", errors),
        },
        version=file_version(row, errors),
    )


def _indicator_entry(file_row: FileRow, at_download: dict, preview) -> dict | None:
    """Show one indicator row in the preview; return what confirming it writes, if anything."""
    # Blank cells keep what is recorded: a template row left empty changes nothing.
    old, new, conflict = file_row.compare(INDICATOR_EMPTY, at_download)
    changes = _indicator_changes(old, new)
    if changes and new["value"] is None and not new["progress"]:
        preview.errors.append(
            f"{file_row.row.where('value')}: "
            + _("Enter the figure that the note or evidence belongs to.")
        )
        return None
    shown_old = _shown(old["value"], old["progress"])
    file_row.show(preview, shown_old, _shown(new["value"], new["progress"]), changes, conflict)
    if not changes:
        return None
    stored = file_row.stored
    return {
        "key": file_row.key,
        "conflict": conflict,
        "indicator": file_row.identity[0],
        "value": str(new["value"]) if new["value"] is not None else None,
        **{name: new[name] for name in ("progress", "note", "evidence")},
        # The version shown: a figure saved after the preview is caught on confirm.
        "version": stored.version if stored else 0,
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
    """Return a figure read from the file as the preview shows it (plans.numbers.figure_shown)."""
    return figure_shown(value, str(Actual.Progress(progress).label) if progress else "")


def _read_budget_rows(books, preview: ProgressPreview) -> list[dict]:
    errors = preview.errors
    rows = BUDGET.read(books, errors)
    if rows is None:
        return []
    plan, year = preview.plan, preview.year
    lines = {line.code: line for line in plan.budget_lines.all()}
    sources = {source.code: source for source in FundingSource.objects.all()}
    current = {
        (d.line_id, d.source_id): d
        for d in Disbursement.objects.filter(line__plan=plan, year=year).select_related(
            "entered_by"
        )
    }
    seen = {}
    file_rows = []
    for row in rows:
        line, source = _line_and_source(row, lines, sources, seen, errors)
        if line is None or row.refuse_unset_formulas(["amount"], errors):
            continue
        amount = xlsx.cell_figure(
            row["amount"], rule=MONEY_RULE, where=row.where("amount"), errors=errors
        )
        file_rows.append(
            FileRow(
                row=row,
                key=f"d{line.pk}-{source.pk}",
                label=f"{line.name} — {source.short_name}",
                identity=(line.pk, source.pk),
                stored=current.get((line.pk, source.pk)),
                typed={"amount": amount},
                version=file_version(row, errors),
            )
        )
    at_download = rows_at_download(Disbursement, year, file_rows, ("line_id", "source_id"))
    inputs = []
    for file_row in file_rows:
        old, new, conflict = file_row.compare({"amount": None}, at_download)
        changes = (
            [FieldChange(BUDGET.header_of("amount"), _shown(old["amount"]), _shown(new["amount"]))]
            if new != old
            else []
        )
        file_row.show(preview, _shown(old["amount"]), _shown(new["amount"]), changes, conflict)
        if changes:
            line_pk, source_pk = file_row.identity
            inputs.append(
                {
                    "key": file_row.key,
                    "conflict": conflict,
                    "line": line_pk,
                    "source": source_pk,
                    "amount": str(new["amount"]),
                    "version": file_row.stored.version if file_row.stored else 0,
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


def progress_apply(*, plan: Plan, year: int, payload: str, user, overwrite=()) -> int:
    """Write a confirmed preview in one transaction; return how many figures changed.

    The payload is signed, so it says exactly what the preview showed. A row the preview showed
    as a conflict is written only if its key is in `overwrite`. A figure someone saved since
    the preview writes nothing: EntryRefused names it.
    """
    data = signing.loads(payload, salt=SIGNING_SALT, max_age=60 * 60 * 24)
    if data["plan"] != plan.slug or data["year"] != year:
        raise signing.BadSignature("payload for another plan or year")
    chosen = set(overwrite)

    def wanted(rows: list[dict]) -> list[dict]:
        return [row for row in rows if not row.get("conflict") or row.get("key") in chosen]

    try:
        with transaction.atomic():
            return _write(
                plan,
                year,
                wanted(data["actuals"]),
                wanted(data["disbursements"]),
                wanted(data.get("work", [])),  # none in a preview made before the sheet
                user,
            )
    except EditConflict as conflict:
        raise EntryRefused(_changed_since_preview(plan, conflict)) from conflict


def _write(plan: Plan, year: int, actuals, disbursements, work, user) -> int:
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
        for row in actuals
    ]
    disbursement_rows = [
        DisbursementInput(
            line=lines[row["line"]],
            source=sources[row["source"]],
            amount=Decimal(row["amount"]),
            version=row["version"],
        )
        for row in disbursements
    ]
    reason = _("imported from a workbook")
    count = 0
    if actual_rows:
        count += actuals_save(plan=plan, year=year, user=user, rows=actual_rows, reason=reason)
    if disbursement_rows:
        count += disbursements_save(
            plan=plan, year=year, user=user, rows=disbursement_rows, reason=reason
        )
    if work:
        count += work_save(
            plan=plan, year=year, user=user, rows=work_inputs(plan, work), reason=reason
        )
    return count


def _changed_since_preview(plan: Plan, conflict: EditConflict) -> str:
    """Return the message naming each figure saved by someone else after the preview."""
    codes = {i.pk: i.code for i in plan.indicators.all()}
    lines = {line.pk: line.code for line in plan.budget_lines.all()}
    sources = {s.pk: s.code for s in FundingSource.objects.all()}
    named = []
    work = {
        **{("project", p.pk): p.code for p in plan.projects.all()},
        **{("duty", d.pk): d.code for d in plan.responsibilities.all()},
    }
    for item in conflict.conflicts:
        if item.key in work:
            what = work[item.key]
        elif isinstance(item.key, tuple):
            line, source = item.key
            what = f"{lines.get(line, '?')}/{sources.get(source, '?')}"
        else:
            what = codes.get(item.key, "?")
        named.append(
            _("%(what)s (now %(theirs)s, by %(who)s)")
            % {"what": what, "theirs": item.theirs, "who": item.saved_by or "?"}
        )
    return _(
        "Nothing was saved: %(figures)s changed after the preview; upload the file again "
        "to see the figures now recorded."
    ) % {"figures": "; ".join(named)}

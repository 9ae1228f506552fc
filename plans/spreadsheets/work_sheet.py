"""The progress template's sheet of projects and duties (issue #16): written and read back.

One row per project and per duty of an agency: its state in the year (typed as the portal
writes it: chưa triển khai, đang triển khai, hoàn thành, dừng), what was done, why it stopped,
and for a project the money disbursed. Blank cells keep what is recorded, as on the other
sheets; a template made before this sheet existed uploads as it always did.
"""

from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from plans.models import Plan, Project, WorkProgress
from plans.numbers import figure_shown
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
from plans.spreadsheets.xlsx import Column
from plans.work import WorkInput, WorkRow, work_key

PROJECT, DUTY = "Dự án", "Nhiệm vụ"
EMPTY = {"state": "", "account": "", "reason": "", "disbursed": None}
State = WorkProgress.State


def _states() -> dict[str, str]:
    """Return each state by its Vietnamese label, as typed in a cell (any case)."""
    with override("vi"):
        return {str(label).casefold(): code for code, label in State.choices}


def _label(state: str) -> str:
    """Return a state as the sheet writes it: "Đang triển khai"."""
    if not state:
        return ""
    with override("vi"):
        return capfirst(str(State(state).label))


def states_hint() -> str:
    return ", ".join(_states())


def work_table(version_column: Column) -> xlsx.Table:
    return xlsx.Table(
        "Dự án, nhiệm vụ",
        (
            Column("Loại", "kind", width=10),
            Column("Mã", "code", width=10),
            Column("Dự án, nhiệm vụ", "name", width=56, wrap=True),
            Column("Cơ quan", "agency", width=30, wrap=True),
            Column("Mức độ thực hiện", "state", width=18),
            Column("Nội dung đã thực hiện", "account", width=40, wrap=True),
            Column("Lý do dừng", "reason", width=30, wrap=True),
            Column("Giải ngân (triệu đồng)", "disbursed", width=18),
            version_column,
        ),
        freeze="D2",
    )


def work_records(projects: list[WorkRow], duties: list[WorkRow]):
    """Yield the sheet's rows: every project, then every duty, with its progress if any."""
    for row in (*projects, *duties):
        current = row.current
        project = row.project
        yield {
            "kind": PROJECT if project else DUTY,
            "code": row.item.code,
            "name": project.name if project else row.duty.duties,
            "agency": (project.lead_agency_printed or str(project.lead_agency or ""))
            if project
            else f"{row.duty.agency} ({row.duty.get_role_display()})",
            "state": _label(current.state) if current else None,
            "account": current.account if current else None,
            "reason": current.reason if current else None,
            "disbursed": current.disbursed if current else None,
            "version": current.version if current else 0,
        }


def read_work_rows(books, preview: ProgressPreview, *, table: xlsx.Table) -> list[dict]:
    """Read the sheet into `preview` (rows and errors); return the inputs to write, each
    compared with the version downloaded as the figures are."""
    if table.title not in books.values:
        return []  # a template made before the sheet existed
    errors = preview.errors
    rows = table.read(books, errors)
    if rows is None:
        return []
    plan, year = preview.plan, preview.year
    items = {
        PROJECT.casefold(): {p.code: p for p in plan.projects.all()},
        DUTY.casefold(): {d.code: d for d in plan.responsibilities.select_related("agency")},
    }
    stored = {
        work_key(p.project_id, p.duty_id): p
        for p in WorkProgress.objects.filter(plan=plan, year=year).select_related("entered_by")
    }
    states, seen, found = _states(), {}, []
    for row in rows:
        item, kind = _item(row, items, seen, errors)
        if item is None or row.refuse_unset_formulas(["state", "disbursed"], errors):
            continue
        typed_state = row.text("state").strip().casefold()
        if typed_state and typed_state not in states:
            errors.append(
                f"{row.where('state')}: «{row.text('state')}» — "
                + _("type one of: %(states)s.") % {"states": states_hint()}
            )
            continue
        disbursed = xlsx.cell_figure(
            row["disbursed"], rule=MONEY_RULE, where=row.where("disbursed"), errors=errors
        )
        if disbursed is not None and kind == "duty":
            errors.append(f"{row.where('disbursed')}: " + _("Only a project has money disbursed."))
            continue
        found.append(
            FileRow(
                row=row,
                key=f"w{kind[0]}{item.pk}",
                label=f"{item.code}. {_short(item)}",
                identity=(item.pk,),
                stored=stored.get((kind, item.pk)),
                typed={
                    "state": states.get(typed_state, ""),
                    "account": row_text(row, "account", errors).strip(),
                    "reason": row_text(row, "reason", errors).strip(),
                    "disbursed": disbursed,
                },
                version=file_version(row, errors),
            )
        )
    inputs = []
    for kind in ("project", "duty"):
        of_kind = [r for r in found if r.key.startswith(f"w{kind[0]}")]
        before = rows_at_download(WorkProgress, year, of_kind, (f"{kind}_id",))
        for file_row in of_kind:
            entry = _entry(file_row, kind, before, preview, table)
            if entry is not None:
                inputs.append(entry)
    return inputs


def _item(row, items, seen, errors):
    kind_text, code = row.text("kind").strip().casefold(), row.text("code").strip()
    by_code = items.get(kind_text)
    if by_code is None:
        errors.append(
            f"{row.where('kind')}: «{row.text('kind')}» — "
            + _("type %(project)s or %(duty)s.") % {"project": PROJECT, "duty": DUTY}
        )
        return None, None
    item = by_code.get(code)
    if item is None:
        errors.append(
            f"{row.where('code')}: "
            + _("no %(kind)s with code “%(code)s” in this plan.")
            % {"kind": kind_text, "code": code}
        )
        return None, None
    kind = "project" if kind_text == PROJECT.casefold() else "duty"
    if (kind, code) in seen:
        errors.append(
            f"{row.where('code')}: "
            + _("“%(code)s” appears twice (also row %(row)s).")
            % {"code": code, "row": seen[(kind, code)]}
        )
        return None, None
    seen[(kind, code)] = row.number
    return item, kind


def _short(item) -> str:
    text = item.name if isinstance(item, Project) else str(item.agency)
    return text if len(text) <= 80 else f"{text[:77]}…"


def _entry(file_row: FileRow, kind: str, at_download: dict, preview, table) -> dict | None:
    old, new, conflict = file_row.compare(EMPTY, at_download)
    row, errors = file_row.row, preview.errors
    if new == old:
        file_row.show(preview, _text(old), _text(new), [], conflict)
        return None
    if not new["state"]:
        errors.append(
            f"{row.where('state')}: " + _("Choose how far it is before saving what was done.")
        )
        return None
    if new["state"] == State.STOPPED and not new["reason"]:
        errors.append(f"{row.where('reason')}: " + _("Say why it stopped."))
        return None
    changes = [
        FieldChange(
            table.header_of(name),
            _field_text(name, old[name]),
            _field_text(name, new[name]),
            figure=name in ("state", "disbursed"),
        )
        for name in EMPTY
        if old[name] != new[name]
    ]
    file_row.show(preview, _text(old), _text(new), changes, conflict)
    (item_pk,) = file_row.identity
    return {
        "key": file_row.key,
        "conflict": conflict,
        "kind": kind,
        "item": item_pk,
        "state": new["state"],
        "account": new["account"],
        "reason": new["reason"],
        "disbursed": None if new["disbursed"] is None else str(new["disbursed"]),
        "version": file_row.stored.version if file_row.stored else 0,
    }


def _field_text(name: str, value) -> str:
    if name == "state":
        return _label(value) or "—"
    if name == "disbursed":
        return figure_shown(value)
    return value or "—"


def _text(values: dict) -> str:
    """Return a progress as the preview's old and new columns show it."""
    if not values["state"]:
        return "—"
    text = _label(values["state"])
    if values["disbursed"] is not None:
        text += f", {figure_shown(values['disbursed'])}"
    return text


def work_inputs(plan: Plan, rows: list[dict]) -> list[WorkInput]:
    """Return the confirmed rows of a payload as inputs of plans.work.work_save()."""
    projects = {p.pk: p for p in plan.projects.all()}
    duties = {d.pk: d for d in plan.responsibilities.all()}
    return [
        WorkInput(
            project=projects[row["item"]] if row["kind"] == "project" else None,
            duty=duties[row["item"]] if row["kind"] == "duty" else None,
            state=row["state"],
            reason=row["reason"],
            account=row["account"],
            disbursed=None if row["disbursed"] is None else Decimal(row["disbursed"]),
            version=row["version"],
        )
        for row in rows
    ]

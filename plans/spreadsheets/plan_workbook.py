"""The new-plan workbook: a documented template from which an administrator creates a whole
plan, and the same layout exported from an existing plan (so a plan can move between portals).

Every sheet has one header row of Vietnamese column names; choice columns take the code or
the Vietnamese label; targets are given as printed phrases and read by the target reader;
amounts are given as printed, in the line's printed unit, and converted to triệu đồng.
A cell typed "95%" holds 0.95 with a percent format: it is 95 on an indicator in %, and
refused on any other indicator and on amounts.

Each sheet is declared once in `SHEETS`: its columns, the rows an existing plan gives it, and
how one of its rows becomes an object; exporting and importing both walk that declaration.
"""

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from budgets.models import (
    MONEY_PLACES,
    UNIT_FACTORS,
    Allocation,
    BudgetLine,
    FundingSource,
    StatedTotal,
)
from indicators.models import Indicator, IndicatorConcept, Target
from indicators.targets import read_target_in_unit
from indicators.units import UnitMismatch
from plans import access
from plans.models import Agency, Plan, Project, Province, Responsibility, Section, Sector
from plans.numbers import FigureRule, TargetPhraseError, figure_text, is_percent_unit
from plans.spreadsheets import xlsx
from plans.spreadsheets.xlsx import Column

SIGNING_SALT = "ictplan.new-plan"
GUIDE_SHEET = "Hướng dẫn"
YES, NO = "có", "không"
SLUG_SEPARATOR = "; "  # between the codes of the plans a plan supersedes; new lines also do
_YES_WORDS = {YES, "c", "x", "yes", "y", "true", "1"}
_NO_WORDS = {NO, "k", "no", "n", "false", "0"}

PLAN = xlsx.FieldSheet(
    "Văn bản",
    header=("Trường", "Giá trị"),
    widths=(28, 80),
    fields=(
        Column("Mã văn bản (slug)", "slug"),
        Column("Mã tỉnh", "province"),
        Column("Loại văn bản", "kind"),
        Column("Số hiệu", "document_number"),
        Column("Tiêu đề", "title"),
        Column("Năm ban hành", "issued_year"),
        Column("Tháng ban hành", "issued_month"),
        Column("Ngày ban hành", "issued_day"),
        Column("Mã cơ quan ban hành", "issuing_body"),
        Column("Người ký", "signer"),
        Column("Năm đầu", "first_year"),
        Column("Năm cuối", "last_year"),
        Column("Năm định hướng", "horizon_year"),
        Column("Thay thế các văn bản", "supersedes", required=False),
        Column("Căn cứ", "based_on"),
        Column("Tệp văn bản gốc", "source_file"),
    ),
    fmt=xlsx.PLAIN_FORMAT,
)
# Columns added after workbooks were first handed out are optional: a file without them
# still imports, each blank as its default. Printed text keeps the text format ("1.500").
# A label a sheet no longer declares is ignored: the "Trạng thái" (status) of older files, now
# derived from the years (Plan.status_on).
AGENCIES = xlsx.Table(
    "Cơ quan",
    (
        Column("Mã", "code"),
        Column("Tên", "name"),
        Column("Tên viết tắt", "short_name"),
        Column("Loại", "kind"),
        Column("Mã tỉnh", "province"),
        Column("Mã cơ quan kế thừa", "successor"),
        Column("Ngày kế thừa", "succeeded_on"),
    ),
)
SECTIONS = xlsx.Table(
    "Phần mục",
    (
        Column("Mã", "code"),
        Column("Mã phần cha", "parent"),
        Column("Số thứ tự", "number"),
        Column("Tiêu đề", "title"),
        Column("Lĩnh vực", "sector"),
        Column("Thứ tự", "position"),
    ),
)
INDICATORS = xlsx.Table(
    "Chỉ tiêu",
    (
        Column("Mã", "code"),
        Column("Mã phần mục", "section"),
        Column("Tên", "name"),
        Column("Phạm vi", "scope"),
        Column("Đơn vị", "unit"),
        Column("Loại", "kind"),
        Column("Chiều đánh giá", "direction"),
        Column("Cách cộng số liệu", "aggregation"),
        Column("Giá trị gốc", "baseline_value"),
        Column("Năm gốc", "baseline_year"),
        Column("Năm hoàn thành", "due_year"),
        Column("Mã chỉ tiêu dùng chung", "concept"),
        Column("Thứ tự", "position"),
        Column("Cho phép số âm", "allows_negative", required=False),
        Column("Nguồn số liệu gốc", "baseline_source", required=False),
    ),
)
TARGETS = xlsx.Table(
    "Mục tiêu",
    (
        Column("Mã chỉ tiêu", "indicator"),
        Column("Năm", "year"),
        Column("Nguyên văn", "phrase"),
        Column("Ghi chú", "note"),
        Column("Áp dụng từ năm", "period_start", required=False),
    ),
)
PROJECTS = xlsx.Table(
    "Dự án",
    (
        Column("Mã", "code"),
        Column("Mã nhiệm vụ cha", "parent"),
        Column("Mã phần mục", "section"),
        Column("Số thứ tự", "number"),
        Column("Tên", "name"),
        Column("Mã cơ quan chủ trì", "lead_agency"),
        Column("Cơ quan chủ trì (nguyên văn)", "lead_agency_printed", fmt=xlsx.TEXT_FORMAT),
        Column("Nội dung", "content"),
        Column("Năm đầu", "first_year"),
        Column("Năm cuối", "last_year"),
        Column("Thời gian (nguyên văn)", "period_printed", fmt=xlsx.TEXT_FORMAT),
        Column("Thứ tự", "position"),
    ),
)
BUDGET_LINES = xlsx.Table(
    "Đầu tư",
    (
        Column("Mã hạng mục", "code"),
        Column("Tên", "name"),
        Column("Mã phần mục", "section"),
        Column("Lĩnh vực", "sector"),
        Column("Mã dự án", "project"),
        Column("Đơn vị in trong văn bản", "printed_unit"),
        Column("Thứ tự", "position"),
    ),
)
ALLOCATIONS = xlsx.Table(
    "Kế hoạch vốn",
    (
        Column("Mã hạng mục", "line"),
        Column("Từ năm", "year_from"),
        Column("Đến năm", "year_to"),
        Column("Nguồn vốn", "source"),
        Column("Số tiền (nguyên văn)", "amount_printed", fmt=xlsx.TEXT_FORMAT),
    ),
)
STATED_TOTALS = xlsx.Table(
    "Tổng số nêu trong văn bản",
    (
        Column("Mã", "code"),
        Column("Nội dung", "label"),
        Column("Mã phần mục", "section"),
        Column("Từ năm", "year_from"),
        Column("Đến năm", "year_to"),
        Column("Nguồn vốn", "source"),
        Column("Số tiền (triệu đồng)", "amount"),
        Column("Nguyên văn", "phrase"),
    ),
)
DUTIES = xlsx.Table(
    "Phân công",
    (
        Column("Mã", "code"),
        Column("Mã cơ quan", "agency"),
        Column("Vai trò", "role"),
        Column("Mã phần mục", "section"),
        Column("Nhiệm vụ (nguyên văn)", "duties"),
        Column("Thứ tự", "position"),
    ),
)


def _choices(choices) -> str:
    return "; ".join(f"{code} = {label}" for code, label in choices)


def _guide_rows():
    return [
        (
            "Cách dùng",
            "Mỗi trang tính có một dòng tiêu đề; không đổi tên cột, không ẩn trang. "
            "Các mã (tỉnh, lĩnh vực, nguồn vốn, chỉ tiêu dùng chung) lấy từ dữ liệu dùng chung của "
            "cổng thông tin. Mục tiêu ghi đúng nguyên văn (ví dụ: trên 90%, dưới 1,4 km/điểm, "
            "5 - 10%). Số tiền ghi đúng như văn bản, theo đơn vị in của hạng mục. "
            "Ô gõ 95% (định dạng phần trăm) được đọc là 95 khi đơn vị của chỉ tiêu là %; "
            "ô định dạng phần trăm ở chỉ tiêu có đơn vị khác, hoặc ở số tiền, bị từ chối.",
        ),
        ("Loại văn bản", _choices(Plan.Kind.choices)),
        ("Mã tỉnh", _province_guide()),
        (
            "Thay thế các văn bản",
            "Mã (slug) của các văn bản mà văn bản này thay thế, cách nhau bằng dấu ; hoặc "
            "xuống dòng, ví dụ: hau-giang-kh-ha-tang-so-2023-2025; soc-trang-kh-22-2012. "
            "Chỉ ghi văn bản của tỉnh, thành phố mà bạn được nhập liệu. Để trống nếu không "
            "thay thế văn bản nào. Trạng thái (còn hiệu lực, hết hiệu lực, đã được thay thế) "
            "được tính từ các năm của văn bản, không ghi trong tệp.",
        ),
        ("Loại cơ quan", _choices(Agency.Kind.choices)),
        ("Loại chỉ tiêu", _choices(Indicator.Kind.choices)),
        ("Chiều đánh giá", _choices(Indicator._meta.get_field("direction").choices)),
        ("Cách cộng số liệu", _choices(Indicator.Aggregation.choices)),
        (
            "Cho phép số âm",
            f"{YES} hoặc {NO}. «{YES}» cho tốc độ tăng trưởng, tỷ lệ thay đổi: số liệu được âm "
            "và được vượt 100%. Để trống: «có» khi cách cộng số liệu là yearly_rate, "
            "«không» khi khác.",
        ),
        ("Nguồn số liệu gốc", "Nơi lấy giá trị gốc, ví dụ: Niên giám thống kê 2010."),
        (
            "Áp dụng từ năm",
            "Năm đầu tiên mục tiêu được áp dụng, ví dụ 2011 cho mục tiêu «đến năm 2015» của "
            "văn bản 2011 - 2020. Để trống: năm đầu của văn bản.",
        ),
        ("Vai trò", _choices(Responsibility.Role.choices)),
        ("Đơn vị in", _choices(BudgetLine.PrintedUnit.choices)),
        (
            "Lĩnh vực",
            "; ".join(f"{s.code} = {s.name}" for s in Sector.objects.order_by("position")),
        ),
        ("Nguồn vốn", "; ".join(f"{s.code} = {s.short_name}" for s in FundingSource.objects.all())),
    ]


def _province_guide() -> str:
    provinces = list(Province.objects.select_related("successor").order_by("code"))
    today = "; ".join(f"{p.code} = {p.name}" for p in provinces if p.is_current)
    ended = "; ".join(
        f"{p.code} = {p.name} (nay thuộc {p.current.name})" for p in provinces if not p.is_current
    )
    text = f"Tỉnh, thành phố hiện nay (QĐ 19/2025/QĐ-TTg): {today}."
    if ended:
        text += (
            " Mã của tỉnh đã hợp nhất chỉ dùng cho văn bản ban hành trước ngày hợp nhất "
            f"(1/7/2025): {ended}."
        )
    return text


def _code(obj) -> str | None:
    return obj.code if obj is not None else None


def _str(value) -> str:
    return "" if value is None else str(value)


def _text(value) -> str | None:
    """Return a code or label cell as text (a province code typed as the number 93 is "93")."""
    return None if value is None else str(value)


# Export


def plan_workbook(plan: Plan | None) -> xlsx.ReportFile:
    """Return the new-plan workbook: empty with its guide, or filled with `plan` whole."""
    workbook = xlsx.new_workbook(plan.short_name if plan else "")
    xlsx.write_pairs(workbook, GUIDE_SHEET, ["Mục", "Nội dung"], [24, 120], _guide_rows())
    PLAN.write(workbook, _plan_fields(plan) if plan is not None else {})
    loaded = _Loaded.of(plan) if plan is not None else None
    for sheet in SHEETS:
        sheet.table.write(workbook, sheet.rows(loaded) if loaded is not None else [])
    name = f"Văn bản {plan.slug}" if plan else "Mẫu văn bản mới"
    return xlsx.ReportFile(xlsx.save(workbook), f"{name}.xlsx")


def _plan_fields(plan: Plan) -> dict:
    named = {"province", "issuing_body", "supersedes"}
    fields = {c.field: getattr(plan, c.field) for c in PLAN.fields if c.field not in named}
    supersedes = plan.supersedes.order_by("first_year", "slug").values_list("slug", flat=True)
    return fields | {
        "province": plan.province.code,
        "issuing_body": _code(plan.issuing_body),
        "supersedes": SLUG_SEPARATOR.join(supersedes) or None,
    }


@dataclass
class _Loaded:
    """An existing plan's rows, fetched once for every sheet that lists them."""

    plan: Plan
    sections: list[Section]
    indicators: list[Indicator]
    projects: list[Project]
    lines: list[BudgetLine]
    duties: list[Responsibility]

    @classmethod
    def of(cls, plan: Plan) -> "_Loaded":
        order = ("position", "code")
        return cls(
            plan,
            list(plan.sections.select_related("parent", "sector").order_by(*order)),
            list(
                plan.indicators.select_related("section", "concept")
                .prefetch_related("targets")
                .order_by(*order)
            ),
            list(plan.projects.select_related("parent", "section", "lead_agency").order_by(*order)),
            list(
                plan.budget_lines.select_related("section", "sector", "project")
                .prefetch_related("allocations__source")
                .order_by(*order)
            ),
            list(plan.responsibilities.select_related("agency", "section").order_by(*order)),
        )


def _record(obj, table: xlsx.Table, **values) -> dict:
    """Return `obj` as a row of `table`: each column's attribute, a related object by code."""
    record = {}
    for column in table.columns:
        value = values[column.field] if column.field in values else getattr(obj, column.field)
        record[column.field] = value.code if isinstance(value, models.Model) else value
    return record


def _agency_rows(loaded: _Loaded) -> list[dict]:
    used = [
        loaded.plan.issuing_body,
        *(p.lead_agency for p in loaded.projects),
        *(d.agency for d in loaded.duties),
    ]
    agencies = (
        Agency.objects.filter(pk__in={a.pk for a in used if a})
        .select_related("province", "successor")
        .order_by("code")
    )
    return [
        _record(a, AGENCIES, succeeded_on=a.succeeded_on.isoformat() if a.succeeded_on else None)
        for a in agencies
    ]


def _section_rows(loaded: _Loaded) -> list[dict]:
    return [_record(s, SECTIONS) for s in loaded.sections]


def _indicator_rows(loaded: _Loaded) -> list[dict]:
    return [
        _record(
            i,
            INDICATORS,
            allows_negative=YES if i.allows_negative else NO,
            baseline_source=i.baseline_source or None,
        )
        for i in loaded.indicators
    ]


def _target_rows(loaded: _Loaded) -> list[dict]:
    return [
        _record(t, TARGETS, indicator=i.code)
        for i in loaded.indicators
        for t in sorted(i.targets.all(), key=lambda t: t.year)
    ]


def _project_rows(loaded: _Loaded) -> list[dict]:
    return [_record(p, PROJECTS) for p in loaded.projects]


def _line_rows(loaded: _Loaded) -> list[dict]:
    return [_record(b, BUDGET_LINES) for b in loaded.lines]


def _allocation_rows(loaded: _Loaded) -> list[dict]:
    return [
        _record(a, ALLOCATIONS, line=b.code)
        for b in loaded.lines
        for a in sorted(
            b.allocations.all(), key=lambda a: (a.year_from, a.year_to, a.source.position)
        )
    ]


def _stated_total_rows(loaded: _Loaded) -> list[dict]:
    totals = loaded.plan.stated_totals.select_related("section", "source").order_by("code")
    return [_record(s, STATED_TOTALS) for s in totals]


def _duty_rows(loaded: _Loaded) -> list[dict]:
    return [_record(d, DUTIES) for d in loaded.duties]


# Import


@dataclass
class NewPlanPreview:
    slug: str = ""
    title: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    supersedes: list[Plan] = field(default_factory=list)  # the plans it will supersede
    errors: list[str] = field(default_factory=list)
    payload: str = ""


class _Refused(Exception):
    pass


def _clean(value):
    """Return a cell's value as JSON-safe data: text stripped, numbers kept as numbers.

    The difference matters: a numeric cell 339850 is that number, while the text "339.850"
    is Vietnamese notation for the same number and must go through the Vietnamese reader.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        # A number beyond what a cell holds (1e308 and more reads as infinity): kept as the
        # text it shows, which no field reads as a number, so the file is refused by name.
        return str(value)
    if isinstance(value, float) and value == int(value):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def new_plan_preview(upload, *, user) -> NewPlanPreview:
    """Read a new-plan workbook, try creating the plan in a rolled-back transaction, report.

    `user` uploads it: the plan must be of a province they may enter figures for, and so must
    every plan it names as superseded.
    """
    preview = NewPlanPreview()
    try:
        books = xlsx.open_workbook(upload)
    except xlsx.UploadRefused as refused:
        preview.errors.extend(refused.messages)
        return preview
    fields = PLAN.read(books, preview.errors) or {}
    plan_fields = {name: _clean(value) for name, value in fields.items()}
    data = {"plan": plan_fields | {"_rows": _plan_field_rows(books)}, "sheets": {}}
    for sheet in SHEETS:
        rows = _read_rows(sheet.table, books, preview.errors)
        if rows is not None:
            data["sheets"][sheet.table.title] = rows
    if preview.errors:
        return preview
    preview.slug = data["plan"].get("slug") or ""
    preview.title = data["plan"].get("title") or ""
    try:
        with transaction.atomic():
            made = _create(data, preview.errors, user)
            preview.counts, preview.supersedes = made.counts, made.superseded
            transaction.set_rollback(True)  # a preview writes nothing
    except _Refused:
        pass
    if not preview.errors:
        preview.payload = signing.dumps(data, salt=SIGNING_SALT, compress=True)
    return preview


def _plan_field_rows(books) -> dict[str, int]:
    """Return the row of each field on the plan sheet as uploaded, to place its errors."""
    if PLAN.title not in books.values.sheetnames:
        return {}
    fields = {column.header: column.field for column in PLAN.fields}
    rows = {}
    sheet = books.values[PLAN.title]
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=1), start=2):
        label = xlsx.text(cells[0].value) if cells else ""
        if label in fields:
            rows[fields[label]] = number  # as FieldSheet.read: the last of a repeated label
    return rows


def _read_rows(table: xlsx.Table, books, errors: list[str]) -> list[dict] | None:
    """Return a sheet's rows as cleaned values by field, with "_row" and "_percent" noted."""
    rows = table.read(books, errors)
    if rows is None:
        return None
    records = []
    for row in rows:
        row.refuse_unset_formulas(row.cells, errors)
        record = {"_row": row.number}
        for name, cell in row.cells.items():
            record[name] = _clean(cell.value)
            if cell.percent:
                # 0.95 in a cell shown as "95%": the reader of the column decides.
                record.setdefault("_percent", []).append(name)
        records.append(record)
    return records


def new_plan_create(payload: str, *, user) -> Plan:
    """Create the plan a confirmed preview showed, in one transaction; `user` confirms it.

    Every check of the preview runs again: what `user` may do, or the plans named as
    superseded, may have changed since.
    """
    data = signing.loads(payload, salt=SIGNING_SALT, max_age=60 * 60 * 24)
    errors: list[str] = []
    try:
        with transaction.atomic():
            _create(data, errors, user)
    except _Refused as exc:
        raise ValidationError(errors) from exc
    except IntegrityError as exc:
        # Two confirms of one preview at once: the second waits on the first's new rows, then
        # finds them; say so instead of showing the database's error.
        raise ValidationError(
            _("The plan “%(slug)s” was created meanwhile, by another confirmation of this file.")
            % {"slug": data["plan"]["slug"]}
        ) from exc
    return Plan.objects.get(slug=data["plan"]["slug"])


class _Reader:
    """Turn the cleaned values of one row into field values, collecting errors."""

    def __init__(self, errors: list[str], sheet, row: dict, number: int):
        self.errors, self.sheet, self.row, self.number = errors, sheet, row, number

    def save(self, obj):
        """Save `obj` validated, unless this or an earlier row failed; refuse the file then."""
        if self.errors:
            raise _Refused
        return _full_clean_save(obj, self.errors, self.sheet.title, self.number)

    def where(self, name) -> str:
        return xlsx.where(self.sheet.title, self.number, self.sheet.header_of(name))

    def fail(self, name, message):
        self.errors.append(f"{self.where(name)}: {message}")

    def text(self, name) -> str:
        return _str(self.row.get(name))

    def integer(self, name):
        value = self.row.get(name)
        if value is None:
            return None
        try:
            return int(Decimal(str(value)))
        except Exception:  # noqa: BLE001
            self.fail(name, _("a whole number is expected, not «%(value)s».") % {"value": value})
            return None

    def choice(self, name, choices, default=None):
        value = _text(self.row.get(name))
        if value is None:
            return default
        for code, label in choices:
            if value == code or value.lower() == str(label).lower():
                return code
        self.fail(
            name,
            _("«%(value)s» is not one of: %(choices)s.")
            % {"value": value, "choices": _choices(choices)},
        )
        return default

    def yes_no(self, name, default: bool) -> bool:
        text = _text(self.row.get(name))
        if text is None:
            return default
        if text.strip().lower() in _YES_WORDS:
            return True
        if text.strip().lower() in _NO_WORDS:
            return False
        self.fail(
            name,
            _("«%(value)s» is neither “%(yes)s” nor “%(no)s”.")
            % {"value": text, "yes": YES, "no": NO},
        )
        return default

    def figure(self, name, rule: FigureRule) -> Decimal | None:
        """Return the number in the cell `name`, read as `rule` says; None when blank."""
        cell = xlsx.CellValue(self.row.get(name), percent=name in self.row.get("_percent", ()))
        return xlsx.cell_figure(cell, rule=rule, where=self.where(name), errors=self.errors)

    def phrase(self, indicator) -> str:
        """Return a target as printed; a number cell is written the Vietnamese way ("0,85")."""
        value = self.row["phrase"]
        if not isinstance(value, int | float):
            return _str(value)
        number = Decimal(str(value))
        if "phrase" not in self.row.get("_percent", ()):
            return figure_text(number)
        if indicator is not None and not is_percent_unit(indicator.unit):
            self.fail("phrase", FigureRule.for_indicator(indicator).percent_format_refused())
            raise _Refused
        return f"{figure_text(number * 100)}%"

    def lookup(self, name, table: dict, what):
        value = _text(self.row.get(name))
        if value is None:
            return None
        found = table.get(value)
        if found is None:
            self.fail(name, _("unknown %(what)s “%(code)s”.") % {"what": what, "code": value})
        return found


class _PlanReader(_Reader):
    """The reader of the plan sheet, one field a row: each field has the row it was on."""

    def where(self, name) -> str:
        number = self.row.get("_rows", {}).get(name, self.number)
        return xlsx.where(self.sheet.title, number, self.sheet.header_of(name))


def _full_clean_save(obj, errors, sheet, row):
    try:
        obj.full_clean()
        obj.save()
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                errors.append(f"{xlsx.where(sheet, row, field_name)}: {message}")
        raise _Refused from exc
    except IntegrityError as exc:
        errors.append(f"{xlsx.where(sheet, row, '-')}: {exc}")
        raise _Refused from exc
    return obj


@dataclass
class _Made:
    """What the import has found or made so far, by code, for later rows to refer to."""

    user: object  # who uploads: what they may do decides what may be created
    provinces: dict[str, Province]
    sectors: dict[str, Sector]
    sources: dict[str, FundingSource]
    concepts: dict[str, IndicatorConcept]
    agencies: dict[str, Agency]
    plan: Plan | None = None
    superseded: list[Plan] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    lines: dict[str, BudgetLine] = field(default_factory=dict)

    @classmethod
    def load(cls, user) -> "_Made":
        return cls(
            user,
            {p.code: p for p in Province.objects.select_related("successor")},
            {s.code: s for s in Sector.objects.all()},
            {s.code: s for s in FundingSource.objects.all()},
            {c.code: c for c in IndicatorConcept.objects.all()},
            {a.code: a for a in Agency.objects.all()},
        )


def _create(data, errors, user) -> _Made:
    """Create everything `data` describes; raise _Refused at the first row that fails."""
    sheets = data["sheets"]
    made = _Made.load(user)
    _create_agencies(sheets.get(AGENCIES.title, []), made, errors)
    made.plan = _create_plan(data["plan"], made, errors)
    counts = made.counts
    for sheet in SHEETS:
        rows = sheets.get(sheet.table.title, [])
        for row in rows if sheet.build is not None else []:
            read = _Reader(errors, sheet.table, row, row["_row"])
            obj = read.save(sheet.build(read, made))
            if sheet.key:
                getattr(made, sheet.key)[obj.code] = obj
        if sheet.counts_as is not None:
            counts[str(sheet.counts_as._meta.verbose_name_plural)] = len(rows)
    return made


def _create_agencies(rows: list[dict], made: _Made, errors: list[str]) -> None:
    """Create the agencies not yet known, then link successors; known agencies are kept."""
    agencies = made.agencies
    for row in rows:
        read = _Reader(errors, AGENCIES, row, row["_row"])
        if _text(row["code"]) in agencies:
            continue  # reference data already here is kept as it is
        agency = Agency(
            code=read.text("code"),
            name=read.text("name"),
            short_name=read.text("short_name"),
            kind=read.choice("kind", Agency.Kind.choices, Agency.Kind.OTHER),
            province=read.lookup("province", made.provinces, _("province")),
            succeeded_on=row["succeeded_on"],
        )
        agencies[agency.code] = read.save(agency)
    for row in rows:
        agency = agencies.get(row["code"])
        if row["successor"] and agency and not agency.successor_id:
            successor = agencies.get(row["successor"])
            if successor:
                agency.successor = successor
                agency.save(update_fields=["successor"])


def _create_plan(fields: dict, made: _Made, errors: list[str]) -> Plan:
    read = _PlanReader(errors, PLAN, fields, 0)
    if Plan.objects.filter(slug=read.text("slug")).exists():
        errors.append(
            _("A plan with the code “%(slug)s” already exists.") % {"slug": fields.get("slug")}
        )
        raise _Refused
    province = read.lookup("province", made.provinces, _("province"))
    plan = Plan(
        slug=read.text("slug"),
        province=province,
        kind=read.choice("kind", Plan.Kind.choices),
        document_number=read.text("document_number"),
        title=read.text("title"),
        issued_year=read.integer("issued_year"),
        issued_month=read.integer("issued_month"),
        issued_day=read.integer("issued_day"),
        issuing_body=read.lookup("issuing_body", made.agencies, _("agency")),
        signer=read.text("signer"),
        first_year=read.integer("first_year"),
        last_year=read.integer("last_year"),
        horizon_year=read.integer("horizon_year"),
        based_on=read.text("based_on"),
        source_file=read.text("source_file"),
    )
    if province is None and not errors:
        read.fail("province", _("the province is required."))
    if province is not None:
        _check_province(read, plan, province, made.user)
    superseded = _superseded_plans(read, made.user)
    if errors:
        raise _Refused
    plan = read.save(plan)
    _supersede(superseded, plan, made.user)
    made.superseded = superseded
    return plan


def _check_province(read: _Reader, plan: Plan, province: Province, user) -> None:
    """Refuse a province the uploader may not enter figures for, or one ended before the plan.

    A plan issued or starting after a province's merger belongs to the unit it joined: the
    plans of that unit's users (plans.access) and the province's old code stay apart.
    """
    if not access.allows(user, province.pk, access.Action.ENTER):
        read.fail(
            "province",
            _("you may not add plans of %(province)s.") % {"province": province.name},
        )
        return
    merged_on = province.merged_on
    if province.successor_id and merged_on and _after(plan, merged_on):
        today = province.current
        read.fail(
            "province",
            _(
                "%(province)s was merged into %(successor)s on %(date)s: a plan issued or "
                "starting after that day belongs to %(current)s; use the province code "
                "“%(code)s”."
            )
            % {
                # "Cần Thơ (trước 1/7/2025)" when the unit it joined has its name
                "province": province.label if today.name == province.name else province.name,
                "successor": province.successor.name,
                "date": f"{merged_on.day}/{merged_on.month}/{merged_on.year}",
                "current": today.name,
                "code": today.code,
            },
        )


def _after(plan: Plan, day: datetime.date) -> bool:
    """Return whether `plan` starts in a later year than `day` or was issued on `day` or later.

    A partial issue date counts from its earliest day: "7/2025" is on or after 1/7/2025.
    """
    if plan.first_year is not None and plan.first_year > day.year:
        return True
    if plan.issued_year is None:
        return False
    month = plan.issued_month if plan.issued_month in range(1, 13) else 1
    try:
        issued = datetime.date(plan.issued_year, month, plan.issued_day or 1)
    except ValueError:  # a day the month lacks is reported by Plan.clean
        issued = datetime.date(plan.issued_year, month, 1)
    return issued >= day


def _superseded_plans(read: _Reader, user) -> list[Plan]:
    """Return the plans the plan sheet names as superseded, locked; record why one cannot be.

    Each must exist, lie within what `user` may enter figures for (a plan beyond it is
    reported as not found, not revealed), and not be superseded already.
    """
    value = _text(read.row.get("supersedes"))
    slugs = [slug for slug in dict.fromkeys(re.split(r"[;,\s]+", value or "")) if slug]
    if not slugs:
        return []
    found = Plan.objects.select_for_update().in_bulk(slugs, field_name="slug")
    plans = []
    for slug in slugs:
        plan = found.get(slug)
        if plan is None or not access.allows(user, plan.province_id, access.Action.ENTER):
            read.fail(
                "supersedes",
                _("there is no plan “%(slug)s” among those you may update.") % {"slug": slug},
            )
        elif plan.superseded_by_id:
            read.fail(
                "supersedes",
                _("the plan “%(slug)s” is already superseded by “%(other)s”.")
                % {"slug": slug, "other": plan.superseded_by.slug},
            )
        else:
            plans.append(plan)
    return plans


def _supersede(plans: list[Plan], plan: Plan, user) -> None:
    """Mark `plans` superseded by `plan`, each change in their history with who and why."""
    reason = _("superseded by “%(slug)s”, imported from a workbook") % {"slug": plan.slug}
    for old in plans:
        old.superseded_by = plan
        old._change_reason = reason
        if user is not None and user.is_authenticated:
            old._history_user = user  # also outside a request (commands, tests)
        old.save(update_fields=["superseded_by"])


def _section(read: _Reader, made: _Made) -> Section:
    return Section(
        plan=made.plan,
        code=read.text("code"),
        number=read.text("number"),
        title=read.text("title"),
        parent=read.lookup("parent", made.sections, _("section")),
        sector=read.lookup("sector", made.sectors, _("sector")),
        position=read.integer("position") or 0,
    )


def _indicator(read: _Reader, made: _Made) -> Indicator:
    direction_choices = Indicator._meta.get_field("direction").choices
    indicator = Indicator(
        plan=made.plan,
        code=read.text("code"),
        name=read.text("name"),
        scope=read.text("scope"),
        unit=read.text("unit"),
        section=read.lookup("section", made.sections, _("section")),
        kind=read.choice("kind", Indicator.Kind.choices, Indicator.Kind.QUANTITATIVE),
        direction=read.choice("direction", direction_choices, "higher"),
        aggregation=read.choice("aggregation", Indicator.Aggregation.choices, "level"),
        baseline_year=read.integer("baseline_year"),
        baseline_source=read.text("baseline_source"),
        due_year=read.integer("due_year"),
        concept=read.lookup("concept", made.concepts, _("indicator concept")),
        position=read.integer("position") or 0,
    )
    # Blank as the migration set existing plans: yearly rates may fall below zero.
    indicator.allows_negative = read.yes_no(
        "allows_negative",
        default=indicator.aggregation == Indicator.Aggregation.YEARLY_RATE,
    )
    indicator.baseline_value = read.figure("baseline_value", FigureRule.for_indicator(indicator))
    return indicator


def _target(read: _Reader, made: _Made) -> Target:
    indicator = read.lookup("indicator", made.indicators, _("indicator"))
    if indicator is None:
        # An unknown code is already reported by lookup(); a blank one is reported here.
        if _text(read.row.get("indicator")) is None:
            read.fail("indicator", _("a target needs the code of its indicator."))
        raise _Refused
    phrase = read.phrase(indicator)
    try:
        # Figures in the indicator's unit: "từ 1 Gbps trở lên" on Mbps is stored as 1.000.
        reading = read_target_in_unit(phrase, indicator.unit)
    except (TargetPhraseError, UnitMismatch) as exc:
        read.fail("phrase", str(exc))
        raise _Refused from exc
    note = read.text("note")
    # "trên 80% hộ gia đình có nhu cầu": what the figure counts is kept, not lost.
    if reading.qualifier and reading.qualifier not in f"{note} {indicator.scope}":
        note = f"{note} {reading.qualifier}".strip()
    return Target(
        indicator=indicator,
        year=read.integer("year"),
        period_start=read.integer("period_start"),
        phrase=phrase,
        comparator=reading.comparator,
        value=reading.value,
        upper_value=reading.upper_value,
        unit=reading.unit,
        note=note,
    )


def _project(read: _Reader, made: _Made) -> Project:
    return Project(
        plan=made.plan,
        code=read.text("code"),
        number=read.text("number"),
        name=read.text("name"),
        parent=read.lookup("parent", made.projects, _("project")),
        section=read.lookup("section", made.sections, _("section")),
        lead_agency=read.lookup("lead_agency", made.agencies, _("agency")),
        lead_agency_printed=read.text("lead_agency_printed"),
        content=read.text("content"),
        first_year=read.integer("first_year"),
        last_year=read.integer("last_year"),
        period_printed=read.text("period_printed"),
        position=read.integer("position") or 0,
    )


def _budget_line(read: _Reader, made: _Made) -> BudgetLine:
    return BudgetLine(
        plan=made.plan,
        code=read.text("code"),
        name=read.text("name"),
        section=read.lookup("section", made.sections, _("section")),
        sector=read.lookup("sector", made.sectors, _("sector")),
        project=read.lookup("project", made.projects, _("project")),
        printed_unit=read.choice(
            "printed_unit", BudgetLine.PrintedUnit.choices, BudgetLine.PrintedUnit.MILLION
        ),
        position=read.integer("position") or 0,
    )


def _allocation(read: _Reader, made: _Made) -> Allocation:
    line = read.lookup("line", made.lines, _("budget line"))
    source = read.lookup("source", made.sources, _("funding source"))
    printed_unit = line.printed_unit if line else BudgetLine.PrintedUnit.MILLION
    # Amounts are checked as printed; converted to triệu đồng, they may gain places.
    amount = read.figure("amount_printed", FigureRule.for_money(printed_unit, places=None))
    return Allocation(
        line=line,
        source=source,
        year_from=read.integer("year_from"),
        year_to=read.integer("year_to"),
        amount=amount * UNIT_FACTORS[line.printed_unit] if amount is not None and line else None,
        amount_printed=read.text("amount_printed"),
    )


def _stated_total(read: _Reader, made: _Made) -> StatedTotal:
    amount = read.figure("amount", FigureRule.for_money("triệu đồng", places=MONEY_PLACES))
    return StatedTotal(
        plan=made.plan,
        code=read.text("code"),
        label=read.text("label"),
        phrase=read.text("phrase"),
        section=read.lookup("section", made.sections, _("section")),
        year_from=read.integer("year_from"),
        year_to=read.integer("year_to"),
        source=read.lookup("source", made.sources, _("funding source")),
        amount=amount,
    )


def _duty(read: _Reader, made: _Made) -> Responsibility:
    return Responsibility(
        plan=made.plan,
        code=read.text("code"),
        duties=read.text("duties"),
        agency=read.lookup("agency", made.agencies, _("agency")),
        role=read.choice("role", Responsibility.Role.choices, Responsibility.Role.LEAD),
        section=read.lookup("section", made.sections, _("section")),
        position=read.integer("position") or 0,
    )


@dataclass(frozen=True)
class PlanSheet:
    """One sheet of the new-plan workbook: its table, its rows from a plan, its row builder."""

    table: xlsx.Table
    rows: Callable[[_Loaded], list[dict]]
    build: Callable[[_Reader, _Made], models.Model] | None = None
    key: str | None = None  # where `_Made` keeps the built objects by code for later sheets
    counts_as: type[models.Model] | None = None  # the preview counts this sheet's rows


# In this order: each sheet refers only to codes of the sheets before it.
SHEETS = (
    PlanSheet(AGENCIES, _agency_rows),  # created before the plan, by _create_agencies
    PlanSheet(SECTIONS, _section_rows, _section, key="sections", counts_as=Section),
    PlanSheet(INDICATORS, _indicator_rows, _indicator, key="indicators", counts_as=Indicator),
    PlanSheet(TARGETS, _target_rows, _target, counts_as=Target),
    PlanSheet(PROJECTS, _project_rows, _project, key="projects", counts_as=Project),
    PlanSheet(BUDGET_LINES, _line_rows, _budget_line, key="lines", counts_as=BudgetLine),
    PlanSheet(ALLOCATIONS, _allocation_rows, _allocation, counts_as=Allocation),
    PlanSheet(STATED_TOTALS, _stated_total_rows, _stated_total),
    PlanSheet(DUTIES, _duty_rows, _duty, counts_as=Responsibility),
)

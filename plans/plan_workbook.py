"""The new-plan workbook: a documented template from which an administrator creates a whole
plan, and the same layout exported from an existing plan (so a plan can move between portals).

Every sheet has one header row of Vietnamese column names; choice columns take the code or
the Vietnamese label; targets are given as printed phrases and read by the target reader;
amounts are given as printed, in the line's printed unit, and converted to triệu đồng.
A cell typed "95%" holds 0.95 with a percent format: it is 95 on an indicator in %, and
refused on any other indicator and on amounts.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from budgets.models import (
    MONEY_PLACES,
    UNIT_FACTORS,
    Allocation,
    BudgetLine,
    FundingSource,
    StatedTotal,
)
from indicators.forms import FigureRule, figure_text, is_percent_unit
from indicators.models import Indicator, IndicatorConcept, Target
from indicators.targets import TargetPhraseError, read_target_in_unit
from indicators.units import UnitMismatch
from plans import workbooks
from plans.imports import (
    CellValue,
    UploadRefused,
    _cell,
    _where,
    cell_figure,
    open_workbook,
    read_table,
)
from plans.models import Agency, Plan, Project, Province, Responsibility, Section, Sector

SIGNING_SALT = "ictplan.new-plan"

# (sheet, [(column header, field name)]) in the order they are written and read.
PLAN_FIELDS = [
    ("Mã văn bản (slug)", "slug"),
    ("Mã tỉnh", "province"),
    ("Loại văn bản", "kind"),
    ("Số hiệu", "document_number"),
    ("Tiêu đề", "title"),
    ("Năm ban hành", "issued_year"),
    ("Tháng ban hành", "issued_month"),
    ("Ngày ban hành", "issued_day"),
    ("Mã cơ quan ban hành", "issuing_body"),
    ("Người ký", "signer"),
    ("Năm đầu", "first_year"),
    ("Năm cuối", "last_year"),
    ("Năm định hướng", "horizon_year"),
    ("Trạng thái", "status"),
    ("Căn cứ", "based_on"),
    ("Tệp văn bản gốc", "source_file"),
]
SHEETS = {
    "Cơ quan": [
        ("Mã", "code"),
        ("Tên", "name"),
        ("Tên viết tắt", "short_name"),
        ("Loại", "kind"),
        ("Mã tỉnh", "province"),
        ("Mã cơ quan kế thừa", "successor"),
        ("Ngày kế thừa", "succeeded_on"),
    ],
    "Phần mục": [
        ("Mã", "code"),
        ("Mã phần cha", "parent"),
        ("Số thứ tự", "number"),
        ("Tiêu đề", "title"),
        ("Lĩnh vực", "sector"),
        ("Thứ tự", "position"),
    ],
    "Chỉ tiêu": [
        ("Mã", "code"),
        ("Mã phần mục", "section"),
        ("Tên", "name"),
        ("Phạm vi", "scope"),
        ("Đơn vị", "unit"),
        ("Loại", "kind"),
        ("Chiều đánh giá", "direction"),
        ("Cách cộng số liệu", "aggregation"),
        ("Giá trị gốc", "baseline_value"),
        ("Năm gốc", "baseline_year"),
        ("Năm hoàn thành", "due_year"),
        ("Mã chỉ tiêu dùng chung", "concept"),
        ("Thứ tự", "position"),
        ("Cho phép số âm", "allows_negative"),
        ("Nguồn số liệu gốc", "baseline_source"),
    ],
    "Mục tiêu": [
        ("Mã chỉ tiêu", "indicator"),
        ("Năm", "year"),
        ("Nguyên văn", "phrase"),
        ("Ghi chú", "note"),
        ("Áp dụng từ năm", "period_start"),
    ],
    "Dự án": [
        ("Mã", "code"),
        ("Mã nhiệm vụ cha", "parent"),
        ("Mã phần mục", "section"),
        ("Số thứ tự", "number"),
        ("Tên", "name"),
        ("Mã cơ quan chủ trì", "lead_agency"),
        ("Cơ quan chủ trì (nguyên văn)", "lead_agency_printed"),
        ("Nội dung", "content"),
        ("Năm đầu", "first_year"),
        ("Năm cuối", "last_year"),
        ("Thời gian (nguyên văn)", "period_printed"),
        ("Thứ tự", "position"),
    ],
    "Đầu tư": [
        ("Mã hạng mục", "code"),
        ("Tên", "name"),
        ("Mã phần mục", "section"),
        ("Lĩnh vực", "sector"),
        ("Mã dự án", "project"),
        ("Đơn vị in trong văn bản", "printed_unit"),
        ("Thứ tự", "position"),
    ],
    "Kế hoạch vốn": [
        ("Mã hạng mục", "line"),
        ("Từ năm", "year_from"),
        ("Đến năm", "year_to"),
        ("Nguồn vốn", "source"),
        ("Số tiền (nguyên văn)", "amount_printed"),
    ],
    "Tổng số nêu trong văn bản": [
        ("Mã", "code"),
        ("Nội dung", "label"),
        ("Mã phần mục", "section"),
        ("Từ năm", "year_from"),
        ("Đến năm", "year_to"),
        ("Nguồn vốn", "source"),
        ("Số tiền (triệu đồng)", "amount"),
        ("Nguyên văn", "phrase"),
    ],
    "Phân công": [
        ("Mã", "code"),
        ("Mã cơ quan", "agency"),
        ("Vai trò", "role"),
        ("Mã phần mục", "section"),
        ("Nhiệm vụ (nguyên văn)", "duties"),
        ("Thứ tự", "position"),
    ],
}
# Columns added after workbooks were first handed out: a file without them still imports,
# each blank as its default.
OPTIONAL_COLUMNS = {"Cho phép số âm", "Nguồn số liệu gốc", "Áp dụng từ năm"}
PLAN_SHEET = "Văn bản"
GUIDE_SHEET = "Hướng dẫn"
YES, NO = "có", "không"
_YES_WORDS = {YES, "c", "x", "yes", "y", "true", "1"}
_NO_WORDS = {NO, "k", "no", "n", "false", "0"}


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
        ("Trạng thái", _choices(Plan.Status.choices)),
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


def _code(obj) -> str:
    return obj.code if obj is not None else None


def plan_workbook(plan: Plan | None) -> workbooks.ReportFile:
    """Return the new-plan workbook: empty with its guide, or filled with `plan` whole."""
    workbook = workbooks._new_workbook()
    guide = workbooks.Sheet(workbook, GUIDE_SHEET, [24, 120])
    guide.header(["Mục", "Nội dung"])
    for label, text in _guide_rows():
        guide.append([guide.cell(label, bold=True), guide.cell(text, wrap=True)])
    sheet = workbooks.Sheet(workbook, PLAN_SHEET, [28, 80])
    sheet.header(["Trường", "Giá trị"])
    for label, name in PLAN_FIELDS:
        value = None
        if plan is not None:
            value = getattr(plan, name)
            if name == "province":
                value = plan.province.code
            elif name == "issuing_body":
                value = _code(plan.issuing_body)
        sheet.append([sheet.cell(label, bold=True), sheet.cell(value, wrap=True, fmt="0")])
    rows = _rows_of(plan) if plan is not None else {}
    for title, columns in SHEETS.items():
        sheet = workbooks.Sheet(workbook, title, [22] * len(columns))
        sheet.header([header for header, _name in columns])
        for row in rows.get(title, []):
            sheet.append(
                [
                    sheet.cell(row.get(name), fmt="@" if name.endswith("printed") else None)
                    for _header, name in columns
                ]
            )
    name = f"Văn bản {plan.slug}" if plan else "Mẫu văn bản mới"
    return workbooks.ReportFile(workbooks.save(workbook), f"{name}.xlsx")


def _rows_of(plan: Plan) -> dict[str, list[dict]]:
    sections = list(plan.sections.select_related("parent", "sector").order_by("position", "code"))
    indicators = list(
        plan.indicators.select_related("section", "concept")
        .prefetch_related("targets")
        .order_by("position", "code")
    )
    projects = list(
        plan.projects.select_related("parent", "section", "lead_agency").order_by(
            "position", "code"
        )
    )
    lines = list(
        plan.budget_lines.select_related("section", "sector", "project")
        .prefetch_related("allocations__source")
        .order_by("position", "code")
    )
    duties = list(
        plan.responsibilities.select_related("agency", "section").order_by("position", "code")
    )
    agencies = {
        a.pk: a
        for a in [
            plan.issuing_body,
            *(p.lead_agency for p in projects),
            *(d.agency for d in duties),
        ]
        if a
    }
    return {
        "Cơ quan": [
            {
                "code": a.code,
                "name": a.name,
                "short_name": a.short_name,
                "kind": a.kind,
                "province": a.province.code if a.province_id else None,
                "successor": a.successor.code if a.successor_id else None,
                "succeeded_on": a.succeeded_on.isoformat() if a.succeeded_on else None,
            }
            for a in Agency.objects.filter(pk__in=agencies)
            .select_related("province", "successor")
            .order_by("code")
        ],
        "Phần mục": [
            {
                "code": s.code,
                "parent": _code(s.parent),
                "number": s.number,
                "title": s.title,
                "sector": _code(s.sector),
                "position": s.position,
            }
            for s in sections
        ],
        "Chỉ tiêu": [
            {
                "code": i.code,
                "section": _code(i.section),
                "name": i.name,
                "scope": i.scope,
                "unit": i.unit,
                "kind": i.kind,
                "direction": i.direction,
                "aggregation": i.aggregation,
                "baseline_value": i.baseline_value,
                "baseline_year": i.baseline_year,
                "due_year": i.due_year,
                "concept": _code(i.concept),
                "position": i.position,
                "allows_negative": YES if i.allows_negative else NO,
                "baseline_source": i.baseline_source or None,
            }
            for i in indicators
        ],
        "Mục tiêu": [
            {
                "indicator": i.code,
                "year": t.year,
                "phrase": t.phrase,
                "note": t.note,
                "period_start": t.period_start,
            }
            for i in indicators
            for t in sorted(i.targets.all(), key=lambda t: t.year)
        ],
        "Dự án": [
            {
                "code": p.code,
                "parent": _code(p.parent),
                "section": _code(p.section),
                "number": p.number,
                "name": p.name,
                "lead_agency": _code(p.lead_agency),
                "lead_agency_printed": p.lead_agency_printed,
                "content": p.content,
                "first_year": p.first_year,
                "last_year": p.last_year,
                "period_printed": p.period_printed,
                "position": p.position,
            }
            for p in projects
        ],
        "Đầu tư": [
            {
                "code": b.code,
                "name": b.name,
                "section": _code(b.section),
                "sector": _code(b.sector),
                "project": _code(b.project),
                "printed_unit": b.printed_unit,
                "position": b.position,
            }
            for b in lines
        ],
        "Kế hoạch vốn": [
            {
                "line": b.code,
                "year_from": a.year_from,
                "year_to": a.year_to,
                "source": a.source.code,
                "amount_printed": a.amount_printed,
            }
            for b in lines
            for a in sorted(
                b.allocations.all(), key=lambda a: (a.year_from, a.year_to, a.source.position)
            )
        ],
        "Tổng số nêu trong văn bản": [
            {
                "code": s.code,
                "label": s.label,
                "section": _code(s.section),
                "year_from": s.year_from,
                "year_to": s.year_to,
                "source": _code(s.source),
                "amount": s.amount,
                "phrase": s.phrase,
            }
            for s in plan.stated_totals.select_related("section", "source").order_by("code")
        ],
        "Phân công": [
            {
                "code": d.code,
                "agency": d.agency.code,
                "role": d.role,
                "section": _code(d.section),
                "duties": d.duties,
                "position": d.position,
            }
            for d in duties
        ],
    }


@dataclass
class NewPlanPreview:
    slug: str = ""
    title: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    payload: str = ""


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
    if isinstance(value, float) and value == int(value):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _str(value) -> str:
    return "" if value is None else str(value)


def _text(value) -> str | None:
    """Return a code or label cell as text (a province code typed as the number 93 is "93")."""
    return None if value is None else str(value)


def new_plan_preview(upload) -> NewPlanPreview:
    """Read a new-plan workbook, try creating the plan in a rolled-back transaction, report."""
    preview = NewPlanPreview()
    try:
        books = open_workbook(upload)
    except UploadRefused as refused:
        preview.errors.extend(refused.messages)
        return preview
    data = {"plan": {}, "sheets": {}}
    if PLAN_SHEET not in books.values.sheetnames:
        preview.errors.append(_("The sheet “%(sheet)s” is missing.") % {"sheet": PLAN_SHEET})
    else:
        labels = dict(PLAN_FIELDS)
        for row in books.values[PLAN_SHEET].iter_rows(min_row=2, max_col=2):
            label = _clean(row[0].value)
            if label in labels:
                data["plan"][labels[label]] = _clean(row[1].value)
    for title, columns in SHEETS.items():
        required = [header for header, _name in columns if header not in OPTIONAL_COLUMNS]
        table = read_table(books, title, required, preview.errors)
        if table is None:
            continue
        rows = []
        for number, cells in table.rows:
            row = {"_row": number}
            for header, name in columns:
                cell = _cell(table, cells, header)
                if cell.unset_formula:
                    preview.errors.append(
                        f"{_where(title, number, header)}: "
                        + _(
                            "the formula has no computed value; "
                            "open the file in Excel, save it, and upload again, or type the value."
                        )
                    )
                row[name] = _clean(cell.value)
                if cell.percent:
                    # 0.95 in a cell shown as "95%": the reader of the column decides.
                    row.setdefault("_percent", []).append(name)
            rows.append(row)
        data["sheets"][title] = rows
    if preview.errors:
        return preview
    preview.slug = data["plan"].get("slug") or ""
    preview.title = data["plan"].get("title") or ""
    try:
        with transaction.atomic():
            preview.counts = _create(data, preview.errors)
            transaction.set_rollback(True)  # a preview writes nothing
    except _Refused:
        pass
    if not preview.errors:
        preview.payload = signing.dumps(data, salt=SIGNING_SALT, compress=True)
    return preview


class _Refused(Exception):
    pass


def new_plan_create(payload: str) -> Plan:
    """Create the plan a confirmed preview showed, in one transaction."""
    data = signing.loads(payload, salt=SIGNING_SALT, max_age=60 * 60 * 24)
    errors: list[str] = []
    try:
        with transaction.atomic():
            _create(data, errors)
    except _Refused as exc:
        raise ValidationError(errors) from exc
    return Plan.objects.get(slug=data["plan"]["slug"])


class _Reader:
    """Turn the cleaned cell values of one row into field values, collecting errors."""

    def __init__(self, errors, sheet, row):
        self.errors, self.sheet, self.row = errors, sheet, row

    def save(self, obj):
        """Save `obj` validated, unless this or an earlier row failed; refuse the file then."""
        if self.errors:
            raise _Refused
        return _full_clean_save(obj, self.errors, self.sheet, self.row)

    def fail(self, column, message):
        self.errors.append(f"{_where(self.sheet, self.row, column)}: {message}")

    def integer(self, value, column):
        if value is None:
            return None
        try:
            return int(Decimal(str(value)))
        except Exception:  # noqa: BLE001
            self.fail(column, _("a whole number is expected, not «%(value)s».") % {"value": value})
            return None

    def choice(self, value, choices, column, default=None):
        value = _text(value)
        if value is None:
            return default
        for code, label in choices:
            if value == code or value.lower() == str(label).lower():
                return code
        self.fail(
            column,
            _("«%(value)s» is not one of: %(choices)s.")
            % {"value": value, "choices": _choices(choices)},
        )
        return default

    def yes_no(self, value, column, default: bool) -> bool:
        text = _text(value)
        if text is None:
            return default
        if text.strip().lower() in _YES_WORDS:
            return True
        if text.strip().lower() in _NO_WORDS:
            return False
        self.fail(
            column,
            _("«%(value)s» is neither “%(yes)s” nor “%(no)s”.")
            % {"value": text, "yes": YES, "no": NO},
        )
        return default

    def figure(self, row, name, column, rule: FigureRule) -> Decimal | None:
        """Return the number in the row's cell `name`, read as `rule` says; None when blank."""
        cell = CellValue(row.get(name), percent=name in row.get("_percent", ()))
        return cell_figure(
            cell, rule=rule, where=_where(self.sheet, self.row, column), errors=self.errors
        )

    def phrase(self, row, indicator) -> str:
        """Return a target as printed; a number cell is written the Vietnamese way ("0,85")."""
        value = row["phrase"]
        if not isinstance(value, int | float):
            return _str(value)
        number = Decimal(str(value))
        if "phrase" not in row.get("_percent", ()):
            return figure_text(number)
        if indicator is not None and not is_percent_unit(indicator.unit):
            self.fail("Nguyên văn", FigureRule.for_indicator(indicator).percent_format_refused())
            raise _Refused
        return f"{figure_text(number * 100)}%"

    def lookup(self, value, table: dict, column, what):
        value = _text(value)
        if value is None:
            return None
        found = table.get(value)
        if found is None:
            self.fail(column, _("unknown %(what)s “%(code)s”.") % {"what": what, "code": value})
        return found


def _full_clean_save(obj, errors, sheet, row):
    try:
        obj.full_clean()
        obj.save()
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                errors.append(f"{_where(sheet, row, field_name)}: {message}")
        raise _Refused from exc
    except IntegrityError as exc:
        errors.append(f"{_where(sheet, row, '-')}: {exc}")
        raise _Refused from exc
    return obj


def _create(data, errors) -> dict[str, int]:
    """Create everything `data` describes; raise _Refused at the first row that fails."""
    sheets = data["sheets"]
    provinces = {p.code: p for p in Province.objects.all()}
    sectors = {s.code: s for s in Sector.objects.all()}
    sources = {s.code: s for s in FundingSource.objects.all()}
    concepts = {c.code: c for c in IndicatorConcept.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}

    for row in sheets.get("Cơ quan", []):
        read = _Reader(errors, "Cơ quan", row["_row"])
        if _text(row["code"]) in agencies:
            continue  # reference data already here is kept as it is
        agency = Agency(
            code=_str(row["code"]),
            name=_str(row["name"]),
            short_name=_str(row["short_name"]),
            kind=read.choice(row["kind"], Agency.Kind.choices, "Loại", Agency.Kind.OTHER),
            province=read.lookup(row["province"], provinces, "Mã tỉnh", _("province")),
            succeeded_on=row["succeeded_on"],
        )
        agencies[agency.code] = read.save(agency)
    for row in sheets.get("Cơ quan", []):
        if (
            row["successor"]
            and agencies.get(row["code"])
            and not agencies[row["code"]].successor_id
        ):
            successor = agencies.get(row["successor"])
            if successor:
                agencies[row["code"]].successor = successor
                agencies[row["code"]].save(update_fields=["successor"])

    fields = data["plan"]
    read = _Reader(errors, PLAN_SHEET, 0)
    if Plan.objects.filter(slug=_str(fields.get("slug"))).exists():
        errors.append(
            _("A plan with the code “%(slug)s” already exists.") % {"slug": fields.get("slug")}
        )
        raise _Refused
    province = read.lookup(fields.get("province"), provinces, "Mã tỉnh", _("province"))
    plan = Plan(
        slug=_str(fields.get("slug")),
        province=province,
        kind=read.choice(fields.get("kind"), Plan.Kind.choices, "Loại văn bản"),
        document_number=_str(fields.get("document_number")),
        title=_str(fields.get("title")),
        issued_year=read.integer(fields.get("issued_year"), "Năm ban hành"),
        issued_month=read.integer(fields.get("issued_month"), "Tháng ban hành"),
        issued_day=read.integer(fields.get("issued_day"), "Ngày ban hành"),
        issuing_body=read.lookup(
            fields.get("issuing_body"), agencies, "Mã cơ quan ban hành", _("agency")
        ),
        signer=_str(fields.get("signer")),
        first_year=read.integer(fields.get("first_year"), "Năm đầu"),
        last_year=read.integer(fields.get("last_year"), "Năm cuối"),
        horizon_year=read.integer(fields.get("horizon_year"), "Năm định hướng"),
        status=read.choice(
            fields.get("status"), Plan.Status.choices, "Trạng thái", Plan.Status.IN_FORCE
        ),
        based_on=_str(fields.get("based_on")),
        source_file=_str(fields.get("source_file")),
    )
    if errors or province is None:
        if province is None and not errors:
            errors.append(f"{_where(PLAN_SHEET, 0, 'Mã tỉnh')}: " + _("the province is required."))
        raise _Refused
    _full_clean_save(plan, errors, PLAN_SHEET, 0)

    sections = {}
    for row in sheets.get("Phần mục", []):
        read = _Reader(errors, "Phần mục", row["_row"])
        section = Section(
            plan=plan,
            code=_str(row["code"]),
            number=_str(row["number"]),
            title=_str(row["title"]),
            parent=read.lookup(row["parent"], sections, "Mã phần cha", _("section")),
            sector=read.lookup(row["sector"], sectors, "Lĩnh vực", _("sector")),
            position=read.integer(row["position"], "Thứ tự") or 0,
        )
        sections[section.code] = read.save(section)

    indicators = {}
    for row in sheets.get("Chỉ tiêu", []):
        read = _Reader(errors, "Chỉ tiêu", row["_row"])
        indicator = Indicator(
            plan=plan,
            code=_str(row["code"]),
            name=_str(row["name"]),
            scope=_str(row["scope"]),
            unit=_str(row["unit"]),
            section=read.lookup(row["section"], sections, "Mã phần mục", _("section")),
            kind=read.choice(
                row["kind"], Indicator.Kind.choices, "Loại", Indicator.Kind.QUANTITATIVE
            ),
            direction=read.choice(
                row["direction"],
                Indicator._meta.get_field("direction").choices,
                "Chiều đánh giá",
                "higher",
            ),
            aggregation=read.choice(
                row["aggregation"], Indicator.Aggregation.choices, "Cách cộng số liệu", "level"
            ),
            baseline_year=read.integer(row["baseline_year"], "Năm gốc"),
            baseline_source=_str(row.get("baseline_source")),
            due_year=read.integer(row["due_year"], "Năm hoàn thành"),
            concept=read.lookup(
                row["concept"], concepts, "Mã chỉ tiêu dùng chung", _("indicator concept")
            ),
            position=read.integer(row["position"], "Thứ tự") or 0,
        )
        # Blank as the migration set existing plans: yearly rates may fall below zero.
        indicator.allows_negative = read.yes_no(
            row.get("allows_negative"),
            "Cho phép số âm",
            default=indicator.aggregation == Indicator.Aggregation.YEARLY_RATE,
        )
        indicator.baseline_value = read.figure(
            row, "baseline_value", "Giá trị gốc", FigureRule.for_indicator(indicator)
        )
        indicators[indicator.code] = read.save(indicator)

    for row in sheets.get("Mục tiêu", []):
        read = _Reader(errors, "Mục tiêu", row["_row"])
        indicator = read.lookup(row["indicator"], indicators, "Mã chỉ tiêu", _("indicator"))
        phrase = read.phrase(row, indicator)
        try:
            # Figures in the indicator's unit: "từ 1 Gbps trở lên" on Mbps is stored as 1.000.
            reading = read_target_in_unit(phrase, indicator.unit)
        except (TargetPhraseError, UnitMismatch) as exc:
            read.fail("Nguyên văn", str(exc))
            raise _Refused from exc
        note = _str(row["note"])
        # "trên 80% hộ gia đình có nhu cầu": what the figure counts is kept, not lost.
        if reading.qualifier and reading.qualifier not in f"{note} {indicator.scope}":
            note = f"{note} {reading.qualifier}".strip()
        read.save(
            Target(
                indicator=indicator,
                year=read.integer(row["year"], "Năm"),
                period_start=read.integer(row.get("period_start"), "Áp dụng từ năm"),
                phrase=phrase,
                comparator=reading.comparator,
                value=reading.value,
                upper_value=reading.upper_value,
                unit=reading.unit,
                note=note,
            ),
        )

    projects = {}
    for row in sheets.get("Dự án", []):
        read = _Reader(errors, "Dự án", row["_row"])
        project = Project(
            plan=plan,
            code=_str(row["code"]),
            number=_str(row["number"]),
            name=_str(row["name"]),
            parent=read.lookup(row["parent"], projects, "Mã nhiệm vụ cha", _("project")),
            section=read.lookup(row["section"], sections, "Mã phần mục", _("section")),
            lead_agency=read.lookup(
                row["lead_agency"], agencies, "Mã cơ quan chủ trì", _("agency")
            ),
            lead_agency_printed=_str(row["lead_agency_printed"]),
            content=_str(row["content"]),
            first_year=read.integer(row["first_year"], "Năm đầu"),
            last_year=read.integer(row["last_year"], "Năm cuối"),
            period_printed=_str(row["period_printed"]),
            position=read.integer(row["position"], "Thứ tự") or 0,
        )
        projects[project.code] = read.save(project)

    lines = {}
    for row in sheets.get("Đầu tư", []):
        read = _Reader(errors, "Đầu tư", row["_row"])
        line = BudgetLine(
            plan=plan,
            code=_str(row["code"]),
            name=_str(row["name"]),
            section=read.lookup(row["section"], sections, "Mã phần mục", _("section")),
            sector=read.lookup(row["sector"], sectors, "Lĩnh vực", _("sector")),
            project=read.lookup(row["project"], projects, "Mã dự án", _("project")),
            printed_unit=read.choice(
                row["printed_unit"],
                BudgetLine.PrintedUnit.choices,
                "Đơn vị in trong văn bản",
                BudgetLine.PrintedUnit.MILLION,
            ),
            position=read.integer(row["position"], "Thứ tự") or 0,
        )
        lines[line.code] = read.save(line)

    for row in sheets.get("Kế hoạch vốn", []):
        read = _Reader(errors, "Kế hoạch vốn", row["_row"])
        line = read.lookup(row["line"], lines, "Mã hạng mục", _("budget line"))
        source = read.lookup(row["source"], sources, "Nguồn vốn", _("funding source"))
        printed_unit = line.printed_unit if line else BudgetLine.PrintedUnit.MILLION
        # Amounts are checked as printed; converted to triệu đồng, they may gain places.
        amount = read.figure(
            row,
            "amount_printed",
            "Số tiền (nguyên văn)",
            FigureRule.for_money(printed_unit, places=None),
        )
        read.save(
            Allocation(
                line=line,
                source=source,
                year_from=read.integer(row["year_from"], "Từ năm"),
                year_to=read.integer(row["year_to"], "Đến năm"),
                amount=amount * UNIT_FACTORS[line.printed_unit]
                if amount is not None and line
                else None,
                amount_printed=_str(row["amount_printed"]),
            ),
        )

    for row in sheets.get("Tổng số nêu trong văn bản", []):
        read = _Reader(errors, "Tổng số nêu trong văn bản", row["_row"])
        amount = read.figure(
            row,
            "amount",
            "Số tiền (triệu đồng)",
            FigureRule.for_money("triệu đồng", places=MONEY_PLACES),
        )
        stated = StatedTotal(
            plan=plan,
            code=_str(row["code"]),
            label=_str(row["label"]),
            phrase=_str(row["phrase"]),
            section=read.lookup(row["section"], sections, "Mã phần mục", _("section")),
            year_from=read.integer(row["year_from"], "Từ năm"),
            year_to=read.integer(row["year_to"], "Đến năm"),
            source=read.lookup(row["source"], sources, "Nguồn vốn", _("funding source")),
            amount=amount,
        )
        read.save(stated)

    for row in sheets.get("Phân công", []):
        read = _Reader(errors, "Phân công", row["_row"])
        duty = Responsibility(
            plan=plan,
            code=_str(row["code"]),
            duties=_str(row["duties"]),
            agency=read.lookup(row["agency"], agencies, "Mã cơ quan", _("agency")),
            role=read.choice(
                row["role"], Responsibility.Role.choices, "Vai trò", Responsibility.Role.LEAD
            ),
            section=read.lookup(row["section"], sections, "Mã phần mục", _("section")),
            position=read.integer(row["position"], "Thứ tự") or 0,
        )
        read.save(duty)

    counted = [
        (Section, len(sections)),
        (Indicator, len(indicators)),
        (Target, len(sheets.get("Mục tiêu", []))),
        (Project, len(projects)),
        (BudgetLine, len(lines)),
        (Allocation, len(sheets.get("Kế hoạch vốn", []))),
        (Responsibility, len(sheets.get("Phân công", []))),
    ]
    return {str(model._meta.verbose_name_plural): count for model, count in counted}

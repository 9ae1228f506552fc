"""Excel workbooks the portal writes: plan report, year report, progress template.

Written with openpyxl's write-only mode: rows stream out as they are produced instead of
building every cell object first. Numbers are real numbers with number formats, never text,
so a Vietnamese-locale Excel shows 1.093.410 and 0,85.
"""

import io
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from indicators.models import Actual
from indicators.status_look import LABELS, label_of, look_of

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
PERCENT_FORMAT = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
SUBTOTAL_FONT = Font(bold=True)
THIN = Side(style="thin", color="B7B7B7")
HEADER_BORDER = Border(bottom=THIN)


def number_format(value) -> str:
    if isinstance(value, Decimal | float) and value != int(value):
        return DECIMAL_FORMAT
    return INTEGER_FORMAT


class Sheet:
    """A write-only sheet that keeps count of its rows and styles cells as they are written."""

    def __init__(self, workbook: Workbook, title: str, widths: list[int], freeze: str = "A2"):
        self.ws = workbook.create_sheet(title)
        # A write-only sheet writes its view before the first row: freeze panes now.
        self.ws.freeze_panes = freeze
        self.rows = 0
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def cell(self, value, *, bold=False, fill=None, fmt=None, wrap=False):
        if isinstance(value, Decimal):
            value = float(value) if value != int(value) else int(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            cell.number_format = fmt or number_format(value)
        elif fmt:
            cell.number_format = fmt
        if bold:
            cell.font = SUBTOTAL_FONT
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def header(self, titles: list[str]) -> None:
        cells = []
        for title in titles:
            cell = WriteOnlyCell(self.ws, value=title)
            cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, HEADER_BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cells.append(cell)
        self.append(cells)

    def append(self, values) -> int:
        self.ws.append([v if isinstance(v, Cell) else self.cell(v) for v in values])
        self.rows += 1
        return self.rows


def status_cell(sheet: Sheet, code: str) -> WriteOnlyCell:
    """Return a cell naming the status in words, coloured as on the dashboard."""
    return sheet.cell(label_of(code), fill=look_of(code).fill)


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _new_workbook() -> Workbook:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "ictplan"
    return workbook


@dataclass
class ReportFile:
    content: bytes
    filename: str


def plan_report(dashboard) -> ReportFile:
    """Return the plan report workbook: summary, indicators, investment, projects, duties."""
    plan = dashboard.plan
    workbook = _new_workbook()
    _summary_sheet(workbook, dashboard)
    _indicator_sheet(workbook, dashboard)
    _investment_sheet(workbook, dashboard)
    _projects_sheet(workbook, dashboard)
    _duties_sheet(workbook, dashboard)
    _chart_sheet(workbook, dashboard)
    name = _("Report %(plan)s") % {"plan": plan.document_number or plan.slug}
    return ReportFile(save(workbook), f"{safe_filename(name)}.xlsx")


def safe_filename(name: str) -> str:
    """Return `name` usable as a file name: Vietnamese letters kept, separators replaced."""
    return "".join("-" if ch in '\\/:*?"<>|' else ch for ch in name).strip()


def _summary_sheet(workbook, dashboard):
    plan = dashboard.plan
    sheet = Sheet(workbook, "Tổng hợp", [34, 80])
    sheet.header([_("Item"), _("Value")])
    rows = [
        (_("Province"), str(plan.province)),
        (_("Document number"), plan.document_number or _("not printed")),
        (_("Title"), plan.title),
        (_("Issued"), plan.issued_display),
        (_("Issuing body"), plan.issuing_body.name if plan.issuing_body else ""),
        (_("Period"), f"{plan.first_year}–{plan.last_year}"),
        (_("Horizon year"), str(plan.horizon_year or "")),
        (_("Status"), plan.get_status_display()),
        (_("Exported at"), timezone.localtime().strftime("%d/%m/%Y %H:%M")),
    ]
    for label, value in rows:
        sheet.append([sheet.cell(label, bold=True), sheet.cell(value, wrap=True)])
    sheet.append([])
    sheet.append([sheet.cell(_("Indicators by status"), bold=True), None])
    counts = Counter(progress.status_code for progress in dashboard.progresses)
    for code in LABELS:  # best first, as on the home page
        if counts[code]:
            sheet.append([status_cell(sheet, code), counts[code]])


def _indicator_sheet(workbook, dashboard):
    milestone_years = sorted({t.year for p in dashboard.progresses for t in p.targets})
    actual_years = sorted({y for p in dashboard.progresses for y in p.actuals})
    titles = [
        _("Code"),
        _("Indicator"),
        _("Section"),
        _("Scope"),
        _("Unit"),
        *[_("Target %(year)s") % {"year": y} for y in milestone_years],
        *[_("Actual %(year)s") % {"year": y} for y in actual_years],
        _("Status"),
        _("Year judged"),
        _("% of target"),
    ]
    widths = [10, 50, 28, 18, 12] + [16] * (len(milestone_years) + len(actual_years)) + [18, 10, 12]
    sheet = Sheet(workbook, "Chỉ tiêu", widths, freeze="C2")
    sheet.header(titles)
    for progress in dashboard.progresses:
        indicator = progress.indicator
        targets = {t.year: t.phrase for t in progress.targets}
        assessment = progress.status.assessment if progress.status else None
        percent = (
            assessment.percent / 100 if assessment and assessment.percent is not None else None
        )
        row = [
            indicator.code,
            sheet.cell(indicator.name, wrap=True),
            str(indicator.section or ""),
            indicator.scope,
            indicator.unit,
            *[targets.get(y, "") for y in milestone_years],
        ]
        for year in actual_years:
            actual = progress.actuals.get(year)
            if actual is None:
                row.append(None)
            elif actual.value is not None:
                row.append(actual.value)
            else:
                row.append(actual.get_progress_display())
        row += [
            status_cell(sheet, progress.status_code),
            progress.as_of,
            sheet.cell(percent, fmt=PERCENT_FORMAT) if percent is not None else None,
        ]
        sheet.append(row)
    sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{sheet.rows}"


def _investment_sheet(workbook, dashboard):
    sheet = Sheet(workbook, "Đầu tư", [50, 18, 14, 18, 18])
    sheet.header(
        [
            _("Budget line"),
            _("Funding source"),
            _("Year or period"),
            _("Planned (million VND)"),
            _("Disbursed (million VND)"),
        ]
    )
    subtotal_rows = []
    for item in dashboard.lines:
        # (source, period) -> [planned, disbursed]; None where nothing is recorded.
        periods = {}
        for allocation in item.line.allocations.all():
            cell = periods.setdefault((allocation.source, allocation.span_display), [None, None])
            cell[0] = (cell[0] or Decimal(0)) + allocation.amount
        for disbursement in item.line.disbursements.all():
            cell = periods.setdefault((disbursement.source, str(disbursement.year)), [None, None])
            cell[1] = (cell[1] or Decimal(0)) + disbursement.amount
        first = sheet.rows + 1
        for (source, period), (planned, disbursed) in sorted(
            periods.items(), key=lambda kv: (kv[0][0].position, kv[0][1])
        ):
            sheet.append(
                [
                    sheet.cell(item.line.name, wrap=True),
                    source.short_name,
                    period,
                    planned,
                    disbursed,
                ]
            )
        last = sheet.rows
        if last < first:
            continue
        # SUBTOTAL(9, …) sums and is skipped by enclosing SUBTOTALs, so the grand total
        # below does not count these rows twice. Excel recalculates them on opening.
        sheet.append(
            [
                sheet.cell(_("Subtotal: %(line)s") % {"line": item.line.name}, bold=True),
                None,
                None,
                sheet.cell(f"=SUBTOTAL(9,D{first}:D{last})", bold=True, fmt=INTEGER_FORMAT),
                sheet.cell(f"=SUBTOTAL(9,E{first}:E{last})", bold=True, fmt=INTEGER_FORMAT),
            ]
        )
        subtotal_rows.append(sheet.rows)
    if subtotal_rows:
        end = sheet.rows
        sheet.append(
            [
                sheet.cell(_("Total"), bold=True),
                None,
                None,
                sheet.cell(f"=SUBTOTAL(9,D2:D{end})", bold=True, fmt=INTEGER_FORMAT),
                sheet.cell(f"=SUBTOTAL(9,E2:E{end})", bold=True, fmt=INTEGER_FORMAT),
            ]
        )
    for stated in dashboard.stated_totals:
        sheet.append([])
        sheet.append(
            [
                sheet.cell(
                    _("Stated in the text: %(phrase)s") % {"phrase": stated.phrase}, wrap=True
                ),
                None,
                None,
                stated.amount,
                None,
            ]
        )


def _projects_sheet(workbook, dashboard):
    sheet = Sheet(workbook, "Dự án", [8, 60, 36, 14, 60])
    sheet.header([_("Number"), _("Project / task"), _("Lead agency"), _("Period"), _("Content")])
    for project in dashboard.projects:
        lead = project.lead_agency_printed or (
            project.lead_agency.name if project.lead_agency else ""
        )
        sheet.append(
            [
                sheet.cell(project.number, bold=not project.parent_id),
                sheet.cell(project.name, wrap=True, bold=not project.parent_id),
                sheet.cell(lead, wrap=True),
                project.period_printed,
                sheet.cell(project.content, wrap=True),
            ]
        )


def _duties_sheet(workbook, dashboard):
    sheet = Sheet(workbook, "Phân công", [40, 14, 100])
    sheet.header([_("Agency"), _("Role"), _("Duties as printed")])
    for agency, duties in dashboard.duties_by_agency:
        for duty in duties:
            sheet.append(
                [
                    sheet.cell(agency.name, wrap=True),
                    duty.get_role_display(),
                    sheet.cell(duty.duties, wrap=True),
                ]
            )


CHARTS_AT_MOST = 12


def _chart_sheet(workbook, dashboard):
    """Add native line charts of actual against the target path for indicators with figures."""
    charted = [
        p
        for p in dashboard.progresses
        if not p.indicator.is_qualitative
        and p.targets
        and any(a.value is not None for a in p.actuals.values())
    ][:CHARTS_AT_MOST]
    if not charted:
        return
    sheet = Sheet(workbook, "Biểu đồ", [10, 16, 16])
    first_year = dashboard.plan.first_year
    for progress in charted:
        indicator = progress.indicator
        last_year = max(t.year for t in progress.targets)
        years = list(range(first_year, last_year + 1))
        title_row = sheet.append([sheet.cell(f"{indicator.code}. {indicator.name}", bold=True)])
        header_row = sheet.append([_("Year"), _("Target path"), _("Actual")])
        # The same path and figures as the status and the web chart: increments cumulative.
        figures = progress.figures
        for year in years:
            sheet.append([year, progress.expected_in(year), figures.get(year)])
        chart = LineChart()
        chart.title = f"{indicator.code} ({indicator.unit})" if indicator.unit else indicator.code
        chart.y_axis.title = indicator.unit
        chart.x_axis.title = _("Year")
        chart.height, chart.width = 7, 16
        data = Reference(sheet.ws, min_col=2, max_col=3, min_row=header_row, max_row=sheet.rows)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(
            Reference(sheet.ws, min_col=1, min_row=header_row + 1, max_row=sheet.rows)
        )
        sheet.ws.add_chart(chart, f"E{title_row}")
        for _padding in range(max(0, 15 - len(years) - 2)):
            sheet.append([])


def year_report(province, year: int, rows) -> ReportFile:
    """Return the year view of a province as a workbook (the yearly report to the UBND)."""
    workbook = _new_workbook()
    sheet = Sheet(workbook, f"Năm {year}", [36, 12, 56, 18, 26, 16, 10, 18, 12], freeze="D2")
    sheet.header(
        [
            _("Plan"),
            _("Code"),
            _("Indicator"),
            _("Scope"),
            _("Target"),
            _("Actual"),
            _("Unit"),
            _("Status"),
            _("% of target"),
        ]
    )
    for row in rows:
        progress = row.progress
        assessment = progress.status.assessment if progress.status else None
        percent = (
            assessment.percent / 100 if assessment and assessment.percent is not None else None
        )
        target = ""
        if row.target is not None:
            target = (
                row.target.phrase
                if row.target_is_own
                else _("%(phrase)s (milestone %(year)s)")
                % {"phrase": row.target.phrase, "year": row.target.year}
            )
        figure = progress.status.figure if progress.status else None
        sheet.append(
            [
                sheet.cell(row.plan.document_number or row.plan.title, wrap=True),
                progress.indicator.code,
                sheet.cell(progress.indicator.name, wrap=True),
                progress.indicator.scope,
                target,
                figure,
                progress.indicator.unit,
                status_cell(sheet, progress.status_code),
                sheet.cell(percent, fmt=PERCENT_FORMAT) if percent is not None else None,
            ]
        )
    if sheet.rows > 1:
        sheet.ws.auto_filter.ref = f"A1:I{sheet.rows}"
    name = _("Report %(province)s %(year)s") % {"province": province.name, "year": year}
    return ReportFile(save(workbook), f"{safe_filename(name)}.xlsx")


# Column headers of the progress template; the upload reads columns by these names.
PROGRESS_INFO_SHEET = "Thông tin"
PROGRESS_INDICATOR_SHEET = "Chỉ tiêu"
PROGRESS_BUDGET_SHEET = "Giải ngân"
PROGRESS_INDICATOR_COLUMNS = [
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Phạm vi",
    "Đơn vị",
    "Mục tiêu",
    "Thực hiện năm trước",
    "Thực hiện",
    "Tiến độ (định tính)",
    "Ghi chú",
    "Minh chứng",
]
PROGRESS_BUDGET_COLUMNS = [
    "Mã hạng mục",
    "Hạng mục",
    "Mã nguồn vốn",
    "Nguồn vốn",
    "Kế hoạch (triệu đồng)",
    "Giải ngân (triệu đồng)",
]
PROGRESS_CHOICES_HINT = ", ".join(str(label) for _code, label in Actual.Progress.choices)


def progress_template(plan, year: int, entry_groups, budget_rows) -> ReportFile:
    """Return the workbook staff fill in for a plan and year, pre-filled with what is known."""
    workbook = _new_workbook()
    info = Sheet(workbook, PROGRESS_INFO_SHEET, [24, 80])
    info.header(["Mục", "Giá trị"])
    for label, value in (
        ("Mã văn bản", plan.slug),
        ("Năm", year),
        ("Văn bản", str(plan)),
        ("Tỉnh", str(plan.province)),
        (
            "Hướng dẫn",
            "Nhập số theo cách viết tiếng Việt (1.234,5) hoặc nhập số trực tiếp. "
            "Không đổi tên cột, không thêm trang tính. Cột «Tiến độ» chỉ dùng cho mục tiêu định "
            f"tính: {PROGRESS_CHOICES_HINT}.",
        ),
    ):
        info.append([info.cell(label, bold=True), info.cell(value, wrap=True, fmt="0")])
    sheet = Sheet(
        workbook, PROGRESS_INDICATOR_SHEET, [12, 56, 18, 12, 22, 16, 16, 20, 30, 30], freeze="C2"
    )
    sheet.header(PROGRESS_INDICATOR_COLUMNS)
    for group in entry_groups:
        for row in group.rows:
            indicator = row.indicator
            target = ""
            if row.target is not None:
                target = (
                    row.target.phrase
                    if row.target_is_own
                    else (f"{row.target.phrase} (mốc {row.target.year})")
                )
            previous = row.previous
            current = row.current
            sheet.append(
                [
                    indicator.code,
                    sheet.cell(indicator.name, wrap=True),
                    indicator.scope,
                    indicator.unit,
                    target,
                    previous.value if previous and previous.value is not None else None,
                    current.value if current and current.value is not None else None,
                    current.get_progress_display() if current and current.progress else None,
                    current.note if current else None,
                    current.evidence if current else None,
                ]
            )
    budget = Sheet(workbook, PROGRESS_BUDGET_SHEET, [14, 50, 14, 18, 20, 20], freeze="C2")
    budget.header(PROGRESS_BUDGET_COLUMNS)
    for line_row in budget_rows:
        for cell in line_row.cells:
            budget.append(
                [
                    line_row.line.code,
                    budget.cell(line_row.line.name, wrap=True),
                    cell.source.code,
                    cell.source.short_name,
                    cell.planned_total,
                    cell.current.amount if cell.current else None,
                ]
            )
    name = f"Mẫu báo cáo {plan.slug} {year}"
    return ReportFile(save(workbook), f"{name}.xlsx")

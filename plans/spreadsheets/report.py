"""The report workbooks: a plan's report and a province's year report, for people to read.

Status cells carry the dashboard's words and colours; money subtotals are SUBTOTAL formulas
that a spreadsheet recalculates on opening.
"""

from collections import Counter
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.utils import get_column_letter

from indicators.status_look import LABELS, label_of, look_of
from plans.spreadsheets import xlsx


def status_cell(sheet: xlsx.Sheet, code: str) -> WriteOnlyCell:
    """Return a cell naming the status in words, coloured as on the dashboard."""
    return sheet.cell(label_of(code), fill=look_of(code).fill)


def _percent_cell(sheet: xlsx.Sheet, progress) -> Cell | None:
    """Return the share of the target reached as a percent cell, None when not judged."""
    assessment = progress.status.assessment if progress.status else None
    if assessment is None or assessment.percent is None:
        return None
    return sheet.cell(assessment.percent / 100, fmt=xlsx.PERCENT_FORMAT)


def plan_heading(plan) -> str:
    """Return what tops each printed page of a plan's workbooks: the plan and its province,
    short enough to leave the other side of the page header its room."""
    return f"{plan.short_name} — {plan.province.label}"


def plan_report(dashboard, evidence=()) -> xlsx.ReportFile:
    """Return the plan report workbook: summary, indicators, investment, projects, duties,
    charts and the evidence files (indicators.selectors.evidence_rows)."""
    plan = dashboard.plan
    workbook = xlsx.new_workbook(plan_heading(plan))
    _summary_sheet(workbook, dashboard)
    _indicator_sheet(workbook, dashboard)
    _investment_sheet(workbook, dashboard)
    _projects_sheet(workbook, dashboard)
    _duties_sheet(workbook, dashboard)
    _chart_sheet(workbook, dashboard)
    _evidence_sheet(workbook, evidence)
    name = _("Report %(plan)s") % {"plan": plan.document_number or plan.slug}
    return xlsx.ReportFile(xlsx.save(workbook), f"{xlsx.safe_filename(name)}.xlsx")


def _summary_sheet(workbook, dashboard):
    plan = dashboard.plan
    rows = [
        (_("Province"), str(plan.province)),
        (_("Document number"), plan.document_number or _("not printed")),
        (_("Title"), plan.title),
        (_("Issued"), plan.issued_display),
        (_("Issuing body"), plan.issuing_body.name if plan.issuing_body else ""),
        (_("Period"), f"{plan.first_year}–{plan.last_year}"),
        (_("Horizon year"), str(plan.horizon_year or "")),
        (_("Status"), str(plan.status.label)),
        (_("Exported at"), timezone.localtime().strftime("%d/%m/%Y %H:%M")),
    ]
    sheet = xlsx.write_pairs(workbook, "Tổng hợp", [_("Item"), _("Value")], [34, 80], rows)
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
    sheet = xlsx.Sheet(workbook, "Chỉ tiêu", widths, freeze="C2")
    sheet.header(titles)
    for progress in dashboard.progresses:
        indicator = progress.indicator
        targets = {t.year: t.phrase for t in progress.targets}
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
            sheet.year(progress.as_of),
            _percent_cell(sheet, progress),
        ]
        sheet.append(row)
    sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{sheet.rows}"


def _investment_sheet(workbook, dashboard):
    sheet = xlsx.Sheet(workbook, "Đầu tư", [50, 18, 14, 18, 18])
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
        _subtotal_row(sheet, _("Subtotal: %(line)s") % {"line": item.line.name}, first, last)
        subtotal_rows.append(sheet.rows)
    if subtotal_rows:
        end = sheet.rows
        _subtotal_row(sheet, _("Total"), 2, end)
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


def _subtotal_row(sheet: xlsx.Sheet, label: str, first: int, last: int) -> None:
    """Append a bold row summing the planned and disbursed columns of rows first to last."""
    sums = [f"=SUBTOTAL(9,{column}{first}:{column}{last})" for column in "DE"]
    sheet.append(
        [
            sheet.cell(label, bold=True),
            None,
            None,
            *[
                sheet.cell(formula, bold=True, fmt=xlsx.INTEGER_FORMAT, formula=True)
                for formula in sums
            ],
        ]
    )


def _projects_sheet(workbook, dashboard):
    sheet = xlsx.Sheet(workbook, "Dự án", [8, 60, 36, 14, 60, 30, 18, 40])
    sheet.header(
        [
            _("Number"),
            _("Project / task"),
            _("Lead agency"),
            _("Period"),
            _("Content"),
            *_progress_titles(),
        ]
    )
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
                *_progress_cells(sheet, project.progress_shown),
            ]
        )


def _duties_sheet(workbook, dashboard):
    sheet = xlsx.Sheet(workbook, "Phân công", [40, 14, 100, 30, 18, 40])
    sheet.header([_("Agency"), _("Role"), _("Duties as printed"), *_progress_titles()])
    for agency, duties in dashboard.duties_by_agency:
        for duty in duties:
            sheet.append(
                [
                    sheet.cell(agency.name, wrap=True),
                    duty.get_role_display(),
                    sheet.cell(duty.duties, wrap=True),
                    *_progress_cells(sheet, duty.progress_shown),
                ]
            )


def _progress_titles() -> list[str]:
    return [_("Latest progress"), _("Disbursed (million VND)"), _("Progress year by year")]


def _progress_cells(sheet: xlsx.Sheet, progress: list) -> list:
    """Return a project's or duty's latest progress, its money of that year and its years."""
    if not progress:
        return [_("no progress reported"), None, None]
    latest = progress[-1]
    text = f"{latest.state_title} ({latest.year})"
    detail = latest.detail
    years = "; ".join(f"{item.year}: {item.get_state_display()}" for item in progress)
    return [
        sheet.cell(f"{text}: {detail}" if detail else text, wrap=True),
        sheet.cell(latest.disbursed, fmt=xlsx.DECIMAL_FORMAT)
        if latest.disbursed is not None
        else None,
        sheet.cell(years, wrap=True),
    ]


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
    # Each chart has its own small table: no one header row to repeat on every page.
    sheet = xlsx.Sheet(workbook, "Biểu đồ", [10, 16, 16], title_rows=None)
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
            sheet.append([sheet.year(year), progress.expected_in(year), figures.get(year)])
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
        _mark_points(chart)
        sheet.ws.add_chart(chart, f"E{title_row}")
        for _padding in range(max(0, 15 - len(years) - 2)):
            sheet.append([])


def _mark_points(chart: LineChart) -> None:
    """Draw every point with a marker, and label the figures: a series of one year is a visible
    point, not an empty frame. The target path is a dashed line."""
    target, actual = chart.series
    target.marker.symbol, target.marker.size = "diamond", 5
    target.graphicalProperties.line.dashStyle = "dash"
    target.smooth = actual.smooth = False
    actual.marker.symbol, actual.marker.size = "circle", 7
    actual.dLbls = DataLabelList(showVal=True)
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(actual.dLbls, flag, False)
    actual.dLbls.position = "t"


EVIDENCE_SHEET = "Minh chứng"


def _evidence_sheet(workbook, evidence):
    """Add a sheet listing every evidence file, with the portal's (access-checked) download path."""
    sheet = xlsx.Sheet(
        workbook, EVIDENCE_SHEET, [12, 12, 50, 8, 40, 8, 14, 24, 17, 24], freeze="C2"
    )
    sheet.header(
        [
            _("Attached to"),
            _("Code"),
            _("Indicator or budget line"),
            _("Year"),
            _("File name"),
            _("Type"),
            _("Size (bytes)"),
            _("Uploaded by"),
            _("Uploaded at"),
            _("Download (portal address)"),
        ]
    )
    for row in evidence:
        sheet.append(
            [
                _("Disbursement") if row.on_budget else _("Indicator"),
                row.code,
                sheet.cell(row.subject, wrap=True),
                sheet.cell(row.year, fmt=xlsx.PLAIN_FORMAT),
                sheet.cell(row.name, wrap=True),
                row.extension.upper(),
                sheet.cell(row.size, fmt=xlsx.INTEGER_FORMAT),
                row.uploaded_by,
                # Excel has no time zones: the time as read in Việt Nam, without its offset.
                sheet.cell(
                    timezone.localtime(row.uploaded_at).replace(tzinfo=None),
                    fmt="dd/mm/yyyy hh:mm",
                ),
                row.download_path,
            ]
        )
    if sheet.rows > 1:
        sheet.ws.auto_filter.ref = f"A1:J{sheet.rows}"


def year_report(province, year: int, rows) -> xlsx.ReportFile:
    """Return the year view of a province as a workbook (the yearly report to the UBND)."""
    workbook = xlsx.new_workbook(f"{province.label} — {_('year')} {year}")
    sheet = xlsx.Sheet(workbook, f"Năm {year}", [36, 12, 56, 18, 26, 16, 10, 18, 12], freeze="D2")
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
        target = ""
        if row.target is not None:
            target = (
                row.target.phrase
                if row.target_is_own
                else _("%(phrase)s (milestone %(year)s)")
                % {"phrase": row.target.phrase, "year": row.target.year}
            )
        figure = progress.status.figure if progress.status else None
        plan_name = row.plan.document_number or row.plan.title
        if row.plan.province_id != province.pk:  # a plan of a province merged into this one
            plan_name = f"{plan_name} — {row.plan.province.label}"
        sheet.append(
            [
                sheet.cell(plan_name, wrap=True),
                progress.indicator.code,
                sheet.cell(progress.indicator.name, wrap=True),
                progress.indicator.scope,
                target,
                figure,
                progress.indicator.unit,
                status_cell(sheet, progress.status_code),
                _percent_cell(sheet, progress),
            ]
        )
    if sheet.rows > 1:
        sheet.ws.auto_filter.ref = f"A1:I{sheet.rows}"
    name = _("Report %(province)s %(year)s") % {"province": province.name, "year": year}
    return xlsx.ReportFile(xlsx.save(workbook), f"{xlsx.safe_filename(name)}.xlsx")

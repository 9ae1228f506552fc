"""The comparison of one shared indicator across provinces, as a workbook that prints.

The same series as the compare page (plans.dashboards.concept_comparison): a row per plan's
indicator measuring the concept, grouped by today's province, each year's target as printed
and figure in the concept's unit; a series whose unit does not convert says so.
"""

from django.utils.translation import gettext as _

from plans.spreadsheets import xlsx

SHEET = "So sánh"


def compare_workbook(concept, series, years: list[int]) -> xlsx.ReportFile:
    unit = f" ({concept.unit})" if concept.unit else ""
    workbook = xlsx.new_workbook(f"{concept.name}{unit}")
    widths = [26, 30, 16] + [16, 12] * len(years)
    sheet = xlsx.Sheet(workbook, SHEET, widths, freeze="D2")
    header = [_("Province"), _("Plan"), _("Scope")]
    for year in years:
        header += [_("Target %(year)s") % {"year": year}, str(year)]
    sheet.header(header)
    for item in series:
        plan, indicator = item.plan, item.progress.indicator
        phrases = {target.year: target.phrase for target in item.progress.targets}
        figures = dict(item.actuals_in_concept_unit)
        scope = indicator.scope
        if not item.convertible:
            scope = _("in “%(unit)s”, which does not convert to this comparison's unit") % {
                "unit": indicator.unit
            }
        row = [
            plan.province.label,
            sheet.cell(plan.document_number or plan.title, wrap=True),
            sheet.cell(scope, wrap=True),
        ]
        for year in years:
            row += [phrases.get(year, ""), figures.get(year)]
        sheet.append(row)
    name = xlsx.safe_filename(f"{_('Compare')} {concept.name}")[:120]
    return xlsx.ReportFile(xlsx.save(workbook), f"{name}.xlsx")

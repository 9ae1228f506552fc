"""The compare page's table: each series' row built once, in one pass over its figures.

A concept measured in every province has over a hundred series over fifteen years; looking up
each year's targets and figure inside the template's nested loops cost most of the page. Here
each row becomes one HTML string; every text in it goes through `escape` or `format_html`.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from plans.tables import figure_formatter


@dataclass(frozen=True)
class CompareRow:
    series: object  # plans.dashboards.ConceptSeries
    cells: SafeString  # the row's <th> and <td> elements


def compare_years(series) -> list[int]:
    """Return every year in which a series has a target or a figure, in order."""
    return sorted(
        {y for s in series for y in [*s.progress.actuals, *(t.year for t in s.progress.targets)]}
    )


def compare_rows(series, years: list[int]) -> list[CompareRow]:
    """Return one row per series: its plan, its scope, then each year's target (as printed)
    and figure (in the concept's unit; none when the unit does not convert)."""
    target_div = format_html('<div class="text-success small" title="{}">◆ ', _("target"))
    figure = figure_formatter()
    plan_cells = {}
    rows = []
    for item in series:
        plan = item.plan
        if plan.pk not in plan_cells:
            plan_cells[plan.pk] = _plan_cells(plan)
        phrases = {target.year: target.phrase for target in item.progress.targets}
        figures = dict(item.actuals_in_concept_unit)
        cells = [plan_cells[plan.pk], _scope_cell(item)]
        for year in years:
            cells.append('<td class="num">')
            if year in phrases:
                cells.append(f"{target_div}{escape(phrases[year])}</div>")
            if year in figures:
                cells.append(f"<div>{escape(figure(figures[year]))}</div>")
            cells.append("</td>")
        rows.append(CompareRow(item, mark_safe("".join(cells))))
    return rows


def _plan_cells(plan) -> SafeString:
    province = plan.province
    return format_html(
        '<th scope="row" class="fw-normal">{}{}</th><td class="small"><a href="{}">{}</a></td>',
        province.current,
        ""
        if province.is_current
        else format_html(
            '<div class="small text-muted" data-testid="plan-province">{}</div>',
            _("plan of %(province)s") % {"province": province.label},
        ),
        reverse("plans:plan-dashboard", args=[plan.slug]),
        Truncator(plan.document_number or plan.title).words(6, truncate=" …"),
    )


def _scope_cell(item) -> SafeString:
    indicator = item.progress.indicator
    return format_html(
        "<td>{}{}</td>",
        indicator.scope,
        ""
        if item.convertible
        else format_html(
            '<div class="small text-danger">{}</div>',
            _("in “%(unit)s”, which does not convert to this comparison's unit: not compared")
            % {"unit": indicator.unit},
        ),
    )

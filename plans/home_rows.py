"""The home page's plan rows, each written once in Python.

A national leader's home lists every plan of the country (four per province, 250 and more):
through the template each row cost a few hundred variable lookups and filters, most of the
page's time. Every text from the data goes through `escape`, as the template's autoescape did.
"""

import functools
import sys

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from plans import dashboards, kept_parts
from plans.dashboards import PlanSummary, ProvinceSummaries, home_summaries, source_digest
from plans.models import CountryVersion
from plans.numbers import figure_formatter
from plans.templatetags import figures
from plans.templatetags.figures import status_columns


def plan_rows(group: ProvinceSummaries, columns: list[tuple[str, str, str]]) -> list[SafeString]:
    """Return one <tr> per plan of `group`; `columns` as figures.status_columns gives them."""
    figure = figure_formatter()
    labels = {
        "year": escape(_("Figures of")),
        "qualitative": escape(_("Qualitative objectives done")),
        "money": escape(_("Disbursed / planned (million VND)")),
        "figures": escape(_("Figures")),
        "horizon": escape(_("horizon")),
    }
    # Each status cell's opening tag, written once for all rows.
    status_cells = [
        (code, f'<td class="num" data-status="{escape(code)}" data-label="{escape(f"{s} {w}")}">')
        for code, s, w in columns
    ]
    today = timezone.localdate()
    return [_row(summary, group, status_cells, labels, figure, today) for summary in group.plans]


def _row(summary: PlanSummary, group, status_cells, labels, figure, today) -> SafeString:
    plan = summary.plan
    title = Truncator(plan.title).words(14, truncate=" …")
    name = f"{plan.document_number} — {title}" if plan.document_number else title
    years = f"{plan.first_year}–{plan.last_year}"
    if plan.horizon_year:
        years += f", {labels['horizon']} {plan.horizon_year}"
    origin = ""
    if plan.province_id != group.province.pk:
        origin = f'<span data-testid="plan-province">{escape(plan.province.label)}</span> · '
    counts = "".join(f"{cell}{summary.counts.get(code, '')}</td>" for code, cell in status_cells)
    money = f"{figure(summary.disbursed) or '0'} / {figure(summary.planned) or '0'}"
    if summary.disbursed_percent is not None:
        money += f" ({figure(summary.disbursed_percent)}%)"
    dashboard = reverse("plans:plan-dashboard", args=[plan.slug])
    entry = reverse("indicators:entry", args=[plan.slug, summary.year or plan.first_year])
    year = summary.year if summary.year is not None else "—"
    return mark_safe(
        f'<tr data-plan="{escape(plan.slug)}"><td class="plan-cell">'
        f'<a href="{escape(dashboard)}">{escape(name)}</a><br><small class="text-muted">'
        f"{origin}{years} · {escape(plan.status_on(today).label)}</small></td>"
        f'<td class="num" data-label="{labels["year"]}">{year}</td>{counts}'
        f'<td class="num" data-label="{labels["qualitative"]}">'
        f"{summary.qualitative_done} / {summary.qualitative_total}</td>"
        f'<td class="num" data-label="{labels["money"]}">{escape(money)}</td>'
        f'<td class="d-print-none text-nowrap"><a href="{escape(entry)}">{labels["figures"]}</a>'
        "</td></tr>"
    )


def home_groups(groups: list[ProvinceSummaries], columns) -> list[tuple]:
    """Return (group, its rows) for the home template."""
    return [(group, mark_safe("".join(plan_rows(group, columns)))) for group in groups]


GROUPS_TEMPLATE = "plans/_home_groups.html"


def groups_html(request, *, show_unapproved: bool) -> SafeString:
    """Return the home page's plans, grouped by province of today's map, as HTML.

    For a viewer who reaches every province and sees approved figures, the same for every
    such viewer: kept under the country's version (plans.kept_parts).
    """
    user = request.user
    if kept_parts.reaches_country(user) and not show_unapproved:
        return mark_safe(
            kept_parts.kept(
                "home",
                code=_code(),
                render=lambda: _groups_html(request, show_unapproved=False),
                rests_on=CountryVersion.APPROVED,
            )
        )
    return _groups_html(request, show_unapproved=show_unapproved)


def _groups_html(request, *, show_unapproved: bool) -> SafeString:
    provinces = home_summaries(request.user, show_unapproved=show_unapproved)
    groups = home_groups(provinces, status_columns())
    return render_to_string(GROUPS_TEMPLATE, {"groups": groups}, request)


@functools.cache
def _code() -> str:
    return source_digest(sys.modules[__name__], dashboards, figures, templates=(GROUPS_TEMPLATE,))

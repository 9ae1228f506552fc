"""The plan dashboard's data sections, kept per plan between two changes of its data.

The dashboard judges every year of every indicator of the plan (its table, the "needs
attention" list, a chart per indicator) and sums its money: a few hundred milliseconds for a
plan of 60 indicators, on the page leaders open most. None of it changes until the plan's
figures, targets, indicators, money, projects or duties do, and each of those writes bumps the
plan's data_version (the signals of each app), and its approved_version unless no approved
figure changed. So the sections are rendered once per version of the plan (the approved one
for a page of approved figures only: drafts typed all day leave a leader's page alone) and
kept in DashboardPage; the unfiltered page (with or without draft figures) is
read from there, a filtered or sorted one is rendered fresh and not kept.
"""

import functools
import hashlib
import sys
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from budgets import charts as budget_charts
from indicators import charts as indicator_charts
from plans import dashboards, forms, tables
from plans.models import DashboardPage, Plan, PlanStatusSnapshot
from plans.templatetags import figures as figure_tags

# The query strings whose page is kept: the plain page and the one with draft figures.
KEPT_QUERIES = ("", "figures=all")
ATTENTION_TEMPLATE = "plans/_dashboard_attention.html"
BODY_TEMPLATE = "plans/_dashboard_body.html"


@dataclass(frozen=True)
class DashboardSections:
    """The dashboard's sections that show the plan's data, as HTML."""

    attention: SafeString
    body: SafeString


def dashboard_sections(request, plan: Plan, *, statuses, show_unapproved) -> DashboardSections:
    """Return the data sections of `plan`'s dashboard as `request` asks for them.

    Queries for the unfiltered page: one read when kept, otherwise the dashboard's own (a
    fixed number) and one write.
    """
    query = request.GET.urlencode()
    if query not in KEPT_QUERIES:
        return _render(request, plan, statuses, show_unapproved)
    key = {"scope": dashboards.scope_of(statuses), "language": get_language(), "query": query}
    fingerprint = _fingerprint(plan, **key)
    kept = (
        DashboardPage.objects.filter(plan=plan, fingerprint=fingerprint, **key)
        .values_list("attention", "body")
        .first()
    )
    if kept:
        return DashboardSections(*(mark_safe(html) for html in kept))
    sections = _render(request, plan, statuses, show_unapproved)
    DashboardPage.objects.bulk_create(
        [
            DashboardPage(
                plan=plan,
                fingerprint=fingerprint,
                attention=str(sections.attention),
                body=str(sections.body),
                **key,
            )
        ],
        update_conflicts=True,
        unique_fields=["plan", "scope", "language", "query"],
        update_fields=["fingerprint", "attention", "body", "computed_at"],
    )
    return sections


def shown_records(request, plan: Plan, *, statuses) -> tuple[list[dict], list[int]]:
    """Return the indicator table's records as the request filters and sorts them, and the
    plan's years: what the table's export writes."""
    dashboard, _filters, table = _judged(request, plan, statuses)
    return [row.record for row in table.rows], dashboard.years


def _judged(request, plan, statuses):
    """Return the plan's dashboard, the filter form and the indicator table the request asks
    for."""
    dashboard = dashboards.plan_dashboard(plan, statuses=statuses)
    records = tables.indicator_records(dashboard.progresses, dashboard.years)
    filters = forms.IndicatorFilterForm(request.GET or None, records=records)
    table = tables.indicator_rows(filters.apply(records), dashboard.years, request.GET)
    return dashboard, filters, table


def _render(request, plan, statuses, show_unapproved) -> DashboardSections:
    dashboard, filters, table = _judged(request, plan, statuses)
    charts = [
        {
            "id": f"chart-{row.record['pk']}",
            "code": row.record["code"],
            "name": row.record["name"],
            "figure": indicator_charts.indicator_figure(
                row.record["progress"], first_year=plan.first_year
            ),
            "summary": indicator_charts.indicator_chart_summary(row.record["progress"]),
        }
        for row in table.rows
        if not row.record["progress"].indicator.is_qualitative
    ]
    budget_figure = (
        budget_charts.budget_figure(dashboard.budget_cells) if dashboard.budget_cells else None
    )
    # One JSON blob for every chart of the page, keyed by the id of the element drawing it.
    figures = {chart["id"]: chart["figure"] for chart in charts}
    if budget_figure:
        figures["budget-chart"] = budget_figure
    context = {
        "plan": plan,
        "dashboard": dashboard,
        "table": table,
        "filters": filters,
        "charts": charts,
        "figures": figures,
        "budget_figure": budget_figure,
        "planned_total": budget_charts.total(dashboard.budget_cells, "planned"),
        "disbursed_total": budget_charts.total(dashboard.budget_cells, "disbursed"),
        "show_unapproved": show_unapproved,
    }
    return DashboardSections(
        attention=render_to_string(ATTENTION_TEMPLATE, context, request),
        body=render_to_string(BODY_TEMPLATE, context, request),
    )


def _fingerprint(plan: Plan, *, scope: str, language: str, query: str) -> str:
    digest = hashlib.sha256(
        f"{dashboards.RULES_FINGERPRINT}|{code()}|{scope}|{language}|{query}".encode()
    )
    version = plan.version_for(approved_only=scope == PlanStatusSnapshot.Scope.APPROVED)
    digest.update(repr([*plan.shown_values(), version]).encode())
    return digest.hexdigest()


@functools.cache
def code() -> str:
    """Return a digest of the code and templates that render the sections (computed on first
    use: templates load once the apps are ready)."""
    modules = (sys.modules[__name__], dashboards, tables, forms, indicator_charts, budget_charts)
    return dashboards.source_digest(
        *modules, figure_tags, templates=(ATTENTION_TEMPLATE, BODY_TEMPLATE)
    )

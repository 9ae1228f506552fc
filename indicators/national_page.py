"""The national matrix page: rendered once per version of the country's data, then reused.

At national scale the matrix holds thousands of entries; judging them is already stored per
plan and year (indicators.national.stored_entries), but reading them back and writing their
HTML still grows with the country. A national leader reads the same matrix many times between
two approvals, so the page's rows and charts are kept in NationalMatrixPage under a
fingerprint of everything they show: every plan's fields and entries, every province, every
concept, the rules and this code. Any change to one of them changes the fingerprint and
the next reader renders the page again; nothing is ever shown from older data. Each plan's
entries count by their digest, so a write that changes none (a draft, an indicator no
concept measures) keeps the page. Sorting is
done on each request from the sort values kept with each row.
"""

import hashlib
import sys
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators import charts
from indicators.models import IndicatorConcept
from indicators.national import (
    NATIONAL_RULES,
    PROVINCE,
    Column,
    Entry,
    NationalMatrix,
    ProvinceSortState,
    Row,
    default_year,
    entry_digests,
    national_matrix,
    provinces_and_plans,
    sorted_rows,
)
from plans.dashboards import source_digest
from plans.models import NationalMatrixPage, Plan, Province
from plans.tables import figure_formatter, status_badge
from plans.templatetags.figures import json_blob


@dataclass
class PageRow:
    """One row of the matrix as HTML, with what sorting it needs."""

    group: int  # today's unit: its rows stay together when sorted by province
    html: SafeString
    sort_values: list[Decimal | None]  # one per column: the figure the column sorts by

    def sort_value(self, column: int) -> Decimal | None:
        return self.sort_values[column]


@dataclass
class MatrixPage(ProvinceSortState):
    year: int
    years: list[int]
    columns: list[Column]
    rows: list[PageRow]
    charts: list[dict]  # {"id": element id, "concept": IndicatorConcept}, one per ranking
    # The first ranking chart's figure, one JSON <script>: the others are fetched when their
    # <details> is opened (national_ranking), which keeps 1,4 MB of charts out of the page.
    figures_blob: SafeString
    figures: dict  # every ranking chart's figure, by element id
    sort: str
    order: str


def fingerprint(year: int, language: str, provinces, plans: list[Plan], concepts) -> str:
    """Return a digest of everything the page of `year` shows in `language`.

    `provinces` and `plans` as indicators.national.provinces_and_plans() gives them, and
    `concepts` every concept by id. Every
    field of every plan but its text and versions, every province and concept, and the
    digest of each plan's entries in the year: a figure written as a draft, or to an indicator
    no concept measures, leaves the page as it was. Queries: concepts, and those of
    entry_digests (one when every plan's entries are current).
    """
    digest = hashlib.sha256(f"{NATIONAL_RULES}|{CODE}|{year}|{language}".encode())
    for plan in plans:
        digest.update(repr(plan.shown_values()).encode())
    for model, objects in ((Province, provinces.values()), (IndicatorConcept, concepts.values())):
        names = [f.attname for f in model._meta.concrete_fields]
        for item in sorted(objects, key=lambda item: item.pk):
            digest.update(repr([getattr(item, name) for name in names]).encode())
    in_force = [plan for plan in plans if plan.covers_year(year)]
    digest.update(repr(sorted(entry_digests(in_force, year).items())).encode())
    return digest.hexdigest()


def national_page(
    year: int | None, *, sort: str = PROVINCE, order: str = "", with_figures: bool = False
) -> MatrixPage:
    """Return the national matrix of `year` (None: default_year()) sorted as asked.

    The ranking charts after the first are fetched when opened: their figures (half the kept
    page) are read only `with_figures`; otherwise the page's `figures` is empty.
    """
    if year is None:
        year = default_year()
    language = get_language()
    loaded = provinces_and_plans()
    concepts = IndicatorConcept.objects.in_bulk()
    key = fingerprint(year, language, *loaded, concepts)
    stored = NationalMatrixPage.objects.filter(year=year, language=language)
    stored = (stored if with_figures else stored.defer("figures")).first()
    if stored is not None and stored.fingerprint == key:
        payload, figures = stored.payload, stored.figures if with_figures else {}
    else:
        payload, figures = _payload(national_matrix(year, loaded=loaded))
        NationalMatrixPage.objects.update_or_create(
            year=year,
            language=language,
            defaults={"fingerprint": key, "payload": payload, "figures": figures},
        )
    columns = [Column(concepts[pk], first) for pk, first in payload["columns"]]
    rows = [
        PageRow(group, mark_safe(html), [None if v is None else Decimal(v) for v in values])
        for group, html, values in payload["rows"]
    ]
    rows, sort, order = sorted_rows(rows, columns, sort, order)
    return MatrixPage(
        year=year,
        years=payload["years"],
        columns=columns,
        rows=rows,
        charts=[{"id": chart_id, "concept": concepts[pk]} for pk, chart_id in payload["charts"]],
        figures_blob=json_blob(payload["first_figure"], "chart-figures")
        if payload["first_figure"]
        else mark_safe(""),
        figures=figures,
        sort=sort,
        order=order,
    )


def _payload(matrix: NationalMatrix) -> tuple[dict, dict]:
    """Return what NationalMatrixPage keeps of `matrix`, JSON only: the page, and every
    ranking chart's figure by element id."""
    figure = figure_formatter()
    memo = {}
    rows = []
    for row in matrix.rows:
        rows.append(
            [
                row.province.pk,
                str(_row_html(row, matrix, figure, memo)),
                [None if cell.sort_value is None else str(cell.sort_value) for cell in row.cells],
            ]
        )
    ranked = []
    for index, column in enumerate(matrix.columns):
        bars = matrix.ranking(index)
        if bars:
            ranked.append((column.concept, charts.ranking_figure(column.concept, bars)))
    figures = {f"ranking-{concept.code}": figure_ for concept, figure_ in ranked}
    chart_ids = [[concept.pk, f"ranking-{concept.code}"] for concept, _figure in ranked]
    page = {
        "columns": [[c.concept.pk, c.first_order] for c in matrix.columns],
        "years": matrix.years,
        "rows": rows,
        "charts": chart_ids,
        # The first chart is drawn open, with the page; the others are fetched when opened.
        "first_figure": {chart_ids[0][1]: figures[chart_ids[0][1]]} if chart_ids else {},
    }
    return page, figures


def _row_html(row: Row, matrix: NationalMatrix, figure, memo: dict) -> SafeString:
    """Return the row's <tr>; `memo` keeps the dashboard links and badges already written."""
    head = format_html(
        '<tr data-province="{}" data-origin="{}"><th scope="row" class="fw-normal '
        'position-sticky start-0 bg-body"><a href="{}">{}</a></th>',
        row.province.code,
        row.origin.code if row.origin else "",
        reverse("plans:year-view", args=[row.province.slug, matrix.year]),
        row.label,
    )
    span = len(matrix.columns) or 1
    if not row.has_plans:
        body = format_html(
            '<td colspan="{}" class="text-muted" data-testid="no-plan">{}</td>',
            span,
            _("No plan in the system yet"),
        )
    elif row.origin is None:
        body = format_html(
            '<td colspan="{}" class="text-muted" data-testid="no-plan-in-force">{}</td>',
            span,
            _("No plan in force in %(year)s") % {"year": matrix.year},
        )
    else:
        empty = format_html(
            '<span class="text-muted" title="{}">—</span>',
            _("No plan of this province in force measures it"),
        )
        cells = []
        for cell in row.cells:
            entries = [_entry_html(entry, matrix.year, figure, memo) for entry in cell.entries]
            cells.append(
                f'<td data-concept="{escape(cell.concept.code)}">'
                f"{''.join(entries) if entries else empty}</td>"
            )
        body = mark_safe("".join(cells))
    return mark_safe(f"{head}{body}</tr>")


def _entry_html(entry: Entry, year: int, figure, memo: dict) -> str:
    # Thousands of these make the page at national scale: short markup, styled by the
    # national-table rules of the template rather than a list of classes on each element.
    plan = entry.plan
    if plan.pk not in memo:
        memo[plan.pk] = reverse("plans:plan-dashboard", args=[plan.slug])
    indicator = entry.indicator
    parts = []
    if entry.detail:
        parts.append(format_html('<small class="d-block text-muted">{}</small>', entry.detail))
    if entry.figure is not None:
        parts.append(
            format_html(
                '<b class="d-block" data-testid="figure">{}</b>',
                figure(entry.figure),
            )
        )
    elif entry.own_figure is not None:
        parts.append(
            format_html(
                '<span class="d-block" data-testid="figure">{} {}</span>',
                figure(entry.own_figure),
                indicator.unit,
            )
        )
    if entry.figure_year and entry.figure_year != year:
        parts.append(
            format_html(
                '<small class="d-block text-muted">{}</small>',
                _("figure of %(year)s") % {"year": entry.figure_year},
            )
        )
    if not entry.convertible:
        parts.append(
            format_html(
                '<small class="d-block text-danger" data-testid="not-convertible">{}</small>',
                _("unit “%(unit)s” does not convert: not ranked") % {"unit": indicator.unit},
            )
        )
    if entry.target:
        parts.append(
            format_html(
                '<small class="d-block text-success">'
                '<span aria-hidden="true">◆</span> {} {}</small>',
                _("target"),
                entry.target.phrase,
            )
        )
    badge = ("badge", entry.status_code)
    if badge not in memo:
        memo[badge] = str(status_badge(entry.status_code))
    parts.append(memo[badge])
    return format_html(
        '<a href="{}" data-testid="cell-link" title="{}. {}">{}</a>',
        memo[plan.pk],
        indicator.code,
        indicator.name,
        mark_safe("".join(parts)),
    )


# The code that writes the page: a deploy that changes it renders it again.
CODE = source_digest(sys.modules[__name__], charts)

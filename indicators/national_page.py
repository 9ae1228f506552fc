"""The national matrix page: rendered once per version of the country's data, then reused.

At national scale the matrix holds thousands of entries; judging them is already stored per
plan and year (indicators.national.stored_entries), but reading them back and writing their
HTML still grows with the country. A national leader reads the same matrix many times between
two approvals, so the page's rows and charts are kept in NationalMatrixPage under the
country's approved version (plans.models.CountryVersion), which every write to a plan, a
province, a concept or an approved figure bumps in its own transaction: the next reader
renders the page again; nothing is ever shown from older data, and a draft keeps the page.
Sorting is done on each request from the sort values kept with each row.
"""

import functools
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators import charts
from indicators.models import IndicatorConcept
from indicators.national import (
    ASC,
    NATIONAL_RULES,
    PROVINCE,
    Column,
    Entry,
    NationalMatrix,
    ProvinceSortState,
    Row,
    default_year,
    national_matrix,
    provinces_and_plans,
    sorted_rows,
)
from plans.dashboards import source_digest
from plans.models import CountryVersion, NationalMatrixPage
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
    # The rows in the order asked, read only when used: the default order has them as one text.
    load_rows: Callable[[], list[PageRow]]
    rows_html: SafeString | None  # the rows in the default order (by province), or None
    charts: list[dict]  # {"id": element id, "concept": IndicatorConcept}, one per ranking
    # The first ranking chart's figure, one JSON <script>: the others are fetched when their
    # <details> is opened (national_ranking), which keeps 1,4 MB of charts out of the page.
    figures_blob: SafeString
    figures: dict  # every ranking chart's figure, by element id
    sort: str
    order: str

    @functools.cached_property
    def rows(self) -> list[PageRow]:
        return self.load_rows()

    @property
    def rows_shown(self) -> SafeString:
        """Return the rows' HTML in the order asked."""
        if self.rows_html is not None:
            return self.rows_html
        return mark_safe("".join(row.html for row in self.rows))


def fingerprint(year: int, language: str, version: int) -> str:
    """Return a digest of what the page of `year` shows in `language` rests on: the country's
    approved version (plans.models.CountryVersion, bumped by every write that may change an
    approved figure, a plan, a province or a concept), the day, the rules and this code. A
    draft leaves the page as it was; reading the version is one query, whatever the size of
    the country."""
    day = timezone.localdate().isoformat()
    digest = f"{NATIONAL_RULES}|{CODE}|{year}|{language}|{version}|{day}"
    return hashlib.sha256(digest.encode()).hexdigest()


def national_page(
    year: int | None, *, sort: str = PROVINCE, order: str = "", with_figures: bool = False
) -> MatrixPage:
    """Return the national matrix of `year` (None: default_year()) sorted as asked.

    The ranking charts after the first are fetched when opened: their figures (half the kept
    page) are read only `with_figures`; otherwise the page's `figures` is empty. In the
    default order (by province) the rows are read as one text, written in that order;
    another order reads each row and its sort values.
    """
    if year is None:
        year = default_year()
    language = get_language()
    # The version before the data: a write landing in between leaves a page newer than its
    # key, which the next reader renders again; never one older.
    key = fingerprint(year, language, CountryVersion.current().approved)
    concepts = IndicatorConcept.objects.in_bulk()
    kept = NationalMatrixPage.objects.filter(year=year, language=language)
    stored = kept.defer("rows", *(() if with_figures else ("figures",))).first()
    if stored is not None and stored.fingerprint == key:
        payload, rows_html = stored.payload, stored.rows_html
        figures = stored.figures if with_figures else {}

        def stored_rows():
            return kept.values_list("rows", flat=True).get()
    else:
        payload, rows, figures = _payload(national_matrix(year, loaded=provinces_and_plans()))
        rows_html = "".join(html for _group, html, _values in rows)
        NationalMatrixPage.objects.update_or_create(
            year=year,
            language=language,
            defaults={
                "fingerprint": key,
                "payload": payload,
                "rows": rows,
                "rows_html": rows_html,
                "figures": figures,
            },
        )

        def stored_rows():
            return rows

    columns = [Column(concepts[pk], first) for pk, first in payload["columns"]]
    _none, sort, order = sorted_rows([], columns, sort, order)  # the order asked, understood

    def page_rows():
        rows = [
            PageRow(group, mark_safe(html), [None if v is None else Decimal(v) for v in values])
            for group, html, values in stored_rows()
        ]
        return sorted_rows(rows, columns, sort, order)[0]

    in_stored_order = sort == PROVINCE and order == ASC
    return MatrixPage(
        year=year,
        years=payload["years"],
        columns=columns,
        load_rows=page_rows,
        rows_html=mark_safe(rows_html) if in_stored_order else None,
        charts=[{"id": chart_id, "concept": concepts[pk]} for pk, chart_id in payload["charts"]],
        figures_blob=json_blob(payload["first_figure"], "chart-figures")
        if payload["first_figure"]
        else mark_safe(""),
        figures=figures,
        sort=sort,
        order=order,
    )


def _payload(matrix: NationalMatrix) -> tuple[dict, list, dict]:
    """Return what NationalMatrixPage keeps of `matrix`, JSON only: the page, its rows (each
    [group, HTML, sort values]) and every ranking chart's figure by element id."""
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
        "charts": chart_ids,
        # The first chart is drawn open, with the page; the others are fetched when opened.
        "first_figure": {chart_ids[0][1]: figures[chart_ids[0][1]]} if chart_ids else {},
    }
    return page, rows, figures


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

"""The dashboards' indicator table: rows built once in Python, django-tables2 for its export.

A plan has up to a hundred indicators over fifteen years: rendering each cell through a
django-tables2 column and a template costs more than the queries behind the page. Each row's
cells are therefore formatted once here, into one HTML string, and the page loops over rows
only. django-tables2 still writes the xlsx and CSV export, from the same records.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport

from indicators.models import Actual
from indicators.status_look import LABELS, label_of, look_of
from plans.numbers import figure_formatter, format_figure
from plans.spreadsheets.formulas import CSV_BOM, dataset_csv, dataset_xlsx
from plans.spreadsheets.xlsx import PERCENT_FORMAT, print_setup
from plans.text import fold

SORT_PARAM = "sort"
NO_FIGURE = "—"
ZERO = Decimal(0)


def status_badge(code: str):
    look = look_of(code)
    return format_html(
        '<span class="badge text-bg-{} status-{}"><span aria-hidden="true">{}</span> {}</span>',
        look.colour,
        code,
        look.symbol,
        label_of(code),
    )


def targets_html(targets) -> SafeString:
    """Return each target as "year: phrase", its note after it, one per line."""
    # A target's note says why it is read as it is, or what in the document it contradicts.
    return format_html_join(
        mark_safe("<br>"),
        "{}: {}{}",
        (
            (
                t.year,
                t.phrase,
                format_html(' <small class="text-muted target-note">({})</small>', t.note)
                if t.note
                else "",
            )
            for t in targets
        ),
    )


def figure_html(value, figure=format_figure) -> SafeString | str:
    """Return an actual cell's content from (figure, approved): unapproved ones marked "*"."""
    if value is None:
        return NO_FIGURE
    number, approved = value
    if approved:
        return figure(number)
    return format_html(
        '{} <small class="text-warning-emphasis" title="{}">*</small>',
        figure(number),
        _("not yet approved"),
    )


def percent_text(value: Decimal | None, figure=format_figure) -> str:
    return f"{figure(value)}%" if value is not None else NO_FIGURE


class FigureColumn(tables.Column):
    """A figure in Vietnamese notation; unapproved figures are marked as such."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return figure_html(value)

    def value(self, value):
        return value[0]


class IndicatorTable(tables.Table):
    """The indicator table as django-tables2 exports it (xlsx, CSV); the page uses IndicatorRows."""

    code = tables.Column(verbose_name=capfirst(_("code")), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=capfirst(_("indicator")))
    section = tables.Column(verbose_name=capfirst(_("section")))
    sector = tables.Column(verbose_name=capfirst(_("sector")))
    scope = tables.Column(verbose_name=capfirst(_("scope")))
    unit = tables.Column(verbose_name=capfirst(_("unit")))
    targets = tables.Column(verbose_name=capfirst(_("targets")), orderable=False)
    status = tables.Column(verbose_name=capfirst(_("status")), accessor="status_code")
    percent = tables.Column(
        verbose_name=capfirst(_("% of target")),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )

    class Meta:
        attrs = {
            "class": "table table-sm table-hover align-middle",
            "data-testid": "indicator-table",
        }
        empty_text = _("No indicator matches these filters.")

    def render_targets(self, value):
        return targets_html(value)

    def value_targets(self, value):
        return " · ".join(
            f"{t.year}: {t.phrase}" + (f" ({t.note})" if t.note else "") for t in value
        )

    def render_status(self, value, record):
        return status_badge(value)

    def render_percent(self, value):
        return percent_text(value)

    def value_percent(self, value):
        # A number in the workbook (a share, shown with a percent format); SafeTableExport
        # writes it back as text in CSV, which has no formats.
        return value / 100 if value is not None else None

    def value_status(self, value):
        return label_of(value)


def indicator_records(progresses, years) -> list[dict]:
    """Return one plain dict per indicator for IndicatorTable, actuals keyed actual_<year>."""
    records = []
    for progress in progresses:
        indicator = progress.indicator
        assessment = progress.status.assessment if progress.status else None
        record = {
            "pk": indicator.pk,
            "code": indicator.code,
            "name": indicator.name,
            "section": str(indicator.section or ""),
            "section_id": indicator.section_id,
            "sector": str(indicator.section.sector)
            if indicator.section and indicator.section.sector
            else "",
            "sector_id": indicator.section.sector_id if indicator.section else None,
            "scope": indicator.scope,
            "unit": indicator.unit,
            "targets": progress.targets,
            "status_code": progress.status_code,
            "percent": assessment.percent if assessment else None,
            "progress": progress,
        }
        for year in years:
            actual = progress.actuals.get(year)
            if actual is None:
                record[f"actual_{year}"] = None
            elif actual.value is not None:
                record[f"actual_{year}"] = (actual.value, actual.status == Actual.Status.APPROVED)
            else:
                record[f"actual_{year}"] = None
        records.append(record)
    return records


def years_with_figures(records, years) -> list[int]:
    """Return the years in which any record has a figure: the table's actual columns."""
    return [y for y in years if any(r[f"actual_{y}"] for r in records)]


def indicator_table(records, years) -> IndicatorTable:
    """Return the table to export: one actual column per year that has any figure.

    `records` come sorted and filtered as the page shows them.
    """
    extra = [
        (
            f"actual_{year}",
            FigureColumn(verbose_name=str(year), accessor=f"actual_{year}", default=NO_FIGURE),
        )
        for year in years_with_figures(records, years)
    ]
    return IndicatorTable(
        records,
        extra_columns=extra,
        sequence=(
            "code",
            "name",
            "section",
            "sector",
            "scope",
            "unit",
            "targets",
            *[name for name, _column in extra],
            "status",
            "percent",
        ),
        orderable=False,
    )


# The page's table


@dataclass(frozen=True)
class Header:
    key: str  # the sort key, "" when the column does not sort
    label: str
    numeric: bool = False
    href: str = ""  # the link that sorts by the column, the other way round if sorted by it
    aria_sort: str = ""  # "ascending" or "descending" on the column the rows are sorted by

    @property
    def css(self) -> str:
        classes = ["num"] if self.numeric else []
        if self.key:
            classes.append("orderable")
        if self.aria_sort:
            classes.append("asc" if self.aria_sort == "ascending" else "desc")
        return " ".join(classes)


@dataclass(frozen=True)
class Row:
    record: dict
    cells: SafeString  # the row's <td> elements


@dataclass(frozen=True)
class IndicatorRows:
    headers: list[Header]
    rows: list[Row]
    sort: str  # the sort applied, e.g. "-percent"; "" in the plan's order
    empty_text: str = _("No indicator matches these filters.")


_TEXT_COLUMNS = ("code", "name", "section", "sector", "scope", "unit")
_STATUS_ORDER = {code: position for position, code in enumerate(LABELS)}


def _sort_key(column: str):
    """Return a function giving a record's value to sort by `column`, None when it has none."""
    if column in _TEXT_COLUMNS:
        return lambda r: fold(r[column]) or None
    if column == "status":
        # Best first, as the home page's columns, not by the code's spelling.
        return lambda r: _STATUS_ORDER.get(r["status_code"], len(_STATUS_ORDER))
    if column == "percent":
        return lambda r: r["percent"]
    return lambda r: r[column][0] if r[column] else None


def sort_records(records: list[dict], sort: str, columns) -> tuple[list[dict], str]:
    """Return the records sorted by `sort` ("code", "-percent", …) and the sort applied.

    Only the sortable `columns` are accepted; anything else keeps the plan's order. Rows
    without a value come last either way.
    """
    column = sort.removeprefix("-")
    if not column or column not in columns:
        return records, ""
    key = _sort_key(column)
    keyed = [(key(r), r) for r in records]
    present = sorted(
        (pair for pair in keyed if pair[0] is not None),
        key=lambda pair: pair[0],
        reverse=sort.startswith("-"),
    )
    return [r for _v, r in present] + [r for v, r in keyed if v is None], sort


def indicator_rows(records: list[dict], years, query) -> IndicatorRows:
    """Return the page's indicator table: headers with sort links, each row's cells as HTML.

    `query` is the request's GET: the sort comes from it, and the links keep its filters.
    """
    shown_years = years_with_figures(records, years)
    columns = [
        Header("code", capfirst(_("code"))),
        Header("name", capfirst(_("indicator"))),
        Header("section", capfirst(_("section"))),
        Header("sector", capfirst(_("sector"))),
        Header("scope", capfirst(_("scope"))),
        Header("unit", capfirst(_("unit"))),
        Header("", capfirst(_("targets"))),
        *(Header(f"actual_{year}", str(year), numeric=True) for year in shown_years),
        Header("status", capfirst(_("status"))),
        Header("percent", capfirst(_("% of target")), numeric=True),
    ]
    sortable = {c.key for c in columns if c.key}
    records, applied = sort_records(records, query.get(SORT_PARAM, ""), sortable)
    headers = [_linked(column, applied, query) for column in columns]
    # One format string for every row: its cells differ only in the years shown.
    row_format = (
        '<td class="text-nowrap">{}</td>'
        + "<td>{}</td>" * 6
        + '<td class="num">{}</td>' * len(shown_years)
        + '<td>{}</td><td class="num">{}</td>'
    )
    badges = {}
    figure = figure_formatter()
    rows = []
    for r in records:
        code = r["status_code"]
        if code not in badges:
            badges[code] = status_badge(code)
        cells = format_html(
            row_format,
            r["code"],
            r["name"],
            r["section"],
            r["sector"],
            r["scope"],
            r["unit"],
            targets_html(r["targets"]),
            *(figure_html(r[f"actual_{year}"], figure) for year in shown_years),
            badges[code],
            percent_text(r["percent"], figure),
        )
        rows.append(Row(r, cells))
    return IndicatorRows(headers, rows, applied)


def _linked(column: Header, applied: str, query) -> Header:
    if not column.key:
        return column
    aria = ""
    following = column.key
    if applied == column.key:
        aria, following = "ascending", f"-{column.key}"
    elif applied == f"-{column.key}":
        aria = "descending"
    params = query.copy()
    params[SORT_PARAM] = following
    params.pop("_export", None)
    return Header(column.key, column.label, column.numeric, f"?{params.urlencode()}", aria)


class SafeTableExport(TableExport):
    """A table exported as xlsx or CSV only, its text never run as a formula.

    The workbook's sheet is named in Vietnamese and prints on A4; "% of target" is a number
    with a percent format there, and text ("92,5%") in the CSV, which starts with a byte order
    mark so that Excel on Windows reads the Vietnamese as UTF-8.
    """

    FORMATS = {fmt: TableExport.FORMATS[fmt] for fmt in (TableExport.XLSX, TableExport.CSV)}
    SHEET = "Chỉ tiêu"

    def __init__(self, export_format, table, heading: str = "", **kwargs):
        super().__init__(export_format, table, dataset_kwargs={"title": self.SHEET}, **kwargs)
        self.heading = heading

    @classmethod
    def is_valid_format(cls, export_format) -> bool:
        return export_format in cls.FORMATS

    def export(self):
        headers = list(self.dataset.headers)
        percent = headers.index(str(capfirst(_("% of target"))))
        if self.format == self.XLSX:
            self.dataset.column_formats = {percent: PERCENT_FORMAT}
            widths = [max(len(str(h)), 10) + 4 for h in headers]
            self.dataset.print_layout = partial(print_setup, widths=widths, heading=self.heading)
            return dataset_xlsx(self.dataset)
        # CSV has no formats: numbers go out as the portal shows them (1.093.410; 45,5).
        as_text = self.dataset.__class__(headers=headers, title=self.dataset.title)
        for row in self.dataset:
            shown = [format_figure(v) if isinstance(v, Decimal) else v for v in row]
            if row[percent] not in (None, ""):
                shown[percent] = percent_text(row[percent] * 100)
            as_text.append(shown)
        return CSV_BOM + dataset_csv(as_text)


def year_rows(rows, province) -> list[Row]:
    """Return the year view's rows (dashboards.YearRow), each with its cells as HTML.

    A plan's cell and a status's badge are built once each, however many rows share them.
    """
    plan_cells, badges, lines = {}, {}, []
    figure_of = figure_formatter()
    no_target = format_html('<small class="text-muted">{}</small>', _("No target for this year"))
    for row in rows:
        plan, progress = row.plan, row.progress
        if plan.pk not in plan_cells:
            plan_cells[plan.pk] = _year_plan_cell(plan, province)
        code = progress.status_code
        if code not in badges:
            badges[code] = status_badge(code)
        status = progress.status
        figure = status.figure if status else None
        percent = status.assessment.percent if status and status.assessment else None
        cells = format_html(
            '{}<td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td>'
            '<td class="num">{}</td>',
            plan_cells[plan.pk],
            progress.indicator.name,
            progress.indicator.scope,
            _year_target(row) if row.target else no_target,
            f"{figure_of(figure)} {progress.indicator.unit}" if figure is not None else NO_FIGURE,
            badges[code],
            percent_text(percent, figure_of),
        )
        lines.append(Row(row, cells))
    return lines


def _year_plan_cell(plan, province) -> SafeString:
    name = Truncator(plan.document_number or plan.title).words(6, truncate=" …")
    if plan.province_id == province.pk:
        return format_html('<td class="small">{}</td>', name)
    return format_html(
        '<td class="small">{}<br>'
        '<span class="text-muted" data-testid="plan-province">{}</span></td>',
        name,
        plan.province.label,
    )


def _year_target(row) -> SafeString:
    target = row.target
    return format_html(
        "{}{}{}",
        target.phrase,
        ""
        if row.target_is_own
        else format_html(
            ' <small class="text-muted">({})</small>',
            _("milestone %(year)s") % {"year": target.year},
        ),
        format_html('<br><small class="text-muted target-note">{}</small>', target.note)
        if target.note
        else "",
    )

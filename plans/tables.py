"""django-tables2 tables of the dashboards, fed with plain dicts built from selectors."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport

from indicators.models import Actual
from indicators.status_look import label_of, look_of
from plans.numbers import format_figure
from plans.spreadsheets.formulas import dataset_csv, dataset_xlsx


def status_badge(code: str):
    look = look_of(code)
    return format_html(
        '<span class="badge text-bg-{} status-{}"><span aria-hidden="true">{}</span> {}</span>',
        look.colour,
        code,
        look.symbol,
        label_of(code),
    )


class FigureColumn(tables.Column):
    """A figure in Vietnamese notation; unapproved figures are marked as such."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        figure, approved = value
        if approved:
            return format_figure(figure)
        return format_html(
            '{} <small class="text-warning-emphasis" title="{}">*</small>',
            format_figure(figure),
            _("not yet approved"),
        )

    def value(self, value):
        return value[0]


class IndicatorTable(tables.Table):
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
        # A target's note says why it is read as it is, or what in the document it contradicts.
        return format_html_join(
            "<br>",
            "{}: {}{}",
            (
                (
                    t.year,
                    t.phrase,
                    format_html(' <small class="text-muted target-note">({})</small>', t.note)
                    if t.note
                    else "",
                )
                for t in value
            ),
        )

    def value_targets(self, value):
        return " · ".join(
            f"{t.year}: {t.phrase}" + (f" ({t.note})" if t.note else "") for t in value
        )

    def render_status(self, value, record):
        return status_badge(value)

    def render_percent(self, value):
        return f"{format_figure(value)}%" if value is not None else "—"

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


def indicator_table(records, years, *, request=None) -> IndicatorTable:
    """Return the table with one actual column per year that has any figure."""
    shown_years = [y for y in years if any(r[f"actual_{y}"] for r in records)]
    extra = [
        (
            f"actual_{year}",
            FigureColumn(verbose_name=str(year), accessor=f"actual_{year}", default="—"),
        )
        for year in shown_years
    ]
    table = IndicatorTable(
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
    )
    if request is not None:
        tables.RequestConfig(request, paginate=False).configure(table)
    return table


class SafeTableExport(TableExport):
    """A table exported as xlsx or CSV only, its text never run as a formula."""

    FORMATS = {fmt: TableExport.FORMATS[fmt] for fmt in (TableExport.XLSX, TableExport.CSV)}

    @classmethod
    def is_valid_format(cls, export_format) -> bool:
        return export_format in cls.FORMATS

    def export(self):
        if self.format == self.XLSX:
            return dataset_xlsx(self.dataset)
        return dataset_csv(self.dataset)

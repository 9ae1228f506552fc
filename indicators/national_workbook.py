"""The national workbook: each shared indicator across today's provinces and the years.

For a national leader (issue #15): one sheet per concept measured by any plan, a row per unit
of today's map (a province merged in 2025 on its own row, under its successor, as on the
national matrix), and for each year the figure judged (approved figures only, in the
concept's unit) and its verdict; then the reporting status of every plan-year. The entries
are the national matrix's (indicators.national), kept per plan and year: the workbook reads
them year by year and streams its sheets (openpyxl write-only).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils import timezone

from indicators.national import default_year, national_matrix, provinces_and_plans
from indicators.status_look import label_of
from plans.models import Plan
from plans.numbers import format_figure
from plans.reporting import reporting_sheet, reporting_status
from plans.spreadsheets import xlsx
from plans.spreadsheets.report import status_cell

SHEET_NAME_LENGTH = 31  # Excel's limit
MAX_NATIONAL_YEARS = 20  # the years up to the latest approved one the workbook covers
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({ch: " " for ch in "[]:*?/\\"})


@dataclass
class ConceptRows:
    """One concept's sheet: its rows by (unit, origin), each with its entry by year."""

    concept: object
    labels: dict[tuple, str] = field(default_factory=dict)
    entries: dict[tuple, dict[int, object]] = field(default_factory=lambda: defaultdict(dict))


def national_workbook_years() -> list[int]:
    """Return the years the workbook covers: up to the latest with an approved figure, from
    the first year of any plan, at most MAX_NATIONAL_YEARS of them."""
    last = default_year()
    first = Plan.objects.aggregate(first=Min("first_year"))["first"] or last
    return list(range(max(first, last - MAX_NATIONAL_YEARS + 1), last + 1))


def national_workbook(user, years: list[int]) -> xlsx.ReportFile:
    """Return the national workbook of `years` as `user` (a national leader) sees it."""
    loaded = provinces_and_plans()
    sheets: dict[int, ConceptRows] = {}
    order: dict[tuple, tuple] = {}
    for year in years:
        matrix = national_matrix(year, loaded=loaded)
        for position, row in enumerate(matrix.rows):
            key = (row.province.pk, row.origin.pk if row.origin else None)
            order.setdefault(key, (row.province.name_folded, key[1] != key[0], position))
            for cell in row.cells:
                concept = cell.concept
                rows = sheets.setdefault(concept.pk, ConceptRows(concept))
                rows.labels[key] = row.label
                entry = _latest(cell.entries)
                if entry is not None:
                    rows.entries[key][year] = entry
    # A unit with a plan in force in some year shows its plans' rows; the row saying it has
    # none (in the other years) would only repeat the unit.
    with_plans = {unit for unit, origin in order if origin is not None}
    order = {key: place for key, place in order.items() if key[1] or key[0] not in with_plans}
    workbook = xlsx.new_workbook()
    names: set[str] = set()
    for rows in sorted(sheets.values(), key=lambda r: (r.concept.name_folded, r.concept.code)):
        _concept_sheet(workbook, rows, years, order, _sheet_name(rows.concept.name, names))
    reporting_sheet(workbook, reporting_status(user, every_year=True))
    day = timezone.localdate().strftime("%d-%m-%Y")
    return xlsx.ReportFile(xlsx.save(workbook), f"Toàn quốc {years[0]}-{years[-1]} {day}.xlsx")


def _latest(entries: list):
    """Return the entry whose figure is the latest reported (the first plan's on a tie)."""
    judged = [e for e in entries if e.own_figure is not None]
    if not judged:
        return entries[0] if entries else None
    return max(judged, key=lambda e: e.figure_year or 0)


def _sheet_name(name: str, taken: set[str]) -> str:
    """Return a sheet name from a concept's name: Excel's 31 characters, unique."""
    base = " ".join(name.translate(FORBIDDEN_IN_SHEET_NAMES).split())[:SHEET_NAME_LENGTH]
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate, number = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(candidate.casefold())
    return candidate


def _concept_sheet(workbook, rows: ConceptRows, years, order, name) -> None:
    concept = rows.concept
    widths = [42] + [12, 14] * len(years)
    sheet = xlsx.Sheet(workbook, name, widths, freeze="B2")
    unit = f" ({concept.unit})" if concept.unit else ""
    xlsx.print_setup(sheet.ws, widths, f"{concept.name}{unit}")
    header = ["Tỉnh, thành phố"]
    for year in years:
        header += [str(year), f"Đánh giá {year}"]
    sheet.header(header)
    for key in sorted((key for key in rows.labels if key in order), key=lambda key: order[key]):
        line = [rows.labels[key]]
        for year in years:
            entry = rows.entries[key].get(year)
            if entry is None:
                line += [None, label_of("no_data")]
                continue
            figure = entry.figure
            if figure is None and entry.own_figure is not None:
                # A unit that does not convert: the figure in its own unit, as text.
                figure = f"{format_figure(entry.own_figure)} {entry.indicator.unit}"
            line += [figure, status_cell(sheet, entry.status_code)]
        sheet.append(line)

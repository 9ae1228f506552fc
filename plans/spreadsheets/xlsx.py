"""The xlsx toolkit every workbook module uses: write sheets, open uploads, read tables.

Written with openpyxl's write-only mode: rows stream out as they are produced instead of
building every cell object first. Numbers are real numbers with number formats, never text,
so a Vietnamese-locale Excel shows 1.093.410 and 0,85.

Uploads are read by one fixed Vietnamese rule whatever language the user browses in: native
numeric cells as they are, text cells by the figure reader ("1.234,5"), and an ambiguous
"1,234" is refused. A cell typed "95%" holds 0.95 with a percent number format: it is read as
95 where the unit is %, and refused elsewhere. Every problem is reported in Vietnamese with
sheet, row and column; a file with any problem writes nothing.

A sheet of records is declared once as a `Table` of `Column`s: the same declaration writes the
template and reads it back, so a column cannot be renamed on one side only. A column added
after templates were handed out is declared optional: files without it read it as blank.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from xml.parsers import expat

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from plans.numbers import FigureRule, check_figure, read_figure
from plans.spreadsheets.formulas import keep_text
from plans.text import clean_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
PERCENT_FORMAT = "0.0%"
PLAIN_FORMAT = "0"  # a year stays 2013, not 2.013
TEXT_FORMAT = "@"  # kept as typed: "1.500" stays text, not the number 1500
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
SUBTOTAL_FONT = Font(bold=True)
THIN = Side(style="thin", color="B7B7B7")
HEADER_BORDER = Border(bottom=THIN)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
FORMULA_HAS_NO_VALUE = gettext_lazy(
    "the formula has no computed value; open the file in Excel, save it, "
    "and upload again, or type the value."
)


# Writing


def number_format(value) -> str:
    """Return the format a number is shown with: whole numbers without places."""
    if isinstance(value, Decimal | float) and value != int(value):
        return DECIMAL_FORMAT
    return INTEGER_FORMAT


A4 = 9  # the paper size code of OOXML
# Wider than this (in characters of the column widths) prints across an A4 page, landscape.
PORTRAIT_WIDTH = 100


def print_setup(ws, widths: list[float], heading: str = "", *, title_rows: str | None = "1:1"):
    """Lay `ws` out for A4 the way a clerk would: landscape when wide, fitted to one page
    wide, the header row repeated on every page, the report's heading and the day of its
    figures at the top of each page, "Trang n/m" at the bottom."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if sum(widths) > PORTRAIT_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_options.gridLines = True
    if title_rows:
        ws.print_title_rows = title_rows
    day = timezone.localdate().strftime("%d/%m/%Y")
    if heading:
        ws.oddHeader.left.text = heading.replace("&", "&&")
        ws.oddHeader.left.size = 9
    ws.oddHeader.right.text = _("Figures as of %(day)s") % {"day": day}
    ws.oddHeader.right.size = 9
    ws.oddFooter.center.text = _("Page &P of &N")
    ws.oddFooter.center.size = 9


class Sheet:
    """A write-only sheet that keeps count of its rows and styles cells as they are written.

    Every sheet prints on A4 (print_setup) under the workbook's heading (new_workbook).
    """

    def __init__(
        self, workbook: Workbook, title: str, widths: list[int], freeze="A2", title_rows="1:1"
    ):
        self.ws = workbook.create_sheet(title)
        # A write-only sheet writes its view before the first row: freeze panes now.
        self.ws.freeze_panes = freeze
        self.rows = 0
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        heading = getattr(workbook, "print_heading", "")
        print_setup(self.ws, widths, heading, title_rows=title_rows)

    def year(self, value: int | None) -> WriteOnlyCell:
        """Return a year's cell: a number shown as 2013, never 2.013."""
        return self.cell(value, fmt=PLAIN_FORMAT)

    def cell(self, value, *, bold=False, fill=None, fmt=None, wrap=False, formula=False):
        """Return a styled cell: text is text, a formula only where `formula` says so."""
        if isinstance(value, Decimal):
            value = float(value) if value != int(value) else int(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if not formula:
            keep_text(cell)
        if isinstance(value, int | float) and not isinstance(value, bool):
            cell.number_format = fmt or number_format(value)
        elif fmt:
            cell.number_format = fmt
        if bold:
            cell.font = SUBTOTAL_FONT
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def header(self, titles: list[str]) -> None:
        cells = []
        for title in titles:
            cell = keep_text(WriteOnlyCell(self.ws, value=title))
            cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, HEADER_BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cells.append(cell)
        self.append(cells)

    def append(self, values) -> int:
        self.ws.append([v if isinstance(v, Cell) else self.cell(v) for v in values])
        self.rows += 1
        return self.rows


def new_workbook(heading: str = "") -> Workbook:
    """Return an empty write-only workbook signed by the portal; `heading` (plan, province,
    year) tops every printed page of its sheets."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "ictplan"
    workbook.print_heading = heading
    return workbook


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class ReportFile:
    content: bytes
    filename: str


def safe_filename(name: str) -> str:
    """Return `name` usable as a file name: Vietnamese letters kept, separators replaced."""
    return "".join("-" if ch in '\\/:*?"<>|' else ch for ch in name).strip()


def write_pairs(workbook, title, header, widths, pairs, *, fmt=None) -> Sheet:
    """Add a two-column sheet of bold labels and wrapped values; return it to add more."""
    sheet = Sheet(workbook, title, widths)
    sheet.header(header)
    for label, value in pairs:
        sheet.append([sheet.cell(label, bold=True), sheet.cell(value, wrap=True, fmt=fmt)])
    return sheet


# Declarations


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, the field it holds, and how its cells are written."""

    header: str
    field: str
    required: bool = True  # False for a column added later: older files read it as blank
    width: int = 22
    fmt: str | None = None
    wrap: bool = False

    @property
    def cell_format(self) -> str | None:
        """Return the format its numbers are written with: a year's is plain (2013, not 2.013)."""
        is_year = self.field in ("year", "year_from", "year_to") or self.field.endswith("_year")
        return PLAIN_FORMAT if self.fmt is None and is_year else self.fmt


def _header_of(columns: Iterable[Column], field: str) -> str:
    return next(column.header for column in columns if column.field == field)


@dataclass(frozen=True)
class Table:
    """A sheet of one header row and a row per record, declared once for writer and reader."""

    title: str
    columns: tuple[Column, ...]
    freeze: str = "A2"

    def header_of(self, field: str) -> str:
        return _header_of(self.columns, field)

    def write(self, workbook, records: Iterable[dict]) -> Sheet:
        """Add this table as a sheet, one row per record (a dict by field)."""
        sheet = Sheet(workbook, self.title, [c.width for c in self.columns], freeze=self.freeze)
        sheet.header([column.header for column in self.columns])
        for record in records:
            sheet.append(
                [
                    sheet.cell(record.get(column.field), fmt=column.cell_format, wrap=column.wrap)
                    for column in self.columns
                ]
            )
        return sheet

    def read(self, books: "Workbooks", errors: list[str]) -> "list[Row] | None":
        """Return the rows of this table in an upload, None if its sheet cannot be read."""
        required = [column.header for column in self.columns if column.required]
        header = _checked_header(books, self.title, required, errors)
        if header is None:
            return None
        found = {column.field: header.get(column.header) for column in self.columns}
        return [
            Row(self, number, {field: _at(cells, index) for field, index in found.items()})
            for number, cells in _cell_rows(books, self.title)
        ]


@dataclass(frozen=True)
class FieldSheet:
    """A sheet of label and value pairs, one per field, declared once for writer and reader."""

    title: str
    header: tuple[str, str]
    widths: tuple[int, int]
    fields: tuple[Column, ...]
    fmt: str | None = None

    def header_of(self, field: str) -> str:
        return _header_of(self.fields, field)

    def write(self, workbook, values: dict) -> Sheet:
        pairs = [(column.header, values.get(column.field)) for column in self.fields]
        return write_pairs(
            workbook, self.title, list(self.header), list(self.widths), pairs, fmt=self.fmt
        )

    def read(self, books: "Workbooks", errors: list[str]) -> dict[str, object] | None:
        """Return the raw values by field; None if the sheet is missing or has no labels."""
        if not has_sheet(books, self.title, errors):
            return None
        labelled = {
            text(row[0].value): row[1].value
            for row in books.values[self.title].iter_rows(min_row=2, max_col=2)
            if row[0].value is not None
        }
        fields = {column.header: column.field for column in self.fields}
        values = {fields[label]: value for label, value in labelled.items() if label in fields}
        return values if labelled else None


# Reading


class UploadRefused(Exception):
    """The file as a whole cannot be read; the messages say why, in Vietnamese."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def where(sheet: str, row: int, column: str) -> str:
    """Return the place of a cell in words, to start a message about it."""
    return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”") % {
        "sheet": sheet,
        "row": row,
        "column": column,
    }


@dataclass
class Workbooks:
    values: object  # cached values of formulas
    formulas: object  # the formulas themselves, to tell which cells hold one
    merged_header: dict[str, list[str]] = field(default_factory=dict)  # by sheet title


def _too_large() -> UploadRefused:
    return UploadRefused(
        [_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // 2**20}]
    )


def _not_a_workbook() -> UploadRefused:
    return UploadRefused(
        [_("This is not an Excel workbook (.xlsx). Save the file as .xlsx and upload again.")]
    )


def _damaged(error: str) -> UploadRefused:
    return UploadRefused(
        [_("The workbook is damaged and cannot be read (%(error)s).") % {"error": error}]
    )


def open_workbook(upload) -> Workbooks:
    """Return the uploaded xlsx opened twice (values and formulas); refuse what is not one.

    Every limit below is checked on the compressed package and in one streaming pass over its
    XML before openpyxl builds a single cell, so a small file that unpacks into gigabytes or
    millions of cells is refused within the memory and time of reading a real template.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _too_large()
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise _too_large()
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise _not_a_workbook()
    sheets = _check_package(content)
    try:
        titles = _sheet_titles(content)
        _refuse_large_sheets(sheets, titles)
        values = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except UploadRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for broken files
        raise _damaged(type(exc).__name__) from exc
    hidden = [ws.title for ws in values.worksheets if ws.sheet_state != "visible"]
    if hidden:
        raise UploadRefused(
            [
                _(
                    "The workbook has hidden sheets (%(sheets)s); "
                    "unhide or delete them and upload again."
                )
                % {"sheets": ", ".join(hidden)}
            ]
        )
    merged = {titles[part]: facts.merged_header for part, facts in sheets.items() if part in titles}
    return Workbooks(values, formulas, merged)


# Limits of an upload, checked before any cell is built. Our templates are a few sheets of at
# most a few thousand rows and 16 columns; a real one unpacks to a few MB. Each limit leaves
# a wide margin above that and stays far below what hurts a worker (200 MB, 5 s).
MAX_PARTS = 500  # files inside the package; Excel writes about 10 plus one per sheet
MAX_PART_BYTES = 20 * 2**20  # one part unpacked: 5,000 rows x 60 cells of ~60 bytes of XML
MAX_UNPACKED_BYTES = 50 * 2**20  # the whole package unpacked
# Deflated spreadsheet XML shrinks about 5 to 30 times; a bomb a thousand. Apache POI refuses
# above 100 too. Small parts are exempt: their ratio says nothing and they cost nothing.
MAX_RATIO = 100
RATIO_CHECKED_FROM = 2**20
MAX_SHEET_ROWS = MAX_ROWS + 1  # the header and MAX_ROWS records
MAX_COLUMNS = 60  # the widest table has 16 columns: room for notes typed beside it
# Cells, and shared strings, in the whole workbook. A plan workbook holds about 10,000 cells;
# openpyxl reads 50,000 (5,000 rows x 10) twice in about 2 s, so 100,000 keeps the answer
# within the time budget.
MAX_CELLS = 100_000
MAX_XML_ELEMENTS = 1_000_000  # about three per cell, with room for styles and the rest
MAX_TEXT_CHARS = 32_767  # what Excel lets one cell hold: nobody typed a longer string
_SCAN_CHUNK = 64 * 1024


@dataclass
class _SheetFacts:
    """The extent of one worksheet part: declared in <dimension> or reached by its cells."""

    rows: int = 0
    columns: int = 0
    merged_header: list[str] = field(default_factory=list)

    def too_large(self) -> bool:
        return self.rows > MAX_SHEET_ROWS or self.columns > MAX_COLUMNS


class _SheetTooLarge(Exception):
    """Stop reading a sheet part: its extent is already known to be beyond the limits."""


def _check_package(content: bytes) -> dict[str, _SheetFacts]:
    """Refuse a package beyond the limits; return the extent of each worksheet part by name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _not_a_workbook() from exc
    if len(members) > MAX_PARTS:
        raise _damaged(_("more than %(limit)s parts") % {"limit": MAX_PARTS})
    limit_mb = {"limit": MAX_PART_BYTES // 2**20}
    for member in members:
        # zipfile never inflates a member past its declared size (it fails the CRC instead),
        # so the declared sizes bound what reading the parts below can cost.
        if member.file_size > MAX_PART_BYTES:
            raise UploadRefused([_TOO_BIG_UNPACKED % {**limit_mb, "part": member.filename}])
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_FROM and ratio > MAX_RATIO:
            raise UploadRefused([_TOO_COMPRESSED % {"part": member.filename, "ratio": MAX_RATIO}])
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise UploadRefused([_TOO_BIG_TOTAL % {"limit": MAX_UNPACKED_BYTES // 2**20}])
    scan = _XmlScan()
    try:
        for member in members:
            if not member.is_dir():
                with archive.open(member) as stream:
                    scan.part(member.filename, stream)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
        raise _damaged(type(exc).__name__) from exc
    except (expat.ExpatError, ValueError) as exc:
        raise _damaged(_("invalid XML")) from exc
    return scan.sheets


_TOO_BIG_UNPACKED = gettext_lazy(
    "The workbook is refused: its part “%(part)s” unpacks to more than %(limit)s MB."
)
_TOO_BIG_TOTAL = gettext_lazy("The workbook is refused: it unpacks to more than %(limit)s MB.")
_TOO_COMPRESSED = gettext_lazy(
    "The workbook is refused: its part “%(part)s” is compressed more than %(ratio)s times, "
    "as only a damaged or malicious file is."
)
_TOO_MANY_CELLS = gettext_lazy(
    "The workbook is refused: it has more than %(limit)s cells or texts."
)
_TEXT_TOO_LONG = gettext_lazy(
    "The workbook is refused: a text in it is longer than %(limit)s characters, "
    "more than a cell of Excel holds."
)
_SHEET_BEYOND = gettext_lazy(
    "Delete the rows and columns after the table, even empty or formatted ones, and upload again."
)


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _XmlScan:
    """One streaming pass (expat, nothing kept) over every XML part of a package."""

    def __init__(self):
        self.sheets: dict[str, _SheetFacts] = {}
        self.elements = 0
        self.counts = {"si": 0, "c": 0}

    def part(self, name: str, stream) -> None:
        """Scan one part; refuse it, or record its extent if it is a worksheet."""
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith((b"<", b"\x00<")):
            return  # not XML (an image, printer settings): openpyxl reads none in read-only
        self.name, self.facts = name, None
        self.stack: list[str] = []
        self.text_depth = 0  # depth of the <si>/<is> whose runs add up to one string
        self.text = 0
        self.row = self.column = 0
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = self.doctype  # entities are how XML bombs expand
        try:
            while chunk:
                parser.Parse(chunk, False)
                chunk = stream.read(_SCAN_CHUNK)
            parser.Parse(b"", True)
        except _SheetTooLarge:
            pass

    def doctype(self, *args) -> None:
        raise _damaged(_("a document type declaration"))

    def characters(self, data: str) -> None:
        self.text += len(data)
        if self.text > MAX_TEXT_CHARS:
            raise UploadRefused([_TEXT_TOO_LONG % {"limit": MAX_TEXT_CHARS}])

    def end(self, name: str) -> None:
        if len(self.stack) == self.text_depth:
            self.text_depth = 0
        self.stack.pop()

    def start(self, name: str, attrs: dict) -> None:
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise _damaged(_("more than %(limit)s XML elements") % {"limit": MAX_XML_ELEMENTS})
        local = _local(name)
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(local)
        if not self.text_depth:
            self.text = 0
            if local in ("si", "is"):
                self.text_depth = len(self.stack)
        if local == "si" and parent == "sst":
            self.count("si")
        elif local == "c" and parent == "row":
            self.count("c")
            ref = attrs.get("r")
            column = column_index_from_string(ref.rstrip("0123456789")) if ref else None
            self.column = column or self.column + 1
            self.reach(self.row, self.column)
        elif local == "row" and parent == "sheetData":
            self.row = int(attrs["r"]) if attrs.get("r") else self.row + 1
            self.column = 0
            self.reach(self.row, 0)
        elif local == "dimension" and attrs.get("ref"):
            min_col, min_row, max_col, max_row = range_boundaries(attrs["ref"])
            self.reach(max_row or min_row or 0, max_col or min_col or 0)
        elif local == "mergeCell" and attrs.get("ref"):
            if range_boundaries(attrs["ref"])[1] == 1 and len(self.sheet.merged_header) < 20:
                self.sheet.merged_header.append(attrs["ref"])

    @property
    def sheet(self) -> _SheetFacts:
        if self.facts is None:
            self.facts = self.sheets[self.name] = _SheetFacts()
        return self.facts

    def count(self, kind: str) -> None:
        self.counts[kind] += 1
        if self.counts[kind] > MAX_CELLS:
            raise UploadRefused([_TOO_MANY_CELLS % {"limit": MAX_CELLS}])

    def reach(self, row: int, column: int) -> None:
        sheet = self.sheet
        sheet.rows, sheet.columns = max(sheet.rows, row), max(sheet.columns, column)
        if sheet.too_large():
            raise _SheetTooLarge


def _sheet_titles(content: bytes) -> dict[str, str]:
    """Return each worksheet part's sheet title, read from the workbook part alone."""
    reader = ExcelReader(io.BytesIO(content), read_only=True)
    reader.read_manifest()
    reader.read_workbook()
    return {rel.target: sheet.name for sheet, rel in reader.parser.find_sheets()}


def _refuse_large_sheets(sheets: dict[str, _SheetFacts], titles: dict[str, str]) -> None:
    messages = []
    for part, facts in sheets.items():
        name = titles.get(part, part)
        if facts.rows > MAX_SHEET_ROWS:
            messages.append(
                _("The sheet “%(sheet)s” has more than %(limit)s rows.")
                % {"sheet": name, "limit": MAX_ROWS}
            )
        if facts.columns > MAX_COLUMNS:
            messages.append(
                _("The sheet “%(sheet)s” has more than %(limit)s columns.")
                % {"sheet": name, "limit": MAX_COLUMNS}
            )
    if messages:
        raise UploadRefused([*messages, str(_SHEET_BEYOND)])


# Quoted text and backslash-escaped characters in a number format are shown as they are.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.')


def is_percent_format(number_format: str | None) -> bool:
    """Return whether a number format shows the value times 100 with "%" ("0%", "0.00%")."""
    return "%" in _FORMAT_LITERALS.sub("", number_format or "")


@dataclass(frozen=True)
class CellValue:
    value: object
    unset_formula: bool = False  # a formula saved without its computed value
    percent: bool = False  # a number shown as a percentage: 0.95 is what "95%" holds


@dataclass
class Row:
    """One row read from an upload: its number and its cells by field, blank where absent."""

    table: Table
    number: int
    cells: dict[str, CellValue]

    def __getitem__(self, field: str) -> CellValue:
        return self.cells[field]

    def text(self, field: str) -> str:
        return text(self.cells[field].value)

    def where(self, field: str) -> str:
        return where(self.table.title, self.number, self.table.header_of(field))

    def refuse_unset_formulas(self, fields: Iterable[str], errors: list[str]) -> bool:
        """Record an error for each of `fields` holding a formula without its value."""
        unset = [field for field in fields if self.cells[field].unset_formula]
        errors.extend(f"{self.where(field)}: {FORMULA_HAS_NO_VALUE}" for field in unset)
        return bool(unset)


def has_sheet(books: Workbooks, name: str, errors: list[str]) -> bool:
    """Return whether the upload has sheet `name`; record an error if not."""
    if name in books.values.sheetnames:
        return True
    errors.append(_("The sheet “%(sheet)s” is missing.") % {"sheet": name})
    return False


def _checked_header(books, name, required, errors) -> dict[str, int] | None:
    """Return the header of sheet `name` as {title: index}; record why it is unreadable."""
    if not has_sheet(books, name, errors):
        return None
    values = books.values[name]
    # Rows and columns beyond the limits were refused when the file was opened.
    merged = books.merged_header.get(name)
    if merged:
        errors.append(
            _("Sheet “%(sheet)s”: the header has merged cells (%(range)s); unmerge them.")
            % {"sheet": name, "range": ", ".join(merged)}
        )
        return None
    header = [text(c.value) for c in values[1]]
    columns = {title: index for index, title in enumerate(header) if title}
    missing = [title for title in required if title not in columns]
    if missing:
        errors.append(
            _("Sheet “%(sheet)s”: columns missing or renamed: %(columns)s.")
            % {"sheet": name, "columns": ", ".join(f"«{m}»" for m in missing)}
        )
        return None
    return columns


def _cell_rows(books, name):
    """Yield (row number, cells) below the header of sheet `name`, blank rows skipped."""
    values, formulas = books.values[name], books.formulas[name]
    # Read-only sheets yield every row from min_row on, gaps as blank rows: count them.
    rows = zip(values.iter_rows(min_row=2), formulas.iter_rows(min_row=2), strict=False)
    for number, (row_values, row_formulas) in enumerate(rows, start=2):
        cells = [
            CellValue(
                # Text pasted from Word or macOS comes decomposed: compose it, drop invisibles.
                clean_text(value_cell.value)
                if isinstance(value_cell.value, str)
                else value_cell.value,
                unset_formula=formula_cell.data_type == "f" and value_cell.value is None,
                percent=is_number(value_cell.value) and is_percent_format(value_cell.number_format),
            )
            for value_cell, formula_cell in zip(row_values, row_formulas, strict=False)
        ]
        if not all(cell.value in (None, "") for cell in cells):
            yield number, cells


def _composed(value):
    """Return text pasted from Word or macOS (decomposed) composed, without invisibles."""
    return clean_text(value) if isinstance(value, str) else value


def _at(cells: list[CellValue], index: int | None) -> CellValue:
    return cells[index] if index is not None and index < len(cells) else CellValue(None)


def text(value) -> str:
    """Return a cell's value as clean text (NFC, no invisible characters), "" when blank."""
    return "" if value is None else clean_text(str(value))


def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def cell_number(cell: CellValue, rule: FigureRule) -> Decimal | None:
    """Return the number a cell shows, None when blank: a percent cell 0.95 in % is 95.

    Raise forms.ValidationError with a Vietnamese message for what `rule` does not allow.
    """
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise forms.ValidationError(_("a number is expected, not TRUE/FALSE."))
    if not is_number(value):
        return read_figure(str(value), rule)
    # str() of a float is its shortest exact form: 0.4896, never 0.48959999999999998.
    number = Decimal(str(value))
    if cell.percent:
        if not rule.percent:
            raise forms.ValidationError(rule.percent_format_refused())
        number *= 100
    return check_figure(number, rule)


def cell_figure(cell: CellValue, *, rule: FigureRule, where: str, errors: list[str]):
    """Return the number in a cell, None when blank; record an error naming the cell."""
    try:
        return cell_number(cell, rule)
    except forms.ValidationError as exc:
        message = " ".join(exc.messages)
        if isinstance(cell.value, str):
            message = f"«{cell.value}» — {message}"
        errors.append(f"{where}: {message}")
        return None

"""Admin exports of any size: rows read in chunks and written as they come, never all at once.

django-import-export builds a model instance and a tablib Dataset row for every row, renders
each cell through its widget, then the whole file in memory: all figures of the country
(230,000 rows) took 144 s (CSV) and 240 s (xlsx), up to 1.1 GB. Here the resource still says
which columns there are and how each value is written (its fields, their widgets, natural
keys for foreign keys), but the values come from one query read in chunks, the natural keys'
columns joined in, and go straight into a CSV stream or an xlsx file on disk (about 5 s, a
few MB of memory).

The xlsx sheet is SpreadsheetML written here: openpyxl costs about 30 µs a cell even in
write-only mode (over a minute for the national export), string formatting about 1 µs.
Strings are inline strings, so nothing grows with the rows; text is never a formula, and text
that looks like one gets Excel's quote prefix as `formulas.keep_text` gives it. CSV starts
with a byte order mark (Excel on Windows reads it as UTF-8, Vietnamese intact) and puts
formula-like text behind an apostrophe (`formulas.csv_text`).

This module imports nothing of the portal's models: the admin mixin hands it a resource and
the changelist's queryset.
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from itertools import chain, islice
from operator import itemgetter
from types import FunctionType, MethodType
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import numberformat, timezone
from django.utils.formats import get_format, sanitize_strftime_format
from django.utils.translation import get_language
from import_export import widgets

from plans.spreadsheets.formulas import CSV_BOM, FORMULA_STARTS, csv_text, looks_like_formula

CHUNK_SIZE = 2000  # rows fetched at a time from the database cursor
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


# Reading the rows


class _Lookup(str):
    """The values() path of one field a natural key reads."""


class _KeyTracer:
    """Stand in for a row while its model's natural_key() runs, recording what it reads.

    A field gives its path, a foreign key a tracer of the related model (so a nested
    natural_key() traces too), a method runs bound to the tracer, a class attribute is itself.
    """

    def __init__(self, model, prefix: str = ""):
        self._model = model
        self._prefix = prefix

    def __getattr__(self, name):
        try:
            field = self._model._meta.get_field(name)
        except FieldDoesNotExist:
            attribute = getattr(self._model, name)
            if isinstance(attribute, FunctionType):
                return MethodType(attribute, self)
            if isinstance(attribute, property):
                return attribute.fget(self)
            return attribute
        path = f"{self._prefix}{field.name}"
        if field.many_to_one or field.one_to_one:
            return _KeyTracer(field.related_model, f"{path}__")
        return _Lookup(path)


def natural_key_paths(model) -> tuple[str, ...] | None:
    """Return the values() paths of `model.natural_key()`, or None if it is not a plain tuple
    of fields ("plan__slug", "code")."""
    try:
        key = model.natural_key(_KeyTracer(model))
    except (AttributeError, TypeError):
        return None
    if not all(isinstance(part, _Lookup) for part in key):
        return None
    return tuple(str(part) for part in key)


def _natural_key_reader(id_index: int, key_indexes: list[int]) -> Callable[[tuple], str]:
    """Return a reader of a foreign key as ForeignKeyWidget writes it: its natural key in JSON."""
    last = [None, ""]  # rows come ordered: the same key often repeats

    def read(values: tuple) -> str:
        if values[id_index] is None:
            return ""
        key = [values[index] for index in key_indexes]
        if key != last[0]:
            last[0], last[1] = key, json.dumps(key)
        return last[1]

    return read


def renderer(widget, *, native: bool) -> Callable | None:
    """Return a function writing a value as `widget.render` does, or None where that returns
    the value itself.

    The widgets' own code looks up the language, the time zone and the number formats for
    every cell (a third of the time of a national export): for the widgets whose code this
    knows, they are looked up once here. Any other widget renders itself.
    """
    kind = type(widget)
    widget_render = partial(widget.render, force_native_type=native)
    code = getattr(kind.render, "__code__", None)
    if code is widgets.Widget.render.__code__ or (
        code is widgets.CharWidget.render.__code__ and widget.coerce_to_string
    ):
        return lambda value: value if type(value) is str else widget_render(value)
    if code is widgets.NumberWidget.render.__code__:
        if native or not widget.coerce_to_string:
            return None
        language = get_language()
        number_text = partial(
            numberformat.format,
            decimal_sep=get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
            decimal_pos=None,
            grouping=get_format("NUMBER_GROUPING", language, use_l10n=True),
            thousand_sep=get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
            force_grouping=False,
            use_l10n=True,
        )
        whole_numbers = {}  # years, versions: few values, many rows

        def render_number(value):
            if type(value) is int:
                if value not in whole_numbers:
                    whole_numbers[value] = number_text(value)
                return whole_numbers[value]
            if type(value) is Decimal or type(value) is float:
                return number_text(value)
            return widget_render(value)

        return render_number
    if code is widgets.DateTimeWidget.render.__code__ and settings.USE_TZ:
        zone = timezone.get_current_timezone()
        if native:
            return lambda value: (
                value.astimezone(zone).replace(tzinfo=None)
                if type(value) is datetime and value.tzinfo is not None
                else widget_render(value)
            )
        if not widget.coerce_to_string:
            return widget_render
        pattern = sanitize_strftime_format(widget.formats[0])
        return lambda value: (
            value.astimezone(zone).strftime(pattern)
            if type(value) is datetime and value.tzinfo is not None
            else widget_render(value)
        )
    return widget_render


def _column_reader(resource, field, lookups: list[str], native: bool):
    """Return a reader of one export column from a values() row, or None if it cannot be one.

    A column reads a concrete field of the model itself, rendered by the field's widget
    exactly as the resource would; a foreign key must be written by its natural key.
    """
    name = resource.get_field_name(field)
    dehydrate = field.get_dehydrate_method(name)
    if callable(dehydrate) or hasattr(resource, dehydrate):
        return None
    if not field.attribute or "__" in field.attribute:
        return None
    try:
        model_field = resource._meta.model._meta.get_field(field.attribute)
    except FieldDoesNotExist:
        return None
    if not model_field.concrete or model_field.many_to_many:
        return None

    def index(path: str) -> int:
        if path not in lookups:
            lookups.append(path)
        return lookups.index(path)

    if model_field.is_relation:
        paths = natural_key_paths(model_field.related_model)
        if not getattr(field.widget, "use_natural_foreign_keys", False) or paths is None:
            return None
        key_indexes = [index(f"{model_field.name}__{path}") for path in paths]
        return _natural_key_reader(index(model_field.attname), key_indexes)
    position = index(model_field.attname)
    render = renderer(field.widget, native=native)
    if render is None:
        return itemgetter(position)
    return lambda values: render(values[position])


def export_rows(
    resource, queryset, selected_fields=None, *, native: bool
) -> tuple[list[str], Iterator[list]] | None:
    """Return the header and the rows `resource` exports from `queryset`, read in chunks.

    `native` keeps numbers and dates as such (xlsx), else every value is text as the widgets
    write it (CSV). Return None when a column is not a plain field or a natural key (a
    dehydrate method, a field across relations): such a resource exports the usual way.
    """
    fields = resource.get_export_fields(selected_fields)
    lookups: list[str] = []
    readers = [_column_reader(resource, field, lookups, native) for field in fields]
    if None in readers:
        return None
    headers = resource.get_export_headers(selected_fields)
    values = queryset.values_list(*lookups).iterator(chunk_size=CHUNK_SIZE)
    return headers, ([read(row) for read in readers] for row in values)


# CSV


def csv_chunks(headers: list[str], rows: Iterable[list], *, rows_per_chunk=1000) -> Iterator[bytes]:
    """Yield the CSV in UTF-8 with a byte order mark, a chunk per `rows_per_chunk` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(CSV_BOM)
    writer.writerow(headers)
    for count, row in enumerate(rows, start=1):
        # csv_text changes only text starting like a formula: the rest skips the call.
        writer.writerow(
            [
                csv_text(value)
                if isinstance(value, str) and value.startswith(FORMULA_STARTS)
                else value
                for value in row
            ]
        )
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


# xlsx

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    f"{_XML}"
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Cell styles, by position in cellXfs: plain, header, date and time, date, text behind Excel's
# quote prefix, wrapped text, wrapped text behind the quote prefix.
_PLAIN, _HEADER, _DATETIME, _DATE, _QUOTED, _WRAPPED, _WRAPPED_QUOTED = range(7)
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" '
    'applyAlignment="1"><alignment wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
# Characters XML 1.0 cannot hold (openpyxl refuses them too): dropped.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
# Most text needs nothing done: no control character, nothing to escape, no space at either
# end, no start a spreadsheet could run.
_PLAIN_TEXT = re.compile(r"[^\s\x00-\x1f&<>=+\-@](?:[^\x00-\x1f&<>]*[^\s\x00-\x1f&<>])?")
_EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - a serial day count, naive by nature
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
WIDTH_SAMPLE = 200  # rows that set the column widths, as tablib's "adaptive" width does
MAX_WIDTH = 60


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text_cell(ref: str, text: str, style: int = _PLAIN) -> str:
    if style == _PLAIN and _PLAIN_TEXT.fullmatch(text):
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    if looks_like_formula(text):
        style = _WRAPPED_QUOTED if "\n" in text else _QUOTED
    elif "\n" in text and style == _PLAIN:
        style = _WRAPPED
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    shown = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{shown}><is><t{space}>{escape(text)}</t></is></c>'


def _cell(ref: str, value) -> str:
    """Return one cell's XML: numbers as numbers, dates as dates, everything else as text."""
    kind = type(value)
    if kind is str:
        return _text_cell(ref, value) if value else f'<c r="{ref}"/>'
    if kind is int or kind is Decimal:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is float:
        return f'<c r="{ref}"><v>{value:.16g}</v></c>'
    if value is None:
        # Written, though empty: readers that size a row by its cells (openpyxl's read-only
        # mode, hence tablib and the admin import) would cut the row short without it.
        return f'<c r="{ref}"/>'
    if kind is datetime:
        delta = (value.replace(tzinfo=None) if value.tzinfo else value) - _EXCEL_EPOCH
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        # 16 digits, as openpyxl writes it: a reader rounds to the same millisecond.
        return f'<c r="{ref}" s="{_DATETIME}"><v>{serial:.16g}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is date:
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    return _text_cell(ref, str(value))


def _widths(headers: list[str], sample: list[list]) -> list[float]:
    widths = [len(str(header)) for header in headers]
    for row in sample:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    return [min(width + 2, MAX_WIDTH) for width in widths]


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE_FORBIDDEN.sub("-", title)[:31] or "Sheet1"


def write_xlsx(file, headers: list[str], rows: Iterable[list], *, title: str) -> None:
    """Write a one-sheet workbook of `headers` and `rows` to `file`, a row at a time.

    The header is bold and frozen; column widths follow the first rows.
    """
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    letters = [_column_letter(index) for index in range(1, len(headers) + 1)]
    workbook = (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{escape(_sheet_title(title), {chr(34): "&quot;"})}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )
    columns = "".join(
        f'<col min="{number}" max="{number}" width="{width}" customWidth="1"/>'
        for number, width in enumerate(_widths(headers, sample), start=1)
    )
    head = (
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
        '<row r="1">'
        + "".join(
            _text_cell(f"{letter}1", str(header), _HEADER)
            for letter, header in zip(letters, headers, strict=True)
        )
        + "</row>"
    )
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/workbook.xml", workbook)
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            chunk = []
            for number, row in enumerate(chain(sample, rows), start=2):
                cells = "".join(
                    [
                        _cell(f"{letter}{number}", value)
                        for letter, value in zip(letters, row, strict=True)
                    ]
                )
                chunk.append(f'<row r="{number}">{cells}</row>')
                if len(chunk) == 1000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())

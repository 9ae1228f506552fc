"""Percent cells: a cell typed "95%" in Excel or LibreOffice holds 0.95 with a percent format.

Every workbook reader reads it as 95 where the indicator is in %, and refuses it, naming the
cell, where the unit is anything else; "99%" typed as text is read the same way.
"""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from budgets.models import Disbursement
from indicators.models import Actual, Indicator, Target
from plans.models import Plan
from plans.spreadsheets.xlsx import is_percent_format
from tests import factories as f
from tests.plans.test_plan_workbook import exported
from tests.plans.test_plan_workbook import upload as upload_plan
from tests.plans.test_progress_upload import as_upload, confirm, snapshot, template, upload
from tests.spreadsheets import libreoffice_roundtrip

pytestmark = pytest.mark.django_db


def put(book, code, value, number_format=None, column="Thực hiện"):
    """Type `value` into the row of indicator `code`, with the number format a person applied."""
    sheet = book["Chỉ tiêu"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            cell = row[header.index(column)]
            cell.value = value
            if number_format:
                cell.number_format = number_format
            return
    raise AssertionError(code)


@pytest.fixture
def rates(world):
    """Three more indicators in % beside the world's VT-1, so one file carries three cells."""
    section = world.percent.section
    for position, code in enumerate(("VT-5", "VT-6"), start=5):
        f.indicator(world.plan_a, code=code, section=section, unit=" % ", position=position)
    return world


def upload_and_confirm(client, world, content: bytes):
    preview = upload(client, world, SimpleUploadedFile("bao-cao.xlsx", content))
    assert preview.context["preview"].errors == []
    assert confirm(client, world, preview).status_code == 302
    return {a.indicator.code: a.value for a in Actual.objects.select_related("indicator")}


def percent_book(client, world):
    book = template(client, world)
    put(book, "VT-1", 0.95, "0%")
    put(book, "VT-5", 1, "0%")
    put(book, "VT-6", 0.4896, "0.00%")
    return book


def test_percent_cells_written_by_openpyxl_are_stored_as_percent(as_user, rates):
    client = as_user(rates.users["staff_a"])
    content = as_upload(percent_book(client, rates)).read()
    values = upload_and_confirm(client, rates, content)
    assert values == {"VT-1": Decimal("95"), "VT-5": Decimal("100"), "VT-6": Decimal("48.96")}


def test_percent_cells_saved_by_libreoffice_are_stored_as_percent(as_user, rates):
    client = as_user(rates.users["staff_a"])
    saved = libreoffice_roundtrip(as_upload(percent_book(client, rates)).read())
    cells = {
        row[0].value: (row[6].value, row[6].number_format)
        for row in load_workbook(io.BytesIO(saved))["Chỉ tiêu"].iter_rows(min_row=2)
    }
    assert cells["VT-6"] == (0.4896, "0.00%")  # LibreOffice kept the number and its format
    values = upload_and_confirm(client, rates, saved)
    assert values == {"VT-1": Decimal("95"), "VT-5": Decimal("100"), "VT-6": Decimal("48.96")}


def test_percent_text_is_read_as_percent(as_user, rates):
    client = as_user(rates.users["staff_a"])
    book = template(client, rates)
    put(book, "VT-1", "99%", "@")
    put(book, "VT-6", "48,96%", "@")
    values = upload_and_confirm(client, rates, as_upload(book).read())
    assert values == {"VT-1": Decimal("99"), "VT-6": Decimal("48.96")}


def refused(client, world, book):
    before = snapshot()
    response = upload(client, world, as_upload(book))
    assert response.status_code == 400
    assert response.context["preview"].payload == ""
    assert snapshot() == before
    return response.context["preview"].errors


def test_a_percent_cell_on_an_indicator_not_in_percent_is_refused(as_user, world):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    put(book, "VT-1", 0.5, "0%")  # a good row beside the bad one: still nothing written
    put(book, "VT-2", 0.95, "0%")
    errors = refused(client, world, book)
    assert errors == [
        "Trang “Chỉ tiêu”, dòng 3, cột “Thực hiện”: ô được định dạng phần trăm nhưng đơn vị "
        "của chỉ tiêu là “trạm”; hãy bỏ định dạng phần trăm và nhập số theo đơn vị trạm."
    ]


def test_percent_text_on_an_indicator_not_in_percent_is_refused(as_user, world):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    put(book, "VT-2", "99%", "@")
    errors = refused(client, world, book)
    assert errors == [
        "Trang “Chỉ tiêu”, dòng 3, cột “Thực hiện”: «99%» — đây là tỷ lệ phần trăm nhưng "
        "đơn vị của chỉ tiêu là “trạm”."
    ]


def test_a_percent_cell_for_an_amount_is_refused(as_user, world):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    book["Giải ngân"]["F2"] = 0.5
    book["Giải ngân"]["F2"].number_format = "0%"
    errors = refused(client, world, book)
    assert errors == [
        "Trang “Giải ngân”, dòng 2, cột “Giải ngân (triệu đồng)”: ô được định dạng phần trăm "
        "nhưng số tiền tính bằng triệu đồng; hãy bỏ định dạng phần trăm và nhập số tiền."
    ]
    assert not Disbursement.objects.exists()


def test_a_percent_cell_above_100_on_a_share_is_refused(as_user, world):
    # 95 typed, then formatted as percent: the spreadsheet shows 9500%.
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    put(book, "VT-1", 95, "0%")
    errors = refused(client, world, book)
    assert any("từ 0 đến 100" in e for e in errors), errors


@pytest.mark.parametrize(
    ("number_format", "percent"),
    [
        ("0%", True),
        ("0.00%", True),
        ("#,##0.0%;[Red]-#,##0.0%", True),
        ("#,##0", False),
        ("General", False),
        ('0" %"', False),  # a quoted percent sign is only text: nothing is multiplied
        ("0\\%", False),
        ("", False),
        (None, False),
    ],
)
def test_is_percent_format(number_format, percent):
    assert is_percent_format(number_format) is percent


def test_read_only_cells_expose_their_number_format():
    book = Workbook()
    book.active["A1"] = 0.95
    book.active["A1"].number_format = "0%"
    buffer = io.BytesIO()
    book.save(buffer)
    cell = next(load_workbook(buffer, read_only=True).active.iter_rows())[0]
    assert type(cell).__name__ == "ReadOnlyCell"
    assert is_percent_format(cell.number_format)


# The new-plan workbook: baseline values, target phrases and amounts.


def plan_book(client):
    plan = f.rich_plan()
    book = load_workbook(io.BytesIO(exported(client, plan.slug)))
    book["Văn bản"]["B2"] = "new-plan"
    return book


def column_of(sheet, header):
    return [c.value for c in sheet[1]].index(header) + 1


def set_cell(book, sheet_name, row, header, value, number_format=None):
    sheet = book[sheet_name]
    cell = sheet.cell(row=row, column=column_of(sheet, header), value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def import_plan(client, book, *, libreoffice=False):
    buffer = io.BytesIO()
    book.save(buffer)
    content = libreoffice_roundtrip(buffer.getvalue()) if libreoffice else buffer.getvalue()
    return upload_plan(client, content)


@pytest.mark.parametrize("libreoffice", [False, True], ids=["openpyxl", "libreoffice"])
def test_new_plan_reads_percent_formatted_baseline_and_target_cells(admin_client, libreoffice):
    book = plan_book(admin_client)
    # Row 2 is IT-1; make it a share in %, with a baseline and a target typed as 48,96% / 95%.
    set_cell(book, "Chỉ tiêu", 2, "Đơn vị", "%")
    set_cell(book, "Chỉ tiêu", 2, "Giá trị gốc", 0.4896, "0.00%")
    set_cell(book, "Mục tiêu", 2, "Nguyên văn", 0.95, "0%")
    set_cell(book, "Mục tiêu", 3, "Nguyên văn", "trên 90%")
    preview = import_plan(admin_client, book, libreoffice=libreoffice).context["preview"]
    assert preview.errors == []
    admin_client.post(reverse("plans:new-plan"), {"payload": preview.payload})
    indicator = Indicator.objects.get(plan__slug="new-plan", code="IT-1")
    assert indicator.baseline_value == Decimal("48.96")
    target = Target.objects.get(indicator=indicator, year=2015)
    assert (target.phrase, target.value, target.unit) == ("95%", Decimal("95"), "%")


@pytest.mark.parametrize(
    ("sheet", "header", "value", "number_format", "message"),
    [
        (
            "Chỉ tiêu",
            "Giá trị gốc",
            0.3,
            "0%",
            "Trang “Chỉ tiêu”, dòng 2, cột “Giá trị gốc”: ô được định dạng phần trăm nhưng "
            "đơn vị của chỉ tiêu là “máy/cán bộ”",
        ),
        (
            "Chỉ tiêu",
            "Giá trị gốc",
            "30%",
            "@",
            "Trang “Chỉ tiêu”, dòng 2, cột “Giá trị gốc”: «30%» — đây là tỷ lệ phần trăm "
            "nhưng đơn vị của chỉ tiêu là “máy/cán bộ”",
        ),
        (
            "Mục tiêu",
            "Nguyên văn",
            0.85,
            "0%",
            "Trang “Mục tiêu”, dòng 2, cột “Nguyên văn”: ô được định dạng phần trăm nhưng "
            "đơn vị của chỉ tiêu là “máy/cán bộ”",
        ),
        (
            "Kế hoạch vốn",
            "Số tiền (nguyên văn)",
            0.62,
            "0%",
            "Trang “Kế hoạch vốn”, dòng 2, cột “Số tiền (nguyên văn)”: ô được định dạng phần "
            "trăm nhưng số tiền tính bằng tỷ đồng",
        ),
        (
            "Tổng số nêu trong văn bản",
            "Số tiền (triệu đồng)",
            0.2,
            "0.0%",
            "Trang “Tổng số nêu trong văn bản”, dòng 2, cột “Số tiền (triệu đồng)”: ô được định "
            "dạng phần trăm nhưng số tiền tính bằng triệu đồng",
        ),
        (
            "Kế hoạch vốn",
            "Số tiền (nguyên văn)",
            "-62",
            "@",
            "Trang “Kế hoạch vốn”, dòng 2, cột “Số tiền (nguyên văn)”: «-62» — Số liệu không "
            "được âm",
        ),
    ],
)
def test_new_plan_refuses_percent_cells_where_the_unit_is_not_percent(
    admin_client, sheet, header, value, number_format, message
):
    book = plan_book(admin_client)
    set_cell(book, sheet, 2, header, value, number_format)
    response = import_plan(admin_client, book)
    assert response.status_code == 400
    errors = response.context["preview"].errors
    assert any(message in e for e in errors), errors
    assert not Plan.objects.filter(slug="new-plan").exists()

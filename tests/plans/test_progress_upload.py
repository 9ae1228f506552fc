"""Progress templates: download, fill, upload, preview, confirm; and every bad file refused
with a Vietnamese message naming sheet, row and column, leaving the database unchanged."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from budgets.models import Disbursement
from indicators.models import Actual
from plans.spreadsheets.xlsx import MAX_ROWS

pytestmark = pytest.mark.django_db


def template(client, world, year=2013):
    url = reverse("plans:progress-template", args=[world.plan_a.slug, year])
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def as_upload(book, name="bao-cao.xlsx"):
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def fill(book, code, column, value):
    sheet = book["Chỉ tiêu"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            row[header.index(column)].value = value
            return
    raise AssertionError(code)


def upload(client, world, file, year=2013):
    url = reverse("plans:progress-upload", args=[world.plan_a.slug, year])
    return client.post(url, {"file": file})


def confirm(client, world, preview_response, year=2013):
    payload = preview_response.context["preview"].payload
    url = reverse("plans:progress-upload", args=[world.plan_a.slug, year])
    return client.post(url, {"payload": payload})


def snapshot():
    return (
        list(Actual.objects.values_list("indicator_id", "year", "value", "progress", "note")),
        list(Disbursement.objects.values_list("line_id", "amount")),
        Actual.history.count(),
    )


def test_template_lists_indicators_targets_and_budget_lines(as_user, world):
    book = template(as_user(world.users["staff_a"]), world)
    assert book.sheetnames == ["Thông tin", "Chỉ tiêu", "Giải ngân", "Dự án, nhiệm vụ"]
    rows = {r[0].value: [c.value for c in r] for r in book["Chỉ tiêu"].iter_rows(min_row=2)}
    assert set(rows) == {"VT-1", "VT-2", "VT-3"}
    assert rows["VT-1"][4] == "trên 90% (mốc 2015)"
    budget = [[c.value for c in r] for r in book["Giải ngân"].iter_rows(min_row=2)]
    assert budget[0][0] == "L1" and budget[0][4] == 1000


def test_upload_previews_then_confirm_writes_all_rows_once(as_user, world):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-1", "Thực hiện", 85.5)  # a native number
    fill(book, "VT-2", "Thực hiện", "1.234")  # Vietnamese notation typed as text
    fill(book, "VT-2", "Ghi chú", "Theo VNPT")
    fill(book, "VT-3", "Tiến độ (định tính)", "Đang thực hiện")
    book["Giải ngân"]["F2"] = "2.500,5"
    before = snapshot()
    preview = upload(client, world, as_upload(book))
    assert preview.status_code == 200
    assert preview.context["preview"].errors == []
    assert preview.context["preview"].changed_count == 4
    assert snapshot() == before  # the preview wrote nothing
    done = confirm(client, world, preview)
    assert done.status_code == 302
    values = {a.indicator.code: a for a in Actual.objects.select_related("indicator")}
    assert values["VT-1"].value == Decimal("85.5")
    assert values["VT-2"].value == Decimal("1234") and values["VT-2"].note == "Theo VNPT"
    assert values["VT-3"].progress == "in_progress"
    assert Disbursement.objects.get().amount == Decimal("2500.5")
    assert Actual.history.filter(history_change_reason="nhập từ tệp Excel").count() == 3


def test_uploading_the_same_file_twice_changes_nothing_the_second_time(as_user, world):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-1", "Thực hiện", 70)
    file_bytes = as_upload(book).read()
    confirm(client, world, upload(client, world, SimpleUploadedFile("a.xlsx", file_bytes)))
    after_first = snapshot()
    second = upload(client, world, SimpleUploadedFile("a.xlsx", file_bytes))
    assert second.context["preview"].changed_count == 0
    confirm(client, world, second)
    assert snapshot() == after_first


def test_numbers_are_read_the_vietnamese_way_whatever_the_ui_language(as_user, world):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-2", "Thực hiện", "0,85")
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        preview = upload(client, world, as_upload(book))
        confirm(client, world, preview)
    assert Actual.objects.get(indicator=world.count).value == Decimal("0.85")


def test_a_changed_figure_since_the_preview_is_caught(as_user, world):
    from tests import factories as f

    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-1", "Thực hiện", 70)
    preview = upload(client, world, as_upload(book))
    f.actual(world.percent, year=2013, value="60")  # someone saves meanwhile
    confirm(client, world, preview)
    assert Actual.objects.get(indicator=world.percent).value == Decimal("60")


def test_a_template_without_an_optional_column_uploads_and_keeps_that_column(as_user, world):
    """A template downloaded before an optional column existed reads that column as blank."""
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-1", "Thực hiện", 70)
    fill(book, "VT-1", "Minh chứng", "Báo cáo số 12/BC-STTTT")
    confirm(client, world, upload(client, world, as_upload(book)))
    book = template(client, world)
    header = [c.value for c in book["Chỉ tiêu"][1]]
    book["Chỉ tiêu"].delete_cols(header.index("Minh chứng") + 1)
    fill(book, "VT-1", "Thực hiện", 75)
    preview = upload(client, world, as_upload(book))
    assert preview.context["preview"].errors == []
    confirm(client, world, preview)
    actual = Actual.objects.get(indicator=world.percent)
    assert (actual.value, actual.evidence) == (Decimal("75"), "Báo cáo số 12/BC-STTTT")


def test_a_tampered_payload_is_refused(as_user, world):
    client = as_user(world.users["staff_a"])
    url = reverse("plans:progress-upload", args=[world.plan_a.slug, 2013])
    client.post(url, {"payload": "forged"})
    assert Actual.objects.count() == 0


def broken(kind, book):
    """Return an upload with one defect of `kind`, built from a good template."""
    if kind == "pdf":
        return SimpleUploadedFile("bao-cao.xlsx", b"%PDF-1.4 not a workbook")
    if kind == "corrupt_zip":
        good = as_upload(book).read()
        return SimpleUploadedFile("bao-cao.xlsx", good[:200] + b"\x00" * 50 + good[250:])
    if kind == "too_large":
        return SimpleUploadedFile("bao-cao.xlsx", b"PK" + b"0" * (10 * 1024 * 1024 + 10))
    if kind == "too_many_rows":
        sheet = book["Chỉ tiêu"]
        sheet.cell(row=MAX_ROWS + 5, column=1, value="VT-1")
    if kind == "renamed_column":
        book["Chỉ tiêu"]["G1"] = "Kết quả"
    if kind == "unknown_code":
        fill(book, "VT-2", "Thực hiện", 5)
        book["Chỉ tiêu"]["A3"] = "XX-9"
    if kind == "other_plan":
        book["Thông tin"]["B2"] = "plan-b"
    if kind == "ambiguous_number":
        fill(book, "VT-2", "Thực hiện", "1,234")
    if kind == "text_in_number":
        fill(book, "VT-2", "Thực hiện", "khoảng một trăm")
    if kind == "formula_without_value":
        fill(book, "VT-2", "Thực hiện", "=1+1")
    if kind == "merged_header":
        book["Chỉ tiêu"].merge_cells("A1:B1")
    if kind == "duplicate_row":
        sheet = book["Chỉ tiêu"]
        sheet.append([c.value for c in sheet[2]])
    if kind == "hidden_sheet":
        book.create_sheet("Nháp").sheet_state = "hidden"
    if kind == "year_outside":
        book["Thông tin"]["B3"] = 2031
    if kind == "percent_over_100":
        fill(book, "VT-1", "Thực hiện", 150)
    if kind == "negative_amount":
        book["Giải ngân"]["F2"] = -5
    return as_upload(book)


BAD_FILES = {
    "pdf": "không phải là bảng tính Excel",
    "corrupt_zip": "bị hỏng",
    "too_large": "lớn hơn 10 MB",
    "too_many_rows": "có quá 5000 dòng",
    "renamed_column": "thiếu cột hoặc cột bị đổi tên: «Thực hiện»",
    "unknown_code": (
        "Trang “Chỉ tiêu”, dòng 3, cột “Mã chỉ tiêu”: văn bản không có chỉ tiêu mã “XX-9”"
    ),
    "other_plan": "dành cho văn bản khác",
    "ambiguous_number": "Trang “Chỉ tiêu”, dòng 3, cột “Thực hiện”: «1,234» — không rõ nghĩa",
    "text_in_number": "Trang “Chỉ tiêu”, dòng 3, cột “Thực hiện”",
    "formula_without_value": "công thức chưa có giá trị",
    "merged_header": "có ô gộp",
    "duplicate_row": "xuất hiện hai lần",
    "hidden_sheet": "trang tính bị ẩn (Nháp)",
    "year_outside": "dành cho năm 2031",
    "percent_over_100": "từ 0 đến 100",
    "negative_amount": (
        "Trang “Giải ngân”, dòng 2, cột “Giải ngân (triệu đồng)”: Số liệu không được âm"
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_files_are_refused_with_a_vietnamese_message_and_change_nothing(as_user, world, kind):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-1", "Thực hiện", 50)  # a good row beside the bad one: still nothing written
    before = snapshot()
    response = upload(client, world, broken(kind, book))
    assert response.status_code == 400
    errors = response.context["preview"].errors
    assert any(BAD_FILES[kind] in error for error in errors), errors
    assert response.context["preview"].payload == ""
    assert snapshot() == before


def test_blank_rows_are_skipped(as_user, world):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    sheet = book["Chỉ tiêu"]
    sheet.insert_rows(3, amount=2)
    fill(book, "VT-1", "Thực hiện", 40)
    preview = upload(client, world, as_upload(book))
    assert preview.context["preview"].errors == []
    assert preview.context["preview"].changed_count == 1


def test_formula_with_a_cached_value_is_read_as_that_value(as_user, world, tmp_path):
    # A workbook saved by a real spreadsheet carries the formula's computed value.
    from tests.spreadsheets import libreoffice_roundtrip

    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-2", "Thực hiện", "=40+2")
    recalculated = libreoffice_roundtrip(as_upload(book).read())
    preview = upload(client, world, SimpleUploadedFile("a.xlsx", recalculated))
    assert preview.context["preview"].errors == []
    confirm(client, world, preview)
    assert Actual.objects.get(indicator=world.count).value == Decimal("42")


def test_locked_year_is_refused(as_user, world):
    from plans.models import PlanYear

    PlanYear.objects.create(plan=world.plan_a, year=2013, status=PlanYear.Status.APPROVED)
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-1", "Thực hiện", 50)
    response = upload(client, world, as_upload(book))
    assert any("đã bị khóa" in e for e in response.context["preview"].errors)


def test_decomposed_headers_and_text_are_read_as_typed(as_user, world):
    # Word and macOS paste Vietnamese decomposed: "Thực hiện" as letters plus combining marks.
    import unicodedata

    client = as_user(world.users["staff_a"])
    book = template(client, world)
    sheet = book["Chỉ tiêu"]
    for cell in sheet[1]:
        if isinstance(cell.value, str):
            cell.value = unicodedata.normalize("NFD", cell.value)
    fill(book, "VT-1", unicodedata.normalize("NFD", "Thực hiện"), 61)
    fill(
        book,
        "VT-1",
        unicodedata.normalize("NFD", "Ghi chú"),
        "\u200b" + unicodedata.normalize("NFD", "Đã đối chiếu"),
    )
    response = upload(client, world, as_upload(book))
    assert response.status_code == 200, response.context["preview"].errors
    confirm(client, world, response)
    actual = Actual.objects.get(indicator=world.percent, year=2013)
    assert (actual.value, actual.note) == (Decimal(61), "Đã đối chiếu")

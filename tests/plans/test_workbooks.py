"""Report workbooks: cell by cell against the database, and opened by a real spreadsheet."""

import io
import zipfile
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Actual, Comparator
from tests import factories as f
from tests.spreadsheets import libreoffice_sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_plan(db):
    province = f.province("Sóc Trăng", code="94", slug="soc-trang")
    plan = f.plan(
        province, slug="st-22", document_number="22/KH-UBND", first_year=2011, last_year=2015
    )
    section = f.section(plan, code="S", title="Ứng dụng CNTT")
    internet = f.indicator(plan, code="UD-1", section=section, name="Văn bản điện tử", unit="%")
    f.target(internet, year=2015, phrase="trên 60%", comparator=Comparator.GT, value="60")
    f.actual(internet, year=2013, value="45.5", status=Actual.Status.APPROVED)
    f.actual(internet, year=2014, value="62", status=Actual.Status.APPROVED)
    stations = f.indicator(plan, code="HT-1", section=section, name="Trạm BTS", unit="trạm")
    f.target(stations, year=2015, phrase="1.093.410", comparator=Comparator.EQ, value="1093410")
    f.actual(stations, year=2014, value="1093410", status=Actual.Status.APPROVED)
    f.actual(stations, year=2013, value="999", status=Actual.Status.DRAFT)  # not shown
    nsdp, nstw = f.funding_source("nsdp", "NSĐP"), f.funding_source("nstw", "NSTW")
    lead = f.agency(province, "Sở Thông tin và Truyền thông", code="st-stttt")
    task = f.project(plan, code="NV1", number="1", name="Hạ tầng", position=1)
    project = f.project(
        plan,
        code="DA1",
        number="1",
        name="Trung tâm dữ liệu",
        parent=task,
        lead_agency=lead,
        lead_agency_printed="Sở TT&TT",
        period_printed="2012-2015",
        position=2,
    )
    line = f.budget_line(plan, code="DA1", name="Trung tâm dữ liệu", project=project)
    f.allocation(line, amount="15000", year_from=2012, year_to=2015, source=nsdp)
    f.allocation(line, amount="7500", year_from=2012, year_to=2015, source=nstw)
    spent = f.disbursement(line, amount="2500.5", year=2013, source=nsdp)
    spent.status = Actual.Status.APPROVED
    spent.save()
    other = f.budget_line(plan, code="DA2", name="Cổng thông tin")
    f.allocation(other, amount="3000", year_from=2013, year_to=2013, source=nsdp)
    f.responsibility(plan, lead, code="R1", duties="Chủ trì triển khai kế hoạch")
    return plan


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content)
    return response, content


def test_plan_report_matches_the_database_cell_by_cell(client, report_plan):
    client.force_login(f.user(f.LEADER, report_plan.province))
    response, content = download(client, reverse("plans:plan-report", args=[report_plan.slug]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # Vietnamese file name, encoded per RFC 5987 so no browser mangles it.
    assert "filename*=utf-8''" + quote("Báo cáo 22") in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Chỉ tiêu",
        "Đầu tư",
        "Dự án",
        "Phân công",
        "Biểu đồ",
        "Minh chứng",
    ]

    sheet = book["Chỉ tiêu"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Mã", "Chỉ tiêu", "Phần, mục", "Phạm vi", "Đơn vị tính"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    column = {title: index for index, title in enumerate(header)}
    stations = rows["HT-1"]
    assert stations[column["Mục tiêu 2015"]].value == "1.093.410"
    assert stations[column["Thực hiện 2014"]].value == 1093410
    assert stations[column["Thực hiện 2014"]].number_format == "#,##0"
    assert stations[column["Thực hiện 2013"]].value is None  # the draft is not reported
    internet = rows["UD-1"]
    assert internet[column["Thực hiện 2013"]].value == 45.5
    assert internet[column["Thực hiện 2013"]].number_format == "#,##0.0##"
    # 62 in 2014 already passes "trên 60%" due in 2015.
    assert internet[column["Trạng thái"]].value == "Đúng tiến độ"
    assert internet[column["Trạng thái"]].fill.fgColor.rgb.endswith("DDEBF7")
    assert internet[column["% mục tiêu"]].value == pytest.approx(62 / 60, abs=1e-4)
    assert internet[column["% mục tiêu"]].number_format == "0.0%"
    assert sheet.freeze_panes == "C2"

    investment = book["Đầu tư"]
    formulas = [c.value for c in investment["D"] if isinstance(c.value, str) and "=" in c.value]
    assert formulas and all(f.startswith("=SUBTOTAL(9,") for f in formulas)
    assert [c.value for c in book["Phân công"]["C"]][1:] == ["Chủ trì triển khai kế hoạch"]
    # A native Excel chart (openpyxl does not read charts back, so look inside the file).
    assert any(
        name.startswith("xl/charts/chart")
        for name in zipfile.ZipFile(io.BytesIO(content)).namelist()
    )


def test_libreoffice_opens_the_report_and_recalculates_the_subtotals(client, report_plan):
    client.force_login(f.user(f.LEADER, report_plan.province))
    _response, content = download(client, reverse("plans:plan-report", args=[report_plan.slug]))
    sheets = libreoffice_sheets(content)
    assert set(sheets) >= {"Tổng hợp", "Chỉ tiêu", "Đầu tư", "Dự án", "Phân công"}
    rows = {row[0]: row for row in sheets["Đầu tư"][1:] if row}
    assert rows["Tổng phụ: Trung tâm dữ liệu"][3:5] == ["22500", "2500.5"]
    assert rows["Tổng phụ: Cổng thông tin"][3] == "3000"
    assert rows["Tổng cộng"][3:5] == ["25500", "2500.5"]
    indicators = {row[0]: row for row in sheets["Chỉ tiêu"][1:] if row}
    assert "1093410" in indicators["HT-1"]


def test_year_report_lists_the_year_view(client, report_plan):
    client.force_login(f.user(f.LEADER, report_plan.province))
    url = reverse("plans:year-report", args=[report_plan.province.slug, 2014])
    response, content = download(client, url)
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(content))["Năm 2014"]
    rows = {row[1].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
    assert rows["HT-1"][4] == "1.093.410 (mốc 2015)"
    assert rows["HT-1"][5] == 1093410
    assert rows["UD-1"][7] == "Đúng tiến độ"
    sheets = libreoffice_sheets(content)
    assert any(row[1] == "UD-1" and row[5] == "62" for row in sheets["Năm 2014"])


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_dashboard_table_exports(client, report_plan, export_format):
    client.force_login(f.user(f.LEADER, report_plan.province))
    url = reverse("plans:plan-dashboard", args=[report_plan.slug])
    response = client.get(url, {"_export": export_format})
    assert response.status_code == 200
    assert "filename*=utf-8''" + quote("Chỉ tiêu 22") in response["Content-Disposition"]
    if export_format == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
        assert Decimal(str(values["HT-1"][8])) == Decimal(1093410)
    else:
        assert "HT-1" in response.content.decode("utf-8")


def test_libreoffice_opens_the_progress_template_and_the_plan_workbook(client, report_plan):
    client.force_login(f.user(f.ADMIN, None))
    _r, template = download(
        client, reverse("plans:progress-template", args=[report_plan.slug, 2014])
    )
    sheets = libreoffice_sheets(template)
    assert set(sheets) == {"Thông tin", "Chỉ tiêu", "Giải ngân", "Dự án, nhiệm vụ"}
    rows = {row[0]: row for row in sheets["Chỉ tiêu"]}
    assert rows["HT-1"][5:7] == ["999", "1093410"]  # last year (a draft) and this year
    work = {tuple(row[:2]) for row in sheets["Dự án, nhiệm vụ"][1:] if row}
    assert work == {("Dự án", "NV1"), ("Dự án", "DA1"), ("Nhiệm vụ", "R1")}
    _r, workbook = download(client, reverse("plans:plan-workbook", args=[report_plan.slug]))
    sheets = libreoffice_sheets(workbook)
    assert any(row[:2] == ["HT-1", "2015"] for row in sheets["Mục tiêu"])
    amounts = {row[4] for row in sheets["Kế hoạch vốn"][1:]}
    assert amounts == {"15000", "7500", "3000"}


def test_the_report_lists_each_project_and_duty_with_its_progress(client, report_plan):
    from plans.models import WorkProgress

    state, approved = WorkProgress.State, Actual.Status.APPROVED
    project = report_plan.projects.get(code="DA1")
    duty = report_plan.responsibilities.get(code="R1")
    f.work_progress(project, year=2013, state=state.IN_PROGRESS, status=approved)
    f.work_progress(
        project, year=2014, state=state.DONE, account="Đã vận hành",
        disbursed=Decimal("1234.5"), status=approved,
    )  # fmt: skip
    f.work_progress(duty, year=2014, state=state.STOPPED, reason="Thiếu vốn")  # a draft
    client.force_login(f.user(f.LEADER, report_plan.province))
    _response, content = download(client, reverse("plans:plan-report", args=[report_plan.slug]))
    book = load_workbook(io.BytesIO(content))
    header = [c.value for c in book["Dự án"][1]]
    assert header[5:] == ["Tiến độ gần nhất", "Giải ngân (triệu đồng)", "Tiến độ từng năm"]
    row = next(r for r in book["Dự án"].iter_rows(values_only=True) if r[1] == "Trung tâm dữ liệu")
    assert row[5:] == (
        "Hoàn thành (2014): Đã vận hành",
        1234.5,
        "2013: đang triển khai; 2014: hoàn thành",
    )
    duties = list(book["Phân công"].iter_rows(values_only=True))
    assert duties[1][3:] == ("chưa có báo cáo tiến độ", None, None)  # its draft is not shown

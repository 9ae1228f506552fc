"""Excel through the browser: download the report, fill and upload the template, confirm."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from indicators.models import Actual, Comparator
from plans.services import DEMO_PASSWORD, demo_accounts_ensure
from tests import factories as f
from tests.e2e.conftest import ARTIFACTS, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def plan():
    province = f.province("Hậu Giang", code="93", slug="hau-giang")
    plan = f.plan(
        province, slug="hg-excel", first_year=2011, last_year=2015, title="Kế hoạch Excel"
    )
    section = f.section(plan, code="S1", title="Hạ tầng")
    internet = f.indicator(plan, code="VT-1", section=section, name="Tỷ lệ dùng Internet", unit="%")
    f.target(internet, year=2015, phrase="trên 60%", comparator=Comparator.GT, value="60")
    demo_accounts_ensure()
    return plan


def test_download_report_then_upload_template_preview_confirm(live_server, page, shot, plan):
    login(page, live_server, "hg.canbo", DEMO_PASSWORD, f"/plans/{plan.slug}/")
    with page.expect_download() as report:
        page.get_by_test_id("download-report").click()
    assert report.value.suggested_filename == "Báo cáo hg-excel.xlsx"
    book = load_workbook(io.BytesIO(report.value.path().read_bytes()))
    assert "Chỉ tiêu" in book.sheetnames

    page.goto(f"{live_server.url}/plans/{plan.slug}/2013/upload/")
    with page.expect_download() as template:
        page.get_by_test_id("download-template").click()
    book = load_workbook(io.BytesIO(template.value.path().read_bytes()))
    sheet = book["Chỉ tiêu"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Thực hiện") + 1, value="45,5")
    filled = ARTIFACTS / "filled-template.xlsx"
    ARTIFACTS.mkdir(exist_ok=True)
    book.save(filled)

    page.get_by_label("Tệp Excel (.xlsx, tối đa 10 MB)").set_input_files(str(filled))
    page.get_by_test_id("preview").click()
    expect(page.get_by_test_id("preview-table")).to_contain_text("45,5")
    shot("preview")
    assert not Actual.objects.exists()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhập")
    page.goto(f"{live_server.url}/plans/{plan.slug}/?figures=all")
    expect(page.get_by_test_id("indicator-table")).to_contain_text("45,5")
    shot("dashboard")
    assert str(Actual.objects.get().value.normalize()) == "45.5"


def test_report_bytes_are_a_workbook(live_server, page, plan):
    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, f"/plans/{plan.slug}/")
    response = page.request.get(f"{live_server.url}/plans/{plan.slug}/report.xlsx")
    assert response.ok
    assert "filename*=utf-8''B%C3%A1o" in response.headers["content-disposition"]
    load_workbook(io.BytesIO(response.body()))

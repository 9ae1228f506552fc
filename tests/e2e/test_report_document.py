"""The báo cáo downloaded from the plan dashboard in a real browser, then read with python-docx."""

import io

import docx
import pytest

from indicators.models import Actual, Comparator
from plans.services import DEMO_PASSWORD, demo_accounts_ensure
from tests import factories as f
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def plan():
    successor = f.province("Cần Thơ", code="92", slug="can-tho")
    province = f.province("Hậu Giang", code="93", slug="hau-giang", successor=successor)
    plan = f.plan(
        province, slug="hg-bao-cao", first_year=2011, last_year=2015, title="Kế hoạch Word"
    )
    internet = f.indicator(plan, code="VT-1", name="Tỷ lệ dùng Internet", unit="%")
    f.target(internet, year=2015, phrase="trên 60%", comparator=Comparator.GT, value="60")
    f.actual(internet, year=2014, value="55.5", status=Actual.Status.APPROVED)
    demo_accounts_ensure()
    return plan


def test_a_leader_downloads_the_bao_cao_of_a_chosen_year_from_the_dashboard(
    live_server, page, shot, plan
):
    login(page, live_server, "ct.lanhdao", DEMO_PASSWORD, f"/plans/{plan.slug}/")
    form = page.get_by_test_id("report-docx")
    form.get_by_label("Báo cáo năm gửi cấp trên (Word), năm").select_option("2014")
    shot("report-docx-form")
    with page.expect_download() as download:
        form.get_by_role("button", name="Tải về").click()
    assert download.value.suggested_filename == "Báo cáo hg-bao-cao năm 2014.docx"
    document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    body = [paragraph.text for paragraph in document.paragraphs]
    assert "Kết quả thực hiện Kế hoạch Word năm 2014" in body
    row = [cell.text for cell in document.tables[1].rows[1].cells]
    assert row[1:5] == ["VT-1. Tỷ lệ dùng Internet", "%", "trên 60%", "55,5"]

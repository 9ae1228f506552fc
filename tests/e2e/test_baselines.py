"""Staff record where an indicator started (Số liệu gốc) from the dashboard; a leader reads it."""

import pytest
from playwright.sync_api import expect

from indicators.models import Indicator
from plans.services import DEMO_PASSWORD
from tests.e2e.conftest import login, logout

# serialized_rollback restores what migrations created (roles, funding sources) after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HAU_GIANG_2011 = "hau-giang-qh-bcvt-cntt-2020"


def test_staff_record_a_baseline_leader_reads_it(live_server, page, shot, seeded_portal):
    internet = Indicator.objects.get(plan__slug=HAU_GIANG_2011, code="VT-08")
    mobile = Indicator.objects.get(plan__slug=HAU_GIANG_2011, code="VT-09")
    dashboard = f"/plans/{HAU_GIANG_2011}/"

    login(page, live_server, "hg.canbo", DEMO_PASSWORD, dashboard)
    page.get_by_test_id("baselines-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Số liệu gốc (hiện trạng)")
    page.locator(f"#id_b{internet.pk}-value").fill("25,4")
    page.locator(f"#id_b{internet.pk}-year").fill("2010")
    page.locator(f"#id_b{internet.pk}-source").fill("Niên giám thống kê 2010")
    page.locator(f"#id_b{mobile.pk}-value").fill("60")
    page.locator(f"#id_b{mobile.pk}-year").fill("2021")  # after the plan's last year
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Chưa lưu gì")
    expect(page.locator(f"#id_b{mobile.pk}-year-err")).to_contain_text("từ 1990 đến 2020")
    shot("1-refused")
    internet.refresh_from_db()
    assert internet.baseline_value is None  # all or nothing

    page.locator(f"#id_b{mobile.pk}-value").fill("")
    page.locator(f"#id_b{mobile.pk}-year").fill("")
    expect(page.locator(f"#id_b{mobile.pk}-year")).to_have_value("")
    # The page answers the POST with a redirect: wait for it, a busy machine is slow to answer.
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu 1 số liệu gốc")
    expect(page.locator(f"#id_b{internet.pk}-value")).to_have_value("25,4")
    row = page.locator(f'tr[data-indicator="{internet.code}"]')
    expect(row.get_by_test_id("last-change")).to_contain_text("hg.canbo")
    shot("2-saved")
    logout(page)

    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, f"{dashboard}baselines/")
    expect(page.locator(f"#id_b{internet.pk}-value")).to_be_disabled()
    expect(page.locator(f"#id_b{internet.pk}-value")).to_have_value("25,4")
    expect(page.get_by_test_id("save")).to_have_count(0)
    shot("3-leader-read-only")

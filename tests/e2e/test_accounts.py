"""Accounts in the browser: the Content-Security-Policy breaks nothing, lockout, password change."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from indicators.models import Actual
from plans.services import DEMO_PASSWORD, demo_accounts_ensure
from tests import factories as f
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def plan():
    province = f.province("Hậu Giang", code="93", slug="hau-giang")
    plan = f.plan(province, slug="hg-csp", first_year=2011, last_year=2015)
    internet = f.indicator(plan, code="VT-1", name="Tỷ lệ người sử dụng Internet")
    f.target(internet, year=2015, phrase="trên 60%", value="60")
    f.actual(internet, year=2013, value=Decimal("41.5"), status=Actual.Status.APPROVED)
    line = f.budget_line(plan, code="L1", name="Hạ tầng")
    f.allocation(line, amount="1200", year_from=2011, year_to=2015)
    demo_accounts_ensure()
    return plan


def csp_violations(page):
    """Collect what the browser refuses under the Content-Security-Policy, as it reports it."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def test_pages_charts_and_the_language_menu_work_under_the_policy(live_server, page, shot, plan):
    refused = csp_violations(page)
    login(page, live_server, "hg.canbo", DEMO_PASSWORD, f"/plans/{plan.slug}/")
    chart = page.locator("#budget-chart")
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    chart.hover()
    with page.expect_download() as downloaded:
        chart.locator('[data-title="Tải biểu đồ dạng PNG"]').click()
    assert downloaded.value.suggested_filename.endswith(".png")
    for path in (
        "/",
        f"/plans/{plan.slug}/2013/",
        f"/plans/{plan.slug}/2013/budget/",
        f"/plans/{plan.slug}/baselines/",
        "/provinces/hau-giang/2013/",
        "/compare/",
        "/accounts/password/change/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
    # The language menu's inline onchange is allowed by its hash: choosing English submits.
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
    shot("english")
    assert refused == []


def test_admin_works_under_the_policy(live_server, page, plan):
    refused = csp_violations(page)
    login(page, live_server, "admin", "admin-ictplan", "/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{live_server.url}/admin/indicators/indicator/")
    page.goto(f"{live_server.url}/admin/auth/user/")
    assert refused == []


def test_five_wrong_passwords_lock_the_login_with_a_vietnamese_message(
    live_server, page, shot, plan
):
    for _ in range(5):
        login(page, live_server, "hg.canbo", "sai-mat-khau")
    locked = page.get_by_test_id("locked-out")
    expect(locked).to_contain_text("thử lại sau 15 phút")
    shot("locked")
    login(page, live_server, "hg.canbo", DEMO_PASSWORD)
    expect(page.get_by_test_id("locked-out")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_change_password_from_the_navigation_bar(live_server, page, plan):
    login(page, live_server, "hg.canbo", DEMO_PASSWORD)
    page.get_by_role("link", name="Đổi mật khẩu").click()
    page.get_by_label("Mật khẩu cũ").fill(DEMO_PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill("mat-khau-moi-2025")
    page.get_by_label("Xác nhận mật khẩu mới").fill("mat-khau-moi-2025")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_role("heading", name="Đã đổi mật khẩu")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()
    login(page, live_server, "hg.canbo", "mat-khau-moi-2025")
    expect(page.get_by_test_id("current-user")).to_be_visible()

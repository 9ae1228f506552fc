"""Leaders' pages in a real browser: charts draw offline, filters narrow, the year view prints."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from indicators.models import Actual, Comparator
from plans.services import DEMO_PASSWORD, demo_accounts_ensure
from tests import factories as f
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def portal():
    province = f.province("Hậu Giang", code="93", slug="hau-giang")
    plan = f.plan(province, slug="hg-test", first_year=2011, last_year=2015, title="Kế hoạch thử")
    section = f.section(plan, code="S1", title="Hạ tầng viễn thông", sector=f.sector("vien-thong"))
    concept = f.concept("internet-users-pct", "Tỷ lệ người sử dụng Internet")
    internet = f.indicator(
        plan,
        code="VT-1",
        section=section,
        name="Tỷ lệ người sử dụng Internet",
        scope="toàn tỉnh",
        baseline_value=Decimal(20),
        baseline_year=2011,
        concept=concept,
    )
    f.target(internet, year=2015, phrase="trên 60%", comparator=Comparator.GT, value="60")
    for year, value in ((2012, "30"), (2013, "41,5")):
        f.actual(internet, year=year, value=value.replace(",", "."), status=Actual.Status.APPROVED)
    radius = f.indicator(
        plan,
        code="BC-1",
        section=section,
        name="Bán kính phục vụ",
        unit="km/điểm",
        direction="lower",
        scope="cấp xã",
    )
    f.target(radius, year=2015, phrase="dưới 1,4 km/điểm", comparator=Comparator.LT, value="1.4")
    f.actual(radius, year=2013, value="2.5", status=Actual.Status.APPROVED)
    line = f.budget_line(plan, code="L1", name="Hạ tầng")
    f.allocation(line, amount="1200", year_from=2011, year_to=2015)

    demo_accounts_ensure()
    return plan


def test_plan_dashboard_draws_charts_offline_and_filters(live_server, page, shot, portal):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, f"/plans/{portal.slug}/")
    table = page.get_by_test_id("indicator-table")
    expect(table).to_contain_text("trên 60%")
    expect(table).to_contain_text("41,5")
    # The budget chart is open on load: plotly drew an SVG.
    expect(page.locator("#budget-chart svg.main-svg").first).to_be_visible()
    page.get_by_test_id("chart-VT-1").locator("summary").click()
    expect(page.get_by_test_id("chart-VT-1").locator("svg.main-svg").first).to_be_visible()
    shot("dashboard")
    page.get_by_label("Phạm vi").select_option("cấp xã")
    page.get_by_role("button", name="Lọc").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("BC-1")
    # Closed networks: every request stayed on the portal.
    assert [url for url in requests if not url.startswith(live_server.url)] == []


def test_home_year_view_compare_and_agency_pages_render(live_server, page, shot, portal):
    login(page, live_server, "trunguong", DEMO_PASSWORD, "/")
    expect(page.get_by_test_id("province-93")).to_contain_text("Kế hoạch thử")
    shot("home")
    page.goto(f"{live_server.url}/provinces/hau-giang/2013/")
    expect(page.get_by_test_id("year-table")).to_contain_text("Bán kính phục vụ")
    page.goto(f"{live_server.url}/compare/internet-users-pct/")
    expect(page.locator("#compare-chart svg.main-svg").first).to_be_visible()
    expect(page.get_by_test_id("compare-table")).to_contain_text("41,5")
    shot("compare")


def test_year_view_prints_without_horizontal_overflow(live_server, page, shot, portal):
    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, "/provinces/hau-giang/2013/")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(page.get_by_test_id("year-table")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    expect(page.locator("nav.navbar")).to_be_hidden()
    shot("print")
    page.pdf(path=str(shot("print").with_suffix(".pdf")))


def test_dashboard_fits_a_tablet_and_is_keyboard_navigable(live_server, page, shot, portal):
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet held upright
    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, f"/plans/{portal.slug}/")
    expect(page.get_by_test_id("indicator-table")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0  # wide tables scroll inside their own box, not the page
    # A chart opens from the keyboard: Tab to its summary, Enter.
    summary = page.get_by_test_id("chart-VT-1").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("chart-VT-1").locator("svg.main-svg").first).to_be_visible()
    shot("tablet")

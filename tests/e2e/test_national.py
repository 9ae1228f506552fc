"""The national picture in a real browser: a national leader sorts the matrix and opens a plan."""

import pytest
from playwright.sync_api import expect

from indicators.models import Actual, Indicator
from plans.services import DEMO_PASSWORD
from tests import factories as f
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HG = "hau-giang-qh-bcvt-cntt-2020"
EDOCS = "Tỷ lệ văn bản trao đổi dưới dạng điện tử"


@pytest.fixture
def figures(seeded_portal):
    """Approved 2015 figures of e-documents: Bình Thuận 95, Hậu Giang 75,5, Sóc Trăng 60."""
    for plan, code, value in (
        (HG, "UD-01", "75.5"),
        ("soc-trang-kh-22-2012", "UD-06", "60"),
        ("binh-thuan-kh-nq03-2015", "UD-02", "95"),
        (HG, "VT-08", "40"),  # another concept: a second ranking chart, fetched when opened
    ):
        indicator = Indicator.objects.get(plan__slug=plan, code=code)
        f.actual(indicator, year=2015, value=value, status=Actual.Status.APPROVED)


def test_a_national_leader_sorts_the_matrix_and_opens_a_plan(live_server, page, shot, figures):
    login(page, live_server, "trunguong", DEMO_PASSWORD, "/")
    page.get_by_role("link", name="Toàn quốc").click()
    table = page.get_by_test_id("national-table")
    expect(table).to_be_visible()
    expect(page.locator("[data-testid=years] .active")).to_have_text("2015")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(35)  # 34 units, Cần Thơ twice: Hậu Giang's and Sóc Trăng's plans
    expect(rows.first).to_contain_text("An Giang")
    expect(rows.first).to_contain_text("Chưa có kế hoạch trong hệ thống")

    header = table.locator("th", has_text=EDOCS)
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.nth(0)).to_have_attribute("data-origin", "60")
    expect(rows.nth(0)).to_contain_text("Lâm Đồng — theo kế hoạch của Bình Thuận")
    expect(rows.nth(1)).to_contain_text("Cần Thơ — theo kế hoạch của Hậu Giang (nay thuộc Cần Thơ)")
    expect(rows.nth(2)).to_contain_text("Cần Thơ — theo kế hoạch của Sóc Trăng (nay thuộc Cần Thơ)")
    expect(rows.nth(1).locator("td[data-concept=edocs-exchanged-pct]")).to_contain_text("75,5")

    table.locator("th", has_text=EDOCS).get_by_role("link").click()
    expect(table.locator("th", has_text=EDOCS)).to_have_attribute("aria-sort", "ascending")
    expect(rows.nth(0)).to_have_attribute("data-origin", "94")
    expect(rows.nth(2)).to_have_attribute("data-origin", "60")
    # The first ranking comes with the page; the others are fetched when their <details> opens.
    rankings = page.locator("details.chart-details")
    expect(rankings).to_have_count(2)
    expect(rankings.first.locator(".main-svg").first).to_be_visible()
    edocs = page.get_by_test_id("ranking-edocs-exchanged-pct")
    expect(edocs.locator(".main-svg")).to_have_count(0)
    edocs.locator("summary").click()
    expect(edocs.locator(".main-svg").first).to_be_visible()
    expect(edocs).to_contain_text("Lâm Đồng — theo kế hoạch của Bình Thuận")
    shot("national-sorted")

    rows.nth(1).locator("td[data-concept=edocs-exchanged-pct] a").click()
    expect(page).to_have_url(f"{live_server.url}/plans/{HG}/")
    expect(page.locator("h1")).to_contain_text("HẬU GIANG")

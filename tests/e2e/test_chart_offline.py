"""Charts stay inside the portal: no Plotly Cloud button, no plotly logo, a Vietnamese modebar."""

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
    plan = f.plan(province, slug="hg-chart", first_year=2011, last_year=2015)
    internet = f.indicator(plan, code="VT-1", name="Tỷ lệ người sử dụng Internet")
    f.target(internet, year=2015, phrase="trên 60%", value="60")
    f.actual(internet, year=2013, value=Decimal("41.5"), status=Actual.Status.APPROVED)
    line = f.budget_line(plan, code="L1", name="Hạ tầng")
    f.allocation(line, amount="1200", year_from=2011, year_to=2015)
    demo_accounts_ensure()
    return plan


def test_plan_dashboard_chart_has_no_cloud_link_and_a_vietnamese_modebar(
    live_server, page, shot, plan
):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, f"/plans/{plan.slug}/")
    chart = page.locator("#budget-chart")
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    chart.hover()
    modebar = chart.locator(".modebar")
    expect(modebar).to_be_visible()
    shot("modebar")

    # Download-as-image stays, titled in Vietnamese; so do the other buttons.
    download = modebar.locator('[data-title="Tải biểu đồ dạng PNG"]')
    expect(download).to_have_count(1)
    expect(modebar.locator('[data-title="Đặt lại trục"]')).to_have_count(1)
    # No Plotly Cloud button, no plotly logo, no link out of the portal anywhere on the page.
    expect(modebar.locator('[data-attr="sendChartToCloud"], [data-title^="Share"]')).to_have_count(
        0
    )
    expect(modebar.locator(".plotlylogo")).to_have_count(0)
    expect(
        page.locator('a[href*="plot.ly"], a[href*="plotly.com"], a[href*="chart-studio"]')
    ).to_have_count(0)
    titles = modebar.locator("[data-title]").evaluate_all("els => els.map(e => e.dataset.title)")
    assert titles and not [t for t in titles if t.isascii()], titles

    # The image still downloads, made in the browser.
    with page.expect_download() as downloaded:
        download.click()
    assert downloaded.value.suggested_filename.endswith(".png")

    # Closed networks: every request stayed on the portal (data: and blob: URLs are local).
    outside = [
        url
        for url in requests
        if not url.startswith(live_server.url) and not url.startswith(("data:", "blob:"))
    ]
    assert outside == []

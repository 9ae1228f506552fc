"""Verdicts in a real browser: what a leader reads on home, the dashboard and the year view."""

import pytest
from playwright.sync_api import expect

from indicators.models import Actual, Comparator, Indicator
from plans.services import DEMO_PASSWORD, demo_accounts_ensure
from tests import factories as f
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

APPROVED = Actual.Status.APPROVED


@pytest.fixture
def plan():
    province = f.province("Hậu Giang", code="93", slug="hau-giang")
    plan = f.plan(province, slug="hg-verdicts", first_year=2011, last_year=2020, title="Quy hoạch")
    section = f.section(plan, code="S1", title="Viễn thông", sector=f.sector("vien-thong"))
    # "ngầm hóa 60 - 70%" with 80% reached in 2020: exceeded.
    cables = f.indicator(plan, code="VT-10", section=section, name="Ngầm hóa mạng ngoại vi")
    f.target(
        cables,
        year=2020,
        phrase="60 - 70%",
        comparator=Comparator.RANGE,
        value="60",
        upper_value="70",
        note="Tính đến hệ thống tủ cáp và thuê bao.",
    )
    f.actual(cables, year=2020, value="80", status=APPROVED)
    # A growth rate "đến năm 2015" reported in 2020: no target for that year.
    growth = f.indicator(
        plan,
        code="BC-04",
        section=section,
        name="Tốc độ tăng trưởng bưu chính",
        aggregation=Indicator.Aggregation.YEARLY_RATE,
        allows_negative=True,
    )
    f.target(
        growth,
        year=2015,
        period_start=2011,
        phrase="5 - 10%",
        comparator=Comparator.RANGE,
        value="5",
        upper_value="10",
    )
    f.actual(growth, year=2020, value="-3", status=APPROVED)
    # A missed milestone: "Không đạt", apart from "Chậm tiến độ".
    missed = f.indicator(plan, code="VT-08", section=section, name="Dân số sử dụng Internet")
    f.target(missed, year=2020, phrase="70%", comparator=Comparator.EQ, value="70")
    f.actual(missed, year=2020, value="50", status=APPROVED)
    demo_accounts_ensure()
    return plan


def test_a_leader_reads_exceeded_not_achieved_and_no_target_apart(live_server, page, shot, plan):
    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, "/")
    row = page.locator(f"tr[data-plan='{plan.slug}']")
    expect(row.locator("td[data-status='exceeded']")).to_have_text("1")
    expect(row.locator("td[data-status='not_achieved']")).to_have_text("1")
    expect(row.locator("td[data-status='no_target']")).to_have_text("1")
    expect(row.locator("td[data-status='behind']")).to_have_text("0")
    expect(page.locator("th[data-status='exceeded']")).to_contain_text("Vượt chỉ tiêu")
    shot("home-verdicts")

    page.goto(f"{live_server.url}/plans/{plan.slug}/")
    table = page.get_by_test_id("indicator-table")
    cables = table.locator("tr", has_text="VT-10")
    expect(cables).to_contain_text("Vượt chỉ tiêu")
    expect(cables).to_contain_text("Tính đến hệ thống tủ cáp và thuê bao.")  # the target's note
    expect(table.locator("tr", has_text="BC-04")).to_contain_text("Không có chỉ tiêu cho năm này")
    expect(table.locator("tr", has_text="BC-04")).to_contain_text("-3")
    page.get_by_label("Trạng thái").select_option(label="Vượt chỉ tiêu")
    page.get_by_role("button", name="Lọc").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    shot("dashboard-verdicts")

    page.goto(f"{live_server.url}/provinces/hau-giang/2020/")
    year_table = page.get_by_test_id("year-table")
    expect(year_table.locator("tr", has_text="Ngầm hóa")).to_contain_text("Vượt chỉ tiêu")
    expect(year_table.locator("tr", has_text="Ngầm hóa")).to_contain_text("tủ cáp và thuê bao")
    expect(year_table.locator("tr", has_text="Tốc độ tăng trưởng")).to_contain_text(
        "Không có chỉ tiêu cho năm này"
    )

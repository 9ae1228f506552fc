"""Staff enter figures in Vietnamese notation, submit; a leader approves; staff see them locked."""

import re

import pytest
from playwright.sync_api import expect

from indicators.models import Actual, Indicator
from plans.services import DEMO_PASSWORD
from tests.e2e.conftest import login, logout

# serialized_rollback restores what migrations created (roles, funding sources) after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HAU_GIANG_2011 = "hau-giang-qh-bcvt-cntt-2020"


def test_staff_enter_submit_leader_approves_figures_locked(live_server, page, shot, seeded_portal):
    percent = Indicator.objects.filter(
        plan__slug=HAU_GIANG_2011, kind="quantitative", unit="%"
    ).first()
    other = (
        Indicator.objects.filter(plan__slug=HAU_GIANG_2011, kind="quantitative")
        .exclude(unit="%")
        .exclude(unit__startswith="%")
        .first()
    )
    entry = f"/plans/{HAU_GIANG_2011}/2013/"

    login(page, live_server, "hg.canbo", DEMO_PASSWORD, entry)
    expect(page.get_by_test_id("plan-year-status")).to_contain_text("Nháp")
    page.locator(f"#id_i{percent.pk}-value").fill("85,5")
    page.locator(f"#id_i{percent.pk}-note").fill("Báo cáo của VNPT Hậu Giang")
    page.locator(f"#id_i{other.pk}-value").fill("1.234")
    shot("1-staff-filled")
    page.get_by_test_id("save").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu nháp 2 số liệu")
    expect(page.locator(f"#id_i{other.pk}-value")).to_have_value("1.234")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("plan-year-status")).to_contain_text("Đã gửi duyệt")
    shot("2-staff-submitted")
    logout(page)

    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, entry)
    expect(page.locator(f"#id_i{percent.pk}-value")).to_be_disabled()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("plan-year-status")).to_contain_text("Đã duyệt")
    shot("3-leader-approved")
    logout(page)

    login(page, live_server, "hg.canbo", DEMO_PASSWORD, entry)
    value = page.locator(f"#id_i{percent.pk}-value")
    expect(value).to_have_value("85,5")
    expect(value).to_be_disabled()
    expect(page.get_by_test_id("save")).to_have_count(0)
    expect(page.locator(f'tr[data-indicator="{percent.code}"]')).to_contain_text(
        re.compile("Đã duyệt")
    )
    shot("4-staff-locked")

    figures = Actual.objects.filter(indicator__plan__slug=HAU_GIANG_2011, year=2013)
    assert sorted((a.indicator_id, str(a.value.normalize()), a.status) for a in figures) == sorted(
        [(percent.pk, "85.5", "approved"), (other.pk, "1234", "approved")]
    )

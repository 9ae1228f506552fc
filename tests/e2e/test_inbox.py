"""A leader finds a submission in the home inbox, opens it and approves it from there."""

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from plans import services
from plans.models import Notice
from plans.roles import roles_ensure
from tests import factories as f
from tests.e2e.conftest import login

# serialized_rollback restores what migrations created (roles, funding sources) after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_leader_sees_the_submission_in_the_inbox_and_approves_from_it(live_server, page, shot):
    # As the other browser tests do through demo_accounts_ensure(): the roles exist whatever
    # flush the test before left behind.
    roles_ensure()
    year = timezone.localdate().year
    province = f.province("Hậu Giang", code="93", slug="hau-giang")
    plan = f.plan(
        province,
        slug="hg-chuyen-doi-so",
        title="Kế hoạch chuyển đổi số tỉnh Hậu Giang",
        first_year=year - 1,
        last_year=year + 1,
    )
    indicator = f.indicator(plan, code="CDS-1", name="Tỷ lệ hồ sơ trực tuyến", unit="%")
    staff = f.user(f.STAFF, province, "hg.canbo")
    staff.email = "hg.canbo@example.vn"
    staff.save()
    f.user(f.LEADER, province, "hg.lanhdao")
    f.actual(indicator, year=year, value="85", entered_by=staff)
    services.plan_year_submit(plan=plan, year=year, user=staff)

    login(page, live_server, "hg.lanhdao", "pw")
    expect(page.get_by_test_id("inbox-count")).to_contain_text("1")
    item = page.get_by_test_id("inbox-leader").locator(
        f'[data-plan="hg-chuyen-doi-so"][data-year="{year}"]'
    )
    expect(item).to_contain_text("gửi bởi hg.canbo")
    expect(item).to_contain_text("Kế hoạch chuyển đổi số")
    shot("1-leader-inbox")

    item.get_by_test_id("inbox-open").click()
    expect(page).to_have_url(f"{live_server.url}/plans/hg-chuyen-doi-so/{year}/review/")
    expect(page.get_by_test_id("plan-year-status")).to_contain_text("Đã gửi duyệt")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("plan-year-status")).to_contain_text("Đã duyệt")
    shot("2-approved")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("inbox-leader")).to_have_count(0)
    expect(page.get_by_test_id("inbox-count")).to_have_count(0)
    shot("3-inbox-cleared")

    # The staff member who entered the year is told, in the portal and by mail.
    assert Notice.objects.filter(recipient=staff, kind=Notice.Kind.APPROVED).count() == 1
    approved = [m for m in mail.outbox if m.to == ["hg.canbo@example.vn"]]
    assert len(approved) == 1
    assert "đã được duyệt" in approved[0].subject

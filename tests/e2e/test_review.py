"""A leader reviews a submission from the home inbox and returns it with a comment on one row;
the staff member finds that comment beside the row on the entry screen."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plans import services
from plans.roles import roles_ensure
from tests import factories as f
from tests.e2e.conftest import login, logout

# serialized_rollback restores what migrations created (roles, funding sources) after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_leader_returns_with_a_row_comment_that_staff_see_on_the_entry_screen(
    live_server, page, shot
):
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
    online = f.indicator(plan, code="CDS-1", name="Tỷ lệ hồ sơ trực tuyến", unit="%", position=1)
    f.target(online, year=year + 1, phrase="trên 90%", value="90")
    cameras = f.indicator(plan, code="CDS-2", name="Số camera giám sát", unit="camera", position=2)
    staff = f.user(f.STAFF, province, "hg.canbo")
    f.user(f.LEADER, province, "hg.lanhdao")
    f.actual(online, year=year, value="85", note="Theo báo cáo quý IV", entered_by=staff)
    f.actual(cameras, year=year, value="120", entered_by=staff)
    services.plan_year_submit(plan=plan, year=year, user=staff)

    login(page, live_server, "hg.lanhdao", "pw")
    item = page.get_by_test_id("inbox-leader").locator(
        f'[data-plan="hg-chuyen-doi-so"][data-year="{year}"]'
    )
    item.get_by_test_id("inbox-open").click()
    review_url = f"{live_server.url}/plans/hg-chuyen-doi-so/{year}/review/"
    expect(page).to_have_url(review_url)
    row = page.locator('[data-testid="review-row"][data-indicator="CDS-1"]')
    expect(row.get_by_test_id("note")).to_have_text("Theo báo cáo quý IV")
    expect(row.get_by_test_id("entered-by")).to_contain_text("hg.canbo")
    shot("1-review")

    cameras_row = page.locator('[data-testid="review-row"][data-indicator="CDS-2"]')
    cameras_row.get_by_test_id("row-comment-input").fill("Số camera chưa khớp báo cáo của Công an")
    page.get_by_test_id("return-comment").fill("Đề nghị kiểm tra lại trước khi gửi")
    page.get_by_test_id("return").click()
    expect(page).to_have_url(review_url)
    expect(page.get_by_test_id("plan-year-status")).to_contain_text("Trả lại")
    shot("2-returned")
    logout(page)

    login(page, live_server, "hg.canbo", "pw")
    page.get_by_test_id("inbox-staff").locator('[data-kind="returned"]').get_by_role(
        "link", name="Sửa và gửi lại"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/plans/hg-chuyen-doi-so/{year}/")
    expect(page.get_by_test_id("plan-year-comment")).to_contain_text(
        "Đề nghị kiểm tra lại trước khi gửi"
    )
    commented = page.locator('[data-testid="entry-table"] tr[data-indicator="CDS-2"]')
    expect(commented.get_by_test_id("row-comment")).to_contain_text(
        "Số camera chưa khớp báo cáo của Công an"
    )
    expect(
        page.locator('[data-testid="entry-table"] tr[data-indicator="CDS-1"]').get_by_test_id(
            "row-comment"
        )
    ).to_have_count(0)
    shot("3-staff-sees-the-row-comment")

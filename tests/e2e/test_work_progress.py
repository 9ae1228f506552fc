"""Staff report how far a project and a duty went in a year, on the plan-year's own tab."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Project, ReviewStatus, WorkProgress
from plans.services import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SOC_TRANG = "soc-trang-kh-22-2012"


def test_staff_report_a_projects_progress_and_money(live_server, page, shot, seeded_portal):
    project = Project.objects.filter(plan__slug=SOC_TRANG).order_by("position", "code").first()
    login(page, live_server, "st.canbo", DEMO_PASSWORD, f"/plans/{SOC_TRANG}/2013/")
    page.get_by_test_id("work-tab").click()
    row = page.locator(f'tr[data-item="project-{project.code}"]')
    row.get_by_test_id("state").select_option(WorkProgress.State.STOPPED)
    row.get_by_test_id("account").fill("Đã khảo sát địa điểm")
    row.get_by_test_id("disbursed").fill("1.234,5")
    page.get_by_test_id("save").click()
    # Stopped without a reason: refused by name, what was typed kept.
    expect(row.get_by_test_id("reason")).to_have_class(re.compile("is-invalid"))
    expect(row.get_by_test_id("disbursed")).to_have_value("1.234,5")
    assert not WorkProgress.objects.exists()
    row.get_by_test_id("reason").fill("Chưa bố trí được vốn")
    page.get_by_test_id("save").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu nháp tiến độ của 1 dự án")
    expect(row.get_by_test_id("disbursed")).to_have_value("1.234,5")
    shot("1-project-stopped")
    saved = WorkProgress.objects.get()
    assert (saved.project_id, saved.state, saved.status) == (
        project.pk,
        WorkProgress.State.STOPPED,
        ReviewStatus.DRAFT,
    )
    assert str(saved.disbursed) == "1234.5000"

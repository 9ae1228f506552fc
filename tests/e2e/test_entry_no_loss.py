"""The entry screen never loses typing, and the portal fits a phone."""

import pytest
from playwright.sync_api import expect

from indicators.models import Actual, Comparator, Direction, Indicator, Target
from plans.models import PlanYear
from plans.services import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HAU_GIANG_2011 = "hau-giang-qh-bcvt-cntt-2020"
ENTRY = f"/plans/{HAU_GIANG_2011}/2013/"
PHONE = {"width": 390, "height": 844}


def _quantitative():
    """Return a percentage indicator: 85,5 is a figure it accepts, "mười hai" one it refuses."""
    return Indicator.objects.filter(
        plan__slug=HAU_GIANG_2011, kind="quantitative", unit="%"
    ).first()


def test_submit_without_saving_keeps_the_typed_figure(live_server, page, shot, seeded_portal):
    indicator = _quantitative()
    login(page, live_server, "hg.canbo", DEMO_PASSWORD, ENTRY)
    page.locator(f"#id_i{indicator.pk}-value").fill("85,5")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("plan-year-status")).to_contain_text("Đã gửi duyệt")
    expect(page.get_by_role("status")).to_contain_text("sau khi lưu 1 số liệu")
    expect(page.locator(f"#id_i{indicator.pk}-value")).to_have_value("85,5")
    shot("submitted")
    actual = Actual.objects.get(indicator=indicator, year=2013)
    assert (str(actual.value.normalize()), actual.status) == ("85.5", "submitted")
    assert PlanYear.objects.get(plan__slug=HAU_GIANG_2011, year=2013).status == "submitted"


def test_submit_with_a_bad_figure_keeps_it_and_says_why(live_server, page, seeded_portal):
    indicator = _quantitative()
    login(page, live_server, "hg.canbo", DEMO_PASSWORD, ENTRY)
    page.locator(f"#id_i{indicator.pk}-value").fill("mười hai")
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert").first).to_contain_text("Chưa")
    expect(
        page.get_by_text("Chưa gửi duyệt: những gì bạn đã nhập vẫn còn bên dưới.")
    ).to_be_visible()
    expect(page.locator(f"#id_i{indicator.pk}-value")).to_have_value("mười hai")
    expect(page.get_by_test_id("plan-year-status")).to_contain_text("Nháp")
    assert not Actual.objects.filter(indicator=indicator, year=2013).exists()


def test_leaving_with_unsaved_typing_asks_first(live_server, page, seeded_portal):
    indicator = _quantitative()
    login(page, live_server, "hg.canbo", DEMO_PASSWORD, ENTRY)
    page.locator(f"#id_i{indicator.pk}-value").fill("7")
    dialogs = []

    def refuse(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link").first.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(ENTRY)
    expect(page.locator(f"#id_i{indicator.pk}-value")).to_have_value("7")


def test_save_bar_stays_in_view_while_scrolling(live_server, page, seeded_portal):
    login(page, live_server, "hg.canbo", DEMO_PASSWORD, ENTRY)
    page.set_viewport_size({"width": 1366, "height": 500})
    page.mouse.wheel(0, 400)
    expect(page.get_by_test_id("submit")).to_be_in_viewport()
    expect(page.get_by_test_id("save")).to_be_in_viewport()


def _overflow(page) -> dict:
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " nav: document.querySelector('nav.navbar').getBoundingClientRect().height})"
    )


def test_phone_pages_fit_without_sideways_scrolling(live_server, page, shot, seeded_portal):
    page.set_viewport_size(PHONE)
    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, "/")
    for name, path in (
        ("home", "/"),
        ("dashboard", f"/plans/{HAU_GIANG_2011}/"),
        ("entry", ENTRY),
        ("budget", f"/plans/{HAU_GIANG_2011}/2013/budget/"),
        ("review", f"/plans/{HAU_GIANG_2011}/2013/review/"),
        ("evidence", f"/plans/{HAU_GIANG_2011}/2013/evidence/"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        shot(f"phone-{name}")
        sizes = _overflow(page)
        assert sizes["scroll"] <= sizes["inner"], (name, sizes)
        assert sizes["nav"] < 80, (name, sizes)
    page.get_by_test_id("nav-toggler").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def _missed_milestone() -> Indicator:
    """Return an indicator of the plan given an approved figure a tenth of its first milestone."""
    target = (
        Target.objects.filter(
            indicator__plan__slug=HAU_GIANG_2011,
            indicator__kind=Indicator.Kind.QUANTITATIVE,
            indicator__direction=Direction.HIGHER_IS_BETTER,
            comparator__in=[Comparator.GT, Comparator.GTE, Comparator.EQ],
            value__gt=0,
        )
        .order_by("year", "indicator__position")
        .select_related("indicator")
        .first()
    )
    Actual.objects.create(
        indicator=target.indicator,
        year=target.year,
        value=target.value / 10,
        status=Actual.Status.APPROVED,
    )
    return target.indicator


# The first element after the dashboard's header that takes up room on the screen.
FIRST_BLOCK_AFTER_HEADER = """() => {
  let block = document.querySelector("main header").nextElementSibling;
  while (block && block.getBoundingClientRect().height === 0) {
    block = block.nextElementSibling;
  }
  return block ? block.dataset.testid || block.tagName : null;
}"""


def test_phone_dashboard_leads_with_what_is_behind(live_server, page, shot, seeded_portal):
    behind = _missed_milestone()
    page.set_viewport_size(PHONE)
    login(page, live_server, "hg.lanhdao", DEMO_PASSWORD, f"/plans/{HAU_GIANG_2011}/")
    expect(page.get_by_test_id("needs-attention")).to_be_visible()
    shot("phone-dashboard-behind")
    sizes = _overflow(page)
    assert sizes["scroll"] <= sizes["inner"], sizes
    assert page.evaluate(FIRST_BLOCK_AFTER_HEADER) == "needs-attention"
    item = page.get_by_test_id(f"behind-{behind.code}")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Không đạt")
    # A wide screen reads the same verdict in the indicator table; the list is the phone's.
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.get_by_test_id("needs-attention")).to_be_hidden()
    expect(page.get_by_test_id("indicator-table")).to_contain_text(behind.code)

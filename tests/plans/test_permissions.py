"""Who may see and change what: one table of URL × role → status, and a check that no URL
of the portal is missing from it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import home_page

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff_a", "staff_b", "leader_a", "national", "admin"]
# Users of today's provinces: Cần Thơ (which Hậu Giang, province A, joined on 1/7/2025) works
# on A's plans exactly as A's own users do; Bắc Ninh reaches A no more than province B does.
SAME_AS = {
    "staff_successor": "staff_a",
    "leader_successor": "leader_a",
    "staff_unrelated": "staff_b",
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _evidence(world):
    """Return a PDF attached by staff_a to a draft figure of plan A in 2013."""
    from django.core.files.base import ContentFile

    from indicators.models import EvidenceFile
    from tests import factories as f

    item = EvidenceFile(
        actual=f.actual(world.percent, year=2013),
        original_name="minh chứng.pdf",
        extension="pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=world.users["staff_a"],
    )
    item.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"))
    return item


def expect(**statuses: int) -> dict[str, int]:
    """Return the status each role gets, named, so a row cannot shift a value to another role."""
    assert sorted(statuses) == sorted(ROLES), statuses
    return statuses


# name → (method, url builder, expected status of each role, by name).
# 302 for pages: anonymous users are sent to the login page, and a successful POST redirects.
# 404 outside the user's province, 403 for a role that lacks the action.
MATRIX = {
    "plans:home": (
        "get",
        lambda w: reverse("plans:home"),
        expect(anonymous=302, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "plans:plan-dashboard": (
        "get",
        lambda w: reverse("plans:plan-dashboard", args=[w.plan_a.slug]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:plan-source": (
        "get",
        lambda w: reverse("plans:plan-source", args=[w.plan_a.slug]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "indicators:baselines": (
        "get",
        lambda w: reverse("indicators:baselines", args=[w.plan_a.slug]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "indicators:baselines:post": (
        "post",
        lambda w: reverse("indicators:baselines", args=[w.plan_a.slug]),
        expect(anonymous=302, staff_a=302, staff_b=404, leader_a=403, national=403, admin=302),
    ),
    "plans:new-plan": (
        "get",
        lambda w: reverse("plans:new-plan"),
        expect(anonymous=302, staff_a=403, staff_b=403, leader_a=403, national=403, admin=200),
    ),
    "plans:new-plan-template": (
        "get",
        lambda w: reverse("plans:new-plan-template"),
        expect(anonymous=302, staff_a=403, staff_b=403, leader_a=403, national=403, admin=200),
    ),
    "plans:plan-workbook": (
        "get",
        lambda w: reverse("plans:plan-workbook", args=[w.plan_a.slug]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:plan-report": (
        "get",
        lambda w: reverse("plans:plan-report", args=[w.plan_a.slug]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:plan-report-docx": (
        "get",
        lambda w: reverse("plans:plan-report-docx", args=[w.plan_a.slug]) + "?year=2013",
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "indicators:concept-compare-xlsx": (
        "get",
        lambda w: reverse("indicators:concept-compare-xlsx", args=[w.concept.code]),
        expect(anonymous=302, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "indicators:national-workbook": (
        "get",
        lambda w: reverse("indicators:national-workbook"),
        expect(anonymous=302, staff_a=403, staff_b=403, leader_a=403, national=200, admin=200),
    ),
    "plans:year-report-docx": (
        "get",
        lambda w: reverse("plans:year-report-docx", args=[w.province_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:year-report": (
        "get",
        lambda w: reverse("plans:year-report", args=[w.province_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:progress-template": (
        "get",
        lambda w: reverse("plans:progress-template", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=403, national=403, admin=200),
    ),
    "plans:progress-upload": (
        "get",
        lambda w: reverse("plans:progress-upload", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=403, national=403, admin=200),
    ),
    "plans:progress-upload:post": (
        "post",
        lambda w: reverse("plans:progress-upload", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=403, national=403, admin=200),
    ),
    "plans:year-view": (
        "get",
        lambda w: reverse("plans:year-view", args=[w.province_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "indicators:concept-list": (
        "get",
        lambda w: reverse("indicators:concept-list"),
        expect(anonymous=302, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "indicators:concept-compare": (
        "get",
        lambda w: reverse("indicators:concept-compare", args=[w.concept.code]),
        expect(anonymous=302, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "indicators:national": (
        "get",
        lambda w: reverse("indicators:national"),
        expect(anonymous=302, staff_a=403, staff_b=403, leader_a=403, national=200, admin=200),
    ),
    "indicators:national-ranking": (
        "get",
        lambda w: reverse("indicators:national-ranking", args=["no-such-concept"]),
        expect(anonymous=302, staff_a=403, staff_b=403, leader_a=403, national=404, admin=404),
    ),
    "plans:agency-list": (
        "get",
        lambda w: reverse("plans:agency-list"),
        expect(anonymous=302, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "plans:agency-detail": (
        "get",
        lambda w: reverse("plans:agency-detail", args=[w.agency.code]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "indicators:entry": (
        "get",
        lambda w: reverse("indicators:entry", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "indicators:entry:post": (
        "post",
        lambda w: reverse("indicators:entry", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=302, staff_b=404, leader_a=403, national=403, admin=302),
    ),
    "budgets:entry": (
        "get",
        lambda w: reverse("budgets:entry", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "budgets:entry:post": (
        "post",
        lambda w: reverse("budgets:entry", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=302, staff_b=404, leader_a=403, national=403, admin=302),
    ),
    "plans:work-entry": (
        "get",
        lambda w: reverse("plans:work-entry", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:work-entry:post": (
        "post",
        lambda w: reverse("plans:work-entry", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=302, staff_b=404, leader_a=403, national=403, admin=302),
    ),
    "plans:submit": (
        "post",
        lambda w: reverse("plans:submit", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=302, staff_b=404, leader_a=403, national=403, admin=302),
    ),
    "plans:approve": (
        "post",
        lambda w: reverse("plans:approve", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=403, staff_b=404, leader_a=302, national=403, admin=302),
    ),
    "plans:return": (
        "post",
        lambda w: reverse("plans:return", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=403, staff_b=404, leader_a=302, national=403, admin=302),
    ),
    "plans:reopen": (
        "post",
        lambda w: reverse("plans:reopen", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=403, staff_b=404, leader_a=302, national=403, admin=302),
    ),
    # The review screen: seen by whoever sees the plan-year, decided by those who approve. A
    # return of a year not submitted is refused on the page itself, with what was typed (400).
    "plans:review": (
        "get",
        lambda w: reverse("plans:review", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:review-return": (
        "post",
        lambda w: reverse("plans:review-return", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=403, staff_b=404, leader_a=400, national=403, admin=400),
    ),
    "plans:review-approve": (
        "post",
        lambda w: reverse("plans:review-approve", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=403, staff_b=404, leader_a=302, national=403, admin=302),
    ),
    "indicators:history": (
        "get",
        lambda w: reverse("indicators:history", args=[w.percent.pk]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "budgets:line-history": (
        "get",
        lambda w: reverse("budgets:line-history", args=[w.line.pk]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:api-plan-list": (
        "get",
        lambda w: reverse("plans:api-plan-list"),
        expect(anonymous=401, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "plans:api-plan-detail": (
        "get",
        lambda w: reverse("plans:api-plan-detail", args=[w.plan_a.slug]),
        expect(anonymous=401, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "admin:changelist": (
        "get",
        lambda w: reverse("admin:indicators_actual_changelist"),
        expect(anonymous=302, staff_a=302, staff_b=302, leader_a=302, national=302, admin=200),
    ),
    "admin:change-plan": (
        "get",
        lambda w: reverse("admin:plans_plan_change", args=[w.plan_a.pk]),
        expect(anonymous=302, staff_a=302, staff_b=302, leader_a=302, national=302, admin=200),
    ),
    # Figures change only through the entry screens and the workflow: read-only in the admin,
    # for administrators too.
    "admin:add-actual": (
        "get",
        lambda w: reverse("admin:indicators_actual_add"),
        expect(anonymous=302, staff_a=302, staff_b=302, leader_a=302, national=302, admin=403),
    ),
    "admin:add-disbursement": (
        "get",
        lambda w: reverse("admin:budgets_disbursement_add"),
        expect(anonymous=302, staff_a=302, staff_b=302, leader_a=302, national=302, admin=403),
    ),
    "admin:users": (
        "get",
        lambda w: reverse("admin:auth_user_changelist"),
        expect(anonymous=302, staff_a=302, staff_b=302, leader_a=302, national=302, admin=200),
    ),
    "login": (
        "get",
        lambda w: reverse("login"),
        expect(anonymous=200, staff_a=302, staff_b=302, leader_a=302, national=302, admin=302),
    ),
    "logout": (
        "post",
        lambda w: reverse("logout"),
        expect(anonymous=302, staff_a=302, staff_b=302, leader_a=302, national=302, admin=302),
    ),
    "password_change": (
        "get",
        lambda w: reverse("password_change"),
        expect(anonymous=302, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "password_change_done": (
        "get",
        lambda w: reverse("password_change_done"),
        expect(anonymous=302, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    # Password reset by e-mail: open to everybody, as it must be (tests/plans/test_accounts.py).
    "password_reset": (
        "get",
        lambda w: reverse("password_reset"),
        expect(anonymous=200, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "password_reset_done": (
        "get",
        lambda w: reverse("password_reset_done"),
        expect(anonymous=200, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "password_reset_confirm": (
        "get",
        lambda w: reverse("password_reset_confirm", args=["MQ", "set-password"]),
        expect(anonymous=200, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "password_reset_complete": (
        "get",
        lambda w: reverse("password_reset_complete"),
        expect(anonymous=200, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    # The yearly cycle: reporting status for leaders and national leaders, deadlines changed by
    # leaders of the province and administrators, everyone's own notices.
    "plans:reporting-status": (
        "get",
        lambda w: reverse("plans:reporting-status"),
        expect(anonymous=302, staff_a=403, staff_b=403, leader_a=200, national=200, admin=200),
    ),
    "plans:reporting-status-export": (
        "get",
        lambda w: reverse("plans:reporting-status-export"),
        expect(anonymous=302, staff_a=403, staff_b=403, leader_a=200, national=200, admin=200),
    ),
    "plans:deadlines": (
        "get",
        lambda w: reverse("plans:deadlines", args=[w.plan_a.slug]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "plans:deadlines:post": (
        "post",
        lambda w: reverse("plans:deadlines", args=[w.plan_a.slug]),
        expect(anonymous=302, staff_a=403, staff_b=404, leader_a=302, national=403, admin=302),
    ),
    "plans:notices": (
        "get",
        lambda w: reverse("plans:notices"),
        expect(anonymous=302, staff_a=200, staff_b=200, leader_a=200, national=200, admin=200),
    ),
    "plans:notices:post": (
        "post",
        lambda w: reverse("plans:notices"),
        expect(anonymous=302, staff_a=302, staff_b=302, leader_a=302, national=302, admin=302),
    ),
    # Evidence files: the page as the entry screen; a POST naming no figure of the plan-year
    # finds none (404) for those who may enter; files served as their figure is, drafts only to
    # those who see drafts; a file removed by its uploader (others are told it is not theirs).
    "indicators:evidence": (
        "get",
        lambda w: reverse("indicators:evidence", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=200, admin=200),
    ),
    "indicators:evidence:post": (
        "post",
        lambda w: reverse("indicators:evidence", args=[w.plan_a.slug, 2013]),
        expect(anonymous=302, staff_a=404, staff_b=404, leader_a=403, national=403, admin=404),
    ),
    "indicators:evidence-download": (
        "get",
        lambda w: reverse("indicators:evidence-download", args=[_evidence(w).pk]),
        expect(anonymous=302, staff_a=200, staff_b=404, leader_a=200, national=404, admin=200),
    ),
    "indicators:evidence-remove": (
        "post",
        lambda w: reverse("indicators:evidence-remove", args=[_evidence(w).pk]),
        expect(anonymous=302, staff_a=302, staff_b=404, leader_a=403, national=403, admin=302),
    ),
}
# URLs that are not pages of ours.
NOT_CHECKED = {"set_language"}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_of_the_portal_has_a_rule():
    covered = {name.split(":post")[0] for name in MATRIX} | NOT_CHECKED
    assert set(_names(get_resolver().url_patterns)) - covered == set()


CASES = [
    pytest.param(name, role, id=f"{name}-{role}") for name in MATRIX for role in [*ROLES, *SAME_AS]
]


def post_data(world):
    """Return a valid, unchanged submission of plan A's entry and baseline pages plus workflow
    fields."""
    data = {"comment": "sai số liệu", "reason": "sửa"}
    for indicator in (world.percent, world.count, world.qualitative):
        data[f"i{indicator.pk}-version"] = 0
    data[f"d{world.line.pk}-{world.source.pk}-version"] = 0
    for indicator in (world.percent, world.count):
        data[f"b{indicator.pk}-version"] = 0  # baselines page: nothing typed, nothing changes
    data |= {"day": 15, "month": 12, "read": "all"}  # deadlines as they are; notices page
    for project in world.plan_a.projects.all():  # progress of projects and duties: none typed
        data[f"wp{project.pk}-version"] = 0
    for duty in world.plan_a.responsibilities.all():
        data[f"wd{duty.pk}-version"] = 0
    return data


@pytest.mark.parametrize(("name", "role"), CASES)
def test_status_by_role(world, as_user, name, role):
    method, url, expected = MATRIX[name]
    client = as_user(world.users[role])
    data = post_data(world) if method == "post" else None
    response = getattr(client, method)(url(world), data)
    assert response.status_code == expected[SAME_AS.get(role, role)]


def test_anonymous_pages_redirect_to_the_login_page(world, client):
    response = client.get(reverse("indicators:entry", args=[world.plan_a.slug, 2013]))
    assert response.url.startswith(reverse("login"))


def test_post_without_csrf_token_is_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["staff_a"])
    url = reverse("indicators:entry", args=[world.plan_a.slug, 2013])
    assert client.post(url, {}).status_code == 403


def test_staff_cannot_write_another_province_through_a_crafted_form(world, as_user):
    # Field names of plan B's indicator sent to plan A's URL are ignored: only A's rows exist.
    client = as_user(world.users["staff_a"])
    url = reverse("indicators:entry", args=[world.plan_a.slug, 2013])
    client.post(
        url, {f"i{world.b_indicator.pk}-value": "50", f"i{world.b_indicator.pk}-version": 0}
    )
    assert not world.b_indicator.actuals.exists()


def test_api_hides_unapproved_figures_from_national_leaders(world, as_user):
    from tests import factories as f

    f.actual(world.percent, year=2013, value="40")
    url = reverse("plans:api-plan-detail", args=[world.plan_a.slug])
    for role, visible in [("staff_a", 1), ("leader_a", 1), ("national", 0), ("admin", 1)]:
        document = as_user(world.users[role]).get(url).json()
        indicator = next(i for i in document["indicators"] if i["code"] == "VT-1")
        assert len(indicator["actuals"]) == visible, role


def test_home_shows_only_the_users_province(world, as_user):
    def slugs(role):
        response = as_user(world.users[role]).get(reverse("plans:home"))
        return home_page.plan_slugs(response.content.decode())

    assert slugs("staff_b") == {"plan-b"}
    assert slugs("national") == {"plan-a", "plan-b"}


def test_compare_shows_other_provinces_only_to_those_who_reach_them(world, as_user):
    url = reverse("indicators:concept-compare", args=[world.concept.code])
    assert as_user(world.users["staff_b"]).get(url).context["series"] == []
    assert len(as_user(world.users["national"]).get(url).context["series"]) == 1

"""The seed plans through the portal: whole in the API, dashboards fast."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(seeded, django_user_model):
    return django_user_model.objects.create_superuser("seed-admin", password="pw")


def test_api_returns_every_seed_plan_whole(client, admin):
    client.force_login(admin)
    plans = Plan.objects.all()
    assert plans.count() >= 1
    listed = {p["slug"] for p in client.get(reverse("plans:api-plan-list")).json()["plans"]}
    assert listed == set(plans.values_list("slug", flat=True))
    for plan in plans:
        document = client.get(reverse("plans:api-plan-detail", args=[plan.slug])).json()
        assert len(document["indicators"]) == plan.indicators.count()
        assert sum(len(i["targets"]) for i in document["indicators"]) == sum(
            i.targets.count() for i in plan.indicators.all()
        )
        assert len(document["projects"]) == plan.projects.count()
        assert len(document["responsibilities"]) == plan.responsibilities.count()
        assert sum(len(b["allocations"]) for b in document["budget_lines"]) == sum(
            b.allocations.count() for b in plan.budget_lines.all()
        )


def test_every_seed_dashboard_makes_a_few_queries_whatever_its_size(client, admin):
    """Each seed dashboard, from 20 to 91 indicators, costs a few queries: none per row.

    Speed is pinned by query counts, not by a clock (a busy CI machine would make it flaky).
    """
    client.force_login(admin)
    counts, kept = {}, {}
    for plan in Plan.objects.all():
        url = reverse("plans:plan-dashboard", args=[plan.slug])
        for visits in (counts, kept):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            visits[plan.slug] = len(queries)
    # Session, user, plan, indicators, targets, actuals, budget lines, projects and duties
    # (each with its progress), totals; plans with an investment table add the prefetches of
    # its allocations and disbursements; the kept sections are looked up, then written
    # (plans.dashboard_page).
    assert max(counts.values()) <= 17, counts
    # The next visit reads the kept sections instead of the plan's data.
    assert max(kept.values()) <= 5, kept


def test_leaders_pages_render_with_every_seed_plan(client, admin):
    from indicators.models import IndicatorConcept
    from plans.models import Agency, Province

    client.force_login(admin)
    assert client.get(reverse("plans:home")).status_code == 200
    for province in Province.objects.filter(plans__isnull=False).distinct():
        url = reverse("plans:year-view", args=[province.slug, 2015])
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["rows"], province.name
    for concept in IndicatorConcept.objects.filter(indicators__isnull=False).distinct():
        url = reverse("indicators:concept-compare", args=[concept.code])
        assert client.get(url).status_code == 200
    for agency in Agency.objects.filter(responsibilities__isnull=False).distinct()[:10]:
        assert client.get(reverse("plans:agency-detail", args=[agency.code])).status_code == 200
    for plan in Plan.objects.all():
        assert client.get(reverse("plans:plan-report", args=[plan.slug])).status_code == 200
        assert client.get(reverse("plans:plan-source", args=[plan.slug])).status_code == 200


@pytest.mark.parametrize(
    "slug",
    [
        "hau-giang-qh-bcvt-cntt-2020",
        "soc-trang-kh-22-2012",
        "bac-giang-qd-1005-2012",
        "hau-giang-kh-ha-tang-so-2023-2025",
        "binh-thuan-kh-nq03-2015",
    ],
)
def test_each_seed_plan_survives_the_new_plan_workbook_round_trip(client, admin, slug):
    from plans.selectors import plan_document, plan_with_everything
    from plans.spreadsheets.plan_workbook import new_plan_create, new_plan_preview, plan_workbook

    def document(code):
        return plan_document(plan_with_everything().get(slug=code), include_unapproved=True)

    before = document(slug)
    content = plan_workbook(Plan.objects.get(slug=slug)).content
    Plan.objects.get(slug=slug).delete()

    class Upload(io.BytesIO):
        size = len(content)

    preview = new_plan_preview(Upload(content), user=admin)
    assert preview.errors == []
    new_plan_create(preview.payload, user=admin)
    assert document(slug) == before


def test_a_seed_plan_imports_as_a_new_plan_equal_apart_from_its_code(client, admin):
    from openpyxl import load_workbook

    from plans.selectors import plan_document, plan_with_everything
    from plans.spreadsheets.plan_workbook import new_plan_create, new_plan_preview, plan_workbook

    slug = "hau-giang-qh-bcvt-cntt-2020"
    book = load_workbook(io.BytesIO(plan_workbook(Plan.objects.get(slug=slug)).content))
    book["Văn bản"]["B2"] = "hau-giang-copy"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.size = len(buffer.getvalue())
    buffer.seek(0)
    preview = new_plan_preview(buffer, user=admin)
    assert preview.errors == []
    new_plan_create(preview.payload, user=admin)
    original, copy = (
        plan_document(plan_with_everything().get(slug=s), include_unapproved=True)
        for s in (slug, "hau-giang-copy")
    )
    assert {**copy, "slug": slug} == original

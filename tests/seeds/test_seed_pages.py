"""The seed plans through the portal: whole in the API, dashboards fast."""

import statistics
import time

import pytest
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


def test_every_seed_dashboard_renders_well_under_half_a_second(client, admin):
    client.force_login(admin)
    for plan in Plan.objects.all():
        url = reverse("plans:plan-dashboard", args=[plan.slug])
        assert client.get(url).status_code == 200  # warm caches (templates, translations)
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200
        assert statistics.median(timings) < 0.5, (plan.slug, timings)

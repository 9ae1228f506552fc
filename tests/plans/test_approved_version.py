"""Drafts leave pages of approved figures as they were (Plan.approved_version).

Every write bumps a plan's data_version; only those that can change an approved figure (or a
target, an indicator, money, a structure) bump approved_version. Leaders, national leaders and
the national matrix see approved figures only, so a province's staff typing drafts all day
does not make every kept page of theirs render again.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Actual, Comparator
from plans.models import DashboardPage, Plan
from plans.services import plan_year_approve, plan_year_return, plan_year_submit
from plans.workflow import FigureEdit, figures_save_versioned
from tests import factories as f

pytestmark = pytest.mark.django_db

YEAR = 2013


@pytest.fixture
def plan(db):
    plan = f.plan(f.province("Bình Thuận", code="60"), first_year=2011, last_year=2015)
    indicator = f.indicator(plan, code="A", name="Chỉ tiêu A")
    f.target(indicator, year=2015, phrase="100%", comparator=Comparator.EQ, value="100")
    return plan


def versions(plan) -> tuple[int, int]:
    plan = Plan.objects.get(pk=plan.pk)
    return plan.data_version, plan.approved_version


def draft(plan, value: str) -> None:
    """Save `value` as the year's figure of indicator A, as the entry screen does."""
    indicator = plan.indicators.get(code="A")
    stored = Actual.objects.filter(indicator=indicator, year=YEAR).first()
    wanted = Actual(indicator=indicator, year=YEAR, value=Decimal(value))
    edit = FigureEdit(indicator.pk, stored, wanted, stored.version if stored else 0)
    figures_save_versioned([edit], fields=("value",), user=None)


def test_drafts_and_a_submission_leave_the_approved_version(plan):
    before = versions(plan)
    draft(plan, "40")
    draft(plan, "45")
    plan_year_submit(plan=plan, year=YEAR, user=f.user(f.STAFF, plan.province))
    after = versions(plan)
    assert after[0] == before[0] + 3 and after[1] == before[1]


def test_a_draft_over_an_approved_figure_bumps_both(plan):
    f.actual(plan.indicators.get(code="A"), year=YEAR, value="40", status=Actual.Status.APPROVED)
    before = versions(plan)
    draft(plan, "41")
    assert versions(plan) == (before[0] + 1, before[1] + 1)


def test_returning_a_submitted_year_leaves_the_approved_version(plan):
    draft(plan, "40")
    plan_year_submit(plan=plan, year=YEAR, user=f.user(f.STAFF, plan.province))
    before = versions(plan)
    plan_year_return(plan=plan, year=YEAR, user=f.user(f.LEADER, plan.province), comment="Xem lại")
    assert versions(plan) == (before[0] + 1, before[1])


def test_approval_bumps_the_approved_version(plan):
    draft(plan, "40")
    plan_year_submit(plan=plan, year=YEAR, user=f.user(f.STAFF, plan.province))
    before = versions(plan)
    plan_year_approve(plan=plan, year=YEAR, user=f.user(f.LEADER, plan.province))
    after = versions(plan)
    assert after == (before[0] + 1, before[1] + 1)


def dashboard(client, plan, **query) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:plan-dashboard", args=[plan.slug]), query)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_leaders_kept_dashboard_outlives_drafts_and_shows_the_approval(client, plan):
    client.force_login(f.user(f.LEADER, plan.province))
    dashboard(client, plan)
    _html, kept_queries = dashboard(client, plan)
    kept_at = DashboardPage.objects.get().computed_at
    draft(plan, "40")
    dashboard(client, plan)  # the navigation bar counts the leader's items again, once
    html, queries = dashboard(client, plan)
    assert queries == kept_queries and DashboardPage.objects.get().computed_at == kept_at
    assert ">40<" not in html.replace(" ", "")
    assert ">40<" in dashboard(client, plan, figures="all")[0].replace(" ", "")  # kept apart
    plan_year_submit(plan=plan, year=YEAR, user=f.user(f.STAFF, plan.province))
    plan_year_approve(plan=plan, year=YEAR, user=f.user(f.LEADER, plan.province))
    assert ">40<" in dashboard(client, plan)[0].replace(" ", "")

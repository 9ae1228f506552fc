"""Every admin page answers, and list pages fetch a fixed number of rows-independent queries."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from budgets.models import Disbursement
from indicators.models import Actual, ComparePage, EvidenceFile, ReviewComment
from plans.models import (
    ConceptVerdictSnapshot,
    CountryVersion,
    DashboardPage,
    KeptPart,
    NationalMatrixPage,
    Notice,
    PlanStatusSnapshot,
    PlanYear,
    WorkProgress,
    YearRowsSnapshot,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

OUR_APPS = {"plans", "indicators", "budgets"}
OUR_MODELS = [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_model_of_our_apps_is_in_the_admin():
    # Historical models of django-simple-history are shown through their model's history view.
    ours = {
        model
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    }
    # Pages' stored verdicts and rows are caches of what the admin shows elsewhere, kept by
    # version (docs/architecture.md); notices are a log each person reads on their page; a
    # leader's comments on rows are written on the review screen, their history kept.
    caches = {
        PlanStatusSnapshot,
        ConceptVerdictSnapshot,
        NationalMatrixPage,
        YearRowsSnapshot,
        DashboardPage,
        ComparePage,
        KeptPart,
        CountryVersion,
    }
    assert ours == set(OUR_MODELS) | caches | {Notice, ReviewComment}


# Figures and plan-year statuses change only on the entry screens and through the workflow;
# evidence files are attached and removed on the evidence page.
READ_ONLY_MODELS = {Actual, Disbursement, PlanYear, EvidenceFile, WorkProgress}


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_and_add_pages_answer_for_a_superuser(admin_client, model):
    f.small_plan()
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    expected = 403 if model in READ_ONLY_MODELS else 200
    assert admin_client.get(admin_url(model, "add")).status_code == expected


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.model_name)
def test_change_page_answers_for_a_superuser(admin_client, model):
    f.small_plan()
    obj = model.objects.first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, model
):
    # Queries: session, user, count, filtered count, the page itself, plus one per list
    # filter's choices; none per row. Measured at one size, asserted at four times the rows.
    f.small_plan(indicators=1, lines=1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_client.get(admin_url(model, "changelist"))
    for _ in range(3):
        f.small_plan(indicators=3, lines=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


def test_plan_admin_shows_sections_indicators_and_duties_inline(admin_client):
    plan = f.small_plan()
    response = admin_client.get(admin_url(type(plan), "change", plan.pk))
    formsets = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert formsets == {"sections", "indicators", "responsibilities"}


def test_indicator_admin_shows_targets_and_actuals_inline(admin_client):
    plan = f.small_plan(indicators=1)
    indicator = plan.indicators.get()
    response = admin_client.get(admin_url(type(indicator), "change", indicator.pk))
    formsets = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert formsets == {"targets", "actuals"}


def test_budget_line_admin_shows_allocations_and_disbursements_and_totals(admin_client):
    plan = f.small_plan(lines=1)
    line = plan.budget_lines.get()
    response = admin_client.get(admin_url(type(line), "change", line.pk))
    formsets = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert formsets == {"allocations", "disbursements"}
    changelist = admin_client.get(admin_url(type(line), "changelist"))
    row = changelist.context["cl"].result_list[0]
    # Two allocations of 100 and one disbursement of 50: no join multiplies them.
    assert (row.planned_total, row.disbursed_total) == (200, 50)


def test_admin_labels_are_vietnamese(admin_client):
    response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="vi")
    content = response.content.decode()
    assert "Chỉ tiêu" in content
    assert "Quy hoạch, kế hoạch" in content


def test_admin_filters_by_province_plan_year_and_sector(admin_client):
    plan = f.small_plan(indicators=2)
    f.small_plan(indicators=3)
    url = admin_url(plan.indicators.model, "changelist")
    by_plan = admin_client.get(url, {"plan__id__exact": plan.pk}).context["cl"]
    assert by_plan.result_count == 2
    by_province = admin_client.get(url, {"plan__province__id__exact": plan.province.pk}).context[
        "cl"
    ]
    assert by_province.result_count == 2
    sector = plan.sections.get().sector
    by_sector = admin_client.get(url, {"section__sector__id__exact": sector.pk}).context["cl"]
    assert by_sector.result_count == 2
    target_url = admin_url(
        plan.indicators.get(code=plan.indicators.first().code).targets.model, "changelist"
    )
    by_year = admin_client.get(target_url, {"year": 2020}).context["cl"]
    assert by_year.result_count == 5


def test_admin_pages_load_the_portal_stylesheet_from_the_portal(admin_client):
    content = admin_client.get(reverse("admin:index")).content.decode()
    assert 'href="/static/css/admin.css"' in content
    # Closed government networks: nothing may be fetched from another host.
    assert re.findall(r'(?:src|href)="(?:https?:)?//', content) == []

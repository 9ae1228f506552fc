"""The data administration keeps the portal's rules: figures and review statuses change only
through the entry screens and the workflow, every list is scoped to the user's provinces, only
superusers grant superuser, and numbers are read in Vietnamese notation."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from budgets.models import Allocation, BudgetLine, Disbursement, StatedTotal
from indicators.models import Actual, Indicator, Target
from plans.models import Plan, PlanYear, Project, Responsibility, ReviewStatus, Section
from tests import factories as f

pytestmark = pytest.mark.django_db


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def staff_status(user):
    """Return `user` with "staff status" ticked, as someone did in the reproduction."""
    user.is_staff = True
    user.save()
    return user


def actual_data(actual, **changes):
    data = {
        "indicator": actual.indicator_id,
        "year": actual.year,
        "value": "99",
        "progress": "",
        "status": ReviewStatus.APPROVED,
        "note": "",
        "evidence": "",
    }
    return {**data, **changes}


# Figures and plan-years cannot be changed in the admin.


def test_admin_cannot_change_a_figure(world, as_user):
    actual = f.actual(world.percent, year=2013, value="40")
    client = as_user(world.users["admin"])
    response = client.post(admin_url(Actual, "change", actual.pk), actual_data(actual))
    assert response.status_code == 403
    actual.refresh_from_db()
    assert (actual.value, actual.status, actual.version) == (Decimal("40"), "draft", 1)


def test_admin_cannot_change_a_disbursement(world, as_user):
    disbursement = f.disbursement(world.line, amount="300", year=2013, source=world.source)
    client = as_user(world.users["admin"])
    data = {"line": world.line.pk, "year": 2013, "source": world.source.pk, "amount": "1"}
    response = client.post(admin_url(Disbursement, "change", disbursement.pk), data)
    assert response.status_code == 403
    disbursement.refresh_from_db()
    assert disbursement.amount == Decimal("300")


@pytest.mark.parametrize("model", [Actual, Disbursement, PlanYear], ids=lambda m: m.__name__)
def test_figures_and_plan_years_cannot_be_added_in_the_admin(world, admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 403


def test_plan_year_status_cannot_be_set_in_the_admin(world, as_user):
    plan_year = PlanYear.objects.create(plan=world.plan_a, year=2013)
    client = as_user(world.users["admin"])
    response = client.post(
        admin_url(PlanYear, "change", plan_year.pk),
        {"plan": world.plan_a.pk, "year": 2013, "status": ReviewStatus.APPROVED, "comment": ""},
    )
    assert response.status_code == 403
    plan_year.refresh_from_db()
    assert plan_year.status == ReviewStatus.DRAFT


def test_figures_of_an_approved_year_cannot_be_deleted(world, as_user):
    PlanYear.objects.create(plan=world.plan_a, year=2013, status=ReviewStatus.APPROVED)
    actual = f.actual(world.percent, year=2013, value="40", status=ReviewStatus.APPROVED)
    client = as_user(world.users["admin"])
    client.post(
        admin_url(Actual, "changelist"),
        {"action": "delete_selected", "_selected_action": [actual.pk], "post": "yes"},
    )
    assert Actual.objects.filter(pk=actual.pk).exists()


def test_a_figure_marked_returned_under_an_approved_year_is_still_locked(world, as_user):
    PlanYear.objects.create(plan=world.plan_a, year=2013, status=ReviewStatus.APPROVED)
    actual = f.actual(world.percent, year=2013, value="40", status=ReviewStatus.RETURNED)
    client = as_user(world.users["admin"])
    client.post(admin_url(Actual, "delete", actual.pk), {"post": "yes"})
    assert Actual.objects.filter(pk=actual.pk).exists()


def test_an_approved_plan_year_cannot_be_deleted(world, as_user):
    plan_year = PlanYear.objects.create(plan=world.plan_a, year=2013, status=ReviewStatus.APPROVED)
    client = as_user(world.users["admin"])
    client.post(admin_url(PlanYear, "delete", plan_year.pk), {"post": "yes"})
    assert PlanYear.objects.filter(pk=plan_year.pk).exists()


def test_reverting_a_figure_to_an_old_version_is_refused(world, as_user):
    actual = f.actual(world.percent, year=2013, value="40")
    actual.value = Decimal("45")
    actual.save()
    old = actual.history.earliest("history_date")
    client = as_user(world.users["admin"])
    url = reverse("admin:indicators_actual_simple_history", args=[actual.pk, old.history_id])
    assert client.post(url, actual_data(actual, value="40")).status_code == 403
    actual.refresh_from_db()
    assert actual.value == Decimal("45")


def test_figure_page_points_to_the_entry_screen(world, as_user):
    actual = f.actual(world.percent, year=2013, value="40")
    response = as_user(world.users["admin"]).get(admin_url(Actual, "change", actual.pk))
    assert response.status_code == 200
    entry = reverse("indicators:entry", args=[world.plan_a.slug, 2013])
    assert f'href="{entry}"' in response.content.decode()


def test_disbursement_page_points_to_the_budget_entry_screen(world, as_user):
    disbursement = f.disbursement(world.line, amount="300", year=2013, source=world.source)
    response = as_user(world.users["admin"]).get(admin_url(Disbursement, "change", disbursement.pk))
    entry = reverse("budgets:entry", args=[world.plan_a.slug, 2013])
    assert f'href="{entry}"' in response.content.decode()


def test_indicator_page_shows_actuals_without_letting_them_change(world, admin_client):
    f.actual(world.percent, year=2013, value="40")
    response = admin_client.get(admin_url(Indicator, "change", world.percent.pk))
    actuals = next(
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "actuals"
    )
    assert (actuals.has_add_permission, actuals.has_change_permission) == (False, False)
    assert actuals.has_delete_permission is False


# Every list is scoped to the user's provinces.

SCOPED = {
    Plan: "province_id",
    Section: "plan__province_id",
    Indicator: "plan__province_id",
    Target: "indicator__plan__province_id",
    Actual: "indicator__plan__province_id",
    BudgetLine: "plan__province_id",
    Allocation: "line__plan__province_id",
    Disbursement: "line__plan__province_id",
    StatedTotal: "plan__province_id",
    PlanYear: "plan__province_id",
    Project: "plan__province_id",
    Responsibility: "plan__province_id",
}


def both_provinces_have_rows(world):
    """Give province B one row of every scoped model besides province A's."""
    f.actual(world.percent, year=2013, value="40")
    f.disbursement(world.line, year=2013, source=world.source)
    PlanYear.objects.create(plan=world.plan_a, year=2013)
    StatedTotal.objects.create(
        plan=world.plan_a, code="T1", label="A", year_from=2011, year_to=2015, amount=1
    )
    f.section(world.plan_b, code="S1")
    f.target(world.b_indicator, year=2015)
    f.actual(world.b_indicator, year=2013, value="7")
    f.allocation(world.b_line, source=world.source)
    f.disbursement(world.b_line, year=2013, source=world.source)
    PlanYear.objects.create(plan=world.plan_b, year=2013)
    StatedTotal.objects.create(
        plan=world.plan_b, code="T1", label="B", year_from=2011, year_to=2015, amount=1
    )
    f.project(world.plan_b, code="DA1")
    f.responsibility(world.plan_b, world.agency, code="R1")


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.model_name)
def test_staff_status_of_another_province_lists_only_their_province(world, as_user, model):
    both_provinces_have_rows(world)
    client = as_user(staff_status(world.users["staff_b"]))
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    provinces = {
        model.objects.filter(pk=row.pk).values_list(SCOPED[model], flat=True).get()
        for row in response.context["cl"].result_list
    }
    assert provinces == {world.province_b.pk}


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.model_name)
def test_staff_status_of_another_province_cannot_open_a_row(world, as_user, model):
    both_provinces_have_rows(world)
    row = model.objects.filter(**{SCOPED[model]: world.province_a.pk}).first()
    client = as_user(staff_status(world.users["staff_b"]))
    response = client.get(admin_url(model, "change", row.pk))
    # The admin answers a row it cannot find by sending the user back to its index.
    assert response.status_code == 302
    assert client.get(admin_url(model, "history", row.pk)).status_code == 404


def test_staff_status_of_the_province_sees_its_figures(world, as_user):
    both_provinces_have_rows(world)
    client = as_user(staff_status(world.users["staff_a"]))
    response = client.get(admin_url(Actual, "changelist"))
    assert [row.indicator for row in response.context["cl"].result_list] == [world.percent]


def test_staff_status_cannot_approve_their_own_figures(world, as_user):
    actual = f.actual(world.percent, year=2013, value="40")
    client = as_user(staff_status(world.users["staff_a"]))
    response = client.post(admin_url(Actual, "change", actual.pk), actual_data(actual))
    assert response.status_code == 403
    actual.refresh_from_db()
    assert actual.status == ReviewStatus.DRAFT


def test_a_superuser_sees_every_province(world, admin_client):
    both_provinces_have_rows(world)
    response = admin_client.get(admin_url(Actual, "changelist"))
    assert response.context["cl"].result_count == 2


def test_the_province_filter_offers_only_reached_provinces(world, as_user):
    both_provinces_have_rows(world)
    client = as_user(staff_status(world.users["staff_b"]))
    response = client.get(admin_url(Indicator, "changelist"))
    assert world.plan_a.title not in response.content.decode()


# Only superusers grant superuser.


def user_data(user, **changes):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        "membership-TOTAL_FORMS": 0,
        "membership-INITIAL_FORMS": 0,
    }
    return {k: v for k, v in {**data, **changes}.items() if v != ""}


def test_an_administrator_cannot_make_themself_superuser(world, as_user):
    administrator = world.users["admin"]
    client = as_user(administrator)
    url = reverse("admin:auth_user_change", args=[administrator.pk])
    form = client.get(url).context["adminform"].form
    assert not {"is_superuser", "user_permissions", "groups"} & set(form.fields)
    client.post(url, user_data(administrator, is_superuser="on"))
    administrator.refresh_from_db()
    assert administrator.is_superuser is False


def test_an_administrator_cannot_grant_the_administrator_group(world, as_user):
    staff = world.users["staff_a"]
    client = as_user(world.users["admin"])
    url = reverse("admin:auth_user_change", args=[staff.pk])
    admins = Group.objects.get(name=f.ADMIN)
    offered = client.get(url).context["adminform"].form.fields["groups"].queryset
    assert admins not in offered
    client.post(url, user_data(staff, groups=[admins.pk]))
    assert not staff.groups.filter(pk=admins.pk).exists()


def test_an_administrator_cannot_change_a_superuser(world, as_user, admin_user):
    client = as_user(world.users["admin"])
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert (
        client.post(url, {"password1": "x9!long-pass", "password2": "x9!long-pass"}).status_code
        == 403
    )


def test_a_superuser_sets_superuser_and_groups(world, admin_client):
    url = reverse("admin:auth_user_change", args=[world.users["staff_a"].pk])
    fields = admin_client.get(url).context["adminform"].form.fields
    assert {"is_superuser", "user_permissions", "groups"} <= set(fields)


# Vietnamese numbers.


def target_data(world, value):
    return {
        "indicator": world.count.pk,
        "year": 2015,
        "comparator": "gte",
        "value": value,
        "upper_value": "",
        "unit": "trạm",
        "phrase": "từ 1.234 trạm trở lên",
        "note": "",
    }


@pytest.mark.parametrize(
    ("typed", "stored"), [("1.234", Decimal("1234")), ("1.234,5", Decimal("1234.5"))]
)
def test_admin_reads_a_target_in_vietnamese_notation(world, as_user, typed, stored):
    client = as_user(world.users["admin"])
    response = client.post(admin_url(Target, "add"), target_data(world, typed))
    assert response.status_code == 302
    assert Target.objects.get(indicator=world.count).value == stored


def test_admin_refuses_an_ambiguous_number(world, as_user):
    client = as_user(world.users["admin"])
    response = client.post(admin_url(Target, "add"), target_data(world, "1,234"))
    assert response.status_code == 200
    assert "value" in response.context["adminform"].form.errors
    assert not Target.objects.filter(indicator=world.count).exists()


def test_admin_reads_an_allocation_amount_in_vietnamese_notation(world, as_user):
    allocation = Allocation.objects.get(line=world.line)
    client = as_user(world.users["admin"])
    data = {
        "line": world.line.pk,
        "year_from": 2011,
        "year_to": 2015,
        "source": allocation.source_id,
        "amount": "1.093.410",
        "amount_printed": "1.093.410",
    }
    assert client.post(admin_url(Allocation, "change", allocation.pk), data).status_code == 302
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("1093410")


def test_admin_shows_numbers_in_vietnamese_notation(world, as_user):
    allocation = Allocation.objects.get(line=world.line)
    allocation.amount = Decimal("1093410.5")
    allocation.save()
    response = as_user(world.users["admin"]).get(admin_url(Allocation, "change", allocation.pk))
    assert 'value="1.093.410,5"' in response.content.decode()


def test_admin_target_in_another_unit_is_still_checked(world, as_user):
    # Target.clean refuses a figure left in the printed unit: the admin form runs it.
    client = as_user(world.users["admin"])
    data = {**target_data(world, "1"), "unit": "tấn"}
    response = client.post(admin_url(Target, "add"), data)
    assert response.status_code == 200
    assert not Target.objects.filter(indicator=world.count).exists()


def test_admin_text_is_stored_composed_and_within_its_limit(client):
    import unicodedata

    from django.contrib.auth import get_user_model

    from plans.fields import DOCUMENT_TEXT_LIMIT

    superuser = get_user_model().objects.create_superuser("text-admin", password="pw")
    client.force_login(superuser)
    plan = f.plan()
    agency = f.agency(plan.province)
    duty = f.responsibility(plan, agency, duties="Chủ trì")
    url = reverse("admin:plans_responsibility_change", args=[duty.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["duties"] = "\u200b" + unicodedata.normalize("NFD", "Hướng dẫn, kiểm tra")
    assert client.post(url, data).status_code == 302
    assert Responsibility.objects.get(pk=duty.pk).duties == "Hướng dẫn, kiểm tra"

    data["duties"] = "x" * (DOCUMENT_TEXT_LIMIT + 1)
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["duties"]
    assert Responsibility.objects.get(pk=duty.pk).duties == "Hướng dẫn, kiểm tra"

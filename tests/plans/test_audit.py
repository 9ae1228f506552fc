"""Every write path leaves an audit record: who, when, old and new value, and why."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from budgets.models import Allocation, Disbursement
from indicators.models import Actual, Target
from tests.plans.test_entry import budget_data, save, workflow

pytestmark = pytest.mark.django_db


def test_entry_save_records_who_and_the_new_value(world, as_user):
    save(as_user(world.users["staff_a"]), world, **{"VT-1": {"value": "80"}})
    save(as_user(world.users["staff_a"]), world, **{"VT-1": {"value": "85"}})
    records = list(Actual.history.order_by("history_date"))
    assert [(r.value, r.history_user.username) for r in records] == [
        (Decimal("80"), "staff_a"),
        (Decimal("85"), "staff_a"),
    ]


def test_disbursement_save_records_history(world, as_user):
    as_user(world.users["staff_a"]).post(
        reverse("budgets:entry", args=[world.plan_a.slug, 2013]), budget_data(world, "300")
    )
    record = Disbursement.history.get()
    assert (record.amount, record.history_user.username, record.history_type) == (
        Decimal("300"),
        "staff_a",
        "+",
    )


def test_workflow_status_changes_are_recorded_with_the_reason(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    staff.post(reverse("budgets:entry", args=[world.plan_a.slug, 2013]), budget_data(world, "300"))
    workflow(staff, world, "submit")
    workflow(as_user(world.users["leader_a"]), world, "return", comment="Thiếu minh chứng")
    statuses = list(
        Actual.history.order_by("history_date").values_list(
            "status", "history_user__username", "history_change_reason"
        )
    )
    assert statuses == [
        ("draft", "staff_a", None),
        ("submitted", "staff_a", "Gửi duyệt"),
        ("returned", "leader_a", "Thiếu minh chứng"),
    ]
    assert Disbursement.history.filter(status="returned").count() == 1


def test_admin_change_of_a_target_records_history(world, client):
    client.force_login(world.users["admin"])
    target = Target.objects.get(indicator=world.percent)
    url = reverse("admin:indicators_target_change", args=[target.pk])
    response = client.post(
        url,
        {
            "indicator": world.percent.pk,
            "year": 2015,
            "comparator": "gte",
            "value": "95",
            "upper_value": "",
            "unit": "%",
            "phrase": "từ 95% trở lên",
            "note": "",
        },
    )
    assert response.status_code == 302
    latest = Target.history.latest("history_date")
    assert (latest.value, latest.history_user.username, latest.history_type) == (
        Decimal("95"),
        "admin_user",
        "~",
    )


def test_admin_change_of_an_allocation_records_history(world, client):
    client.force_login(world.users["admin"])
    allocation = Allocation.objects.get(line=world.line)
    response = client.post(
        reverse("admin:budgets_allocation_change", args=[allocation.pk]),
        {
            "line": world.line.pk,
            "year_from": 2011,
            "year_to": 2015,
            "source": allocation.source_id,
            "amount": "1200",
            "amount_printed": "1.200",
        },
    )
    assert response.status_code == 302
    assert Allocation.history.latest("history_date").amount == Decimal("1200")


def test_history_page_shows_old_and_new_values_and_reasons(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    save(staff, world, **{"VT-1": {"value": "85,5"}})
    workflow(staff, world, "submit")
    workflow(as_user(world.users["leader_a"]), world, "return", comment="Thiếu minh chứng")
    page = as_user(world.users["leader_a"]).get(
        reverse("indicators:history", args=[world.percent.pk])
    )
    content = page.content.decode()
    assert "80 → <strong>85,5</strong>" in content
    assert "Thiếu minh chứng" in content
    assert "staff_a" in content and "leader_a" in content


def test_history_page_query_count_does_not_grow(world, as_user, django_assert_max_num_queries):
    staff = as_user(world.users["staff_a"])
    for value in ("1", "2", "3", "4", "5", "6"):
        save(staff, world, **{"VT-1": {"value": value}, "VT-2": {"value": value}})
    url = reverse("indicators:history", args=[world.percent.pk])
    staff.get(url)  # the navigation bar's count of items is kept from here on
    # session, user, indicator, permissions (user + group), membership and the provinces
    # merged into it, two history tables, and the navigation bar's count of items, kept (one).
    with django_assert_max_num_queries(10):
        response = staff.get(url)
    assert response.status_code == 200


def test_staff_and_leaders_cannot_delete_anything():
    for role in ("Cán bộ nhập liệu", "Lãnh đạo", "Lãnh đạo trung ương"):
        codenames = Group.objects.get(name=role).permissions.values_list("codename", flat=True)
        assert [c for c in codenames if c.startswith("delete_")] == [], role


def test_roles_have_their_actions():
    def perms(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert {"enter_figures", "change_actual", "change_disbursement"} <= perms("Cán bộ nhập liệu")
    assert "approve_figures" not in perms("Cán bộ nhập liệu")
    assert "approve_figures" in perms("Lãnh đạo")
    assert "enter_figures" not in perms("Lãnh đạo")
    assert perms("Lãnh đạo trung ương") >= {"view_all_provinces", "view_actual"}
    assert not {"enter_figures", "approve_figures"} & perms("Lãnh đạo trung ương")
    assert {"add_plan", "delete_target", "change_user"} <= perms("Quản trị")


def test_admin_bulk_delete_action_leaves_a_deletion_record(world, client):
    from tests import factories as f

    actual = f.actual(world.percent, year=2013, value="40")
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("admin:indicators_actual_changelist"),
        {"action": "delete_selected", "_selected_action": [actual.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Actual.objects.exists()
    deletion = Actual.history.get(history_type="-")
    assert (deletion.value, deletion.history_user.username) == (Decimal("40"), "admin_user")


def test_every_domain_model_keeps_its_history():
    from django.apps import apps

    without = [
        model.__name__
        for label in ("plans", "indicators", "budgets")
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical") and not hasattr(model, "history")
    ]
    # A cache recomputed from the audited rows and a log of notices: not data anybody enters.
    # Notices are a log; the rest are caches of pages, kept by version (docs/architecture.md).
    assert sorted(without) == [
        "ComparePage",
        "ConceptVerdictSnapshot",
        "CountryVersion",
        "DashboardPage",
        "KeptPart",
        "NationalMatrixPage",
        "Notice",
        "PlanStatusSnapshot",
        "YearRowsSnapshot",
    ]


def test_an_admin_change_of_an_indicators_direction_keeps_old_and_new(world, client):
    # The direction flips every status of the indicator: who changed it, and from what, is kept.
    client.force_login(world.users["admin"])
    indicator = world.percent
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "plan": indicator.plan_id,
            "direction": "lower",
            # The inlines, left as they are.
            "targets-TOTAL_FORMS": 0,
            "targets-INITIAL_FORMS": 0,
            "actuals-TOTAL_FORMS": 0,
            "actuals-INITIAL_FORMS": 0,
        }
    )
    data.pop("allows_negative")  # an unticked box is not sent
    assert client.post(url, data).status_code == 302
    latest = indicator.history.latest("history_date")
    assert (latest.direction, latest.history_user) == ("lower", world.users["admin"])
    # The state before the change is kept too: old and new side by side.
    directions = [r.direction for r in indicator.history.order_by("history_date")]
    assert directions[-2:] == ["higher", "lower"]


def test_history_shows_statuses_as_words_in_the_interface_language(world, as_user):
    from django.urls import reverse

    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "40"}})
    staff.post(reverse("plans:submit", args=[world.plan_a.slug, 2013]))
    page = staff.get(reverse("indicators:history", args=[world.percent.pk])).content.decode()
    assert "Đã gửi duyệt" in page or "đã gửi duyệt" in page
    assert "submitted" not in page and "draft" not in page

"""Submitting belongs to the entry form: typed figures are saved, then submitted, all or nothing."""

from decimal import Decimal

import pytest

from budgets.models import Disbursement
from indicators.models import Actual
from plans.models import PlanYear
from tests.plans.test_entry import budget_data, budget_url, entry_url, form_data

pytestmark = pytest.mark.django_db


def submit(client, world, **values):
    return client.post(entry_url(world), form_data(world, **values) | {"action": "submit"})


def plan_year_status(world, year=2013):
    plan_year = PlanYear.objects.filter(plan=world.plan_a, year=year).first()
    return plan_year.status if plan_year else None


def test_submit_saves_the_typed_figures_and_submits_the_year(world, as_user):
    client = as_user(world.users["staff_a"])
    response = submit(client, world, **{"VT-1": {"value": "85,5"}, "VT-2": {"value": "1.234"}})
    assert response.status_code == 302
    figures = {a.indicator.code: a for a in Actual.objects.select_related("indicator")}
    assert figures["VT-1"].value == Decimal("85.5")
    assert figures["VT-2"].value == Decimal("1234")
    assert {a.status for a in figures.values()} == {Actual.Status.SUBMITTED}
    assert plan_year_status(world) == PlanYear.Status.SUBMITTED
    page = client.get(entry_url(world)).content.decode()
    assert "Đã gửi duyệt, sau khi lưu 2 số liệu đã sửa." in page


def test_submit_with_a_bad_figure_saves_nothing_and_submits_nothing(world, as_user):
    client = as_user(world.users["staff_a"])
    response = submit(client, world, **{"VT-1": {"value": "85,5"}, "VT-2": {"value": "mười"}})
    assert response.status_code == 400
    assert not Actual.objects.exists()
    assert plan_year_status(world) in (None, PlanYear.Status.DRAFT)
    content = response.content.decode()
    assert "Chưa gửi duyệt: những gì bạn đã nhập vẫn còn bên dưới." in content
    assert "Chưa lưu gì: hãy sửa các ô được đánh dấu bên dưới." in content
    # What was typed is shown again, the bad figure included.
    assert 'value="85,5"' in content
    assert 'value="mười"' in content


def test_submit_refused_by_the_workflow_rolls_the_save_back(world, as_user):
    client = as_user(world.users["staff_a"])
    # Nothing typed and nothing stored: the submission is refused, so nothing may stay saved.
    response = submit(client, world)
    assert response.status_code == 400
    assert "Chưa gửi duyệt" in response.content.decode()
    assert plan_year_status(world) in (None, PlanYear.Status.DRAFT)


def test_submit_of_an_already_submitted_year_changes_nothing(world, as_user):
    """A year already submitted cannot be entered again: the combined post changes nothing."""
    client = as_user(world.users["staff_a"])
    submit(client, world, **{"VT-1": {"value": "80"}})
    response = submit(client, world, **{"VT-1": {"value": "99"}})
    assert response.status_code in (400, 403)
    assert Actual.objects.get(indicator=world.percent).value == Decimal("80")


def test_plain_save_does_not_submit(world, as_user):
    client = as_user(world.users["staff_a"])
    data = form_data(world, **{"VT-1": {"value": "70"}}) | {"action": "save"}
    assert client.post(entry_url(world), data).status_code == 302
    assert Actual.objects.get(indicator=world.percent).status == Actual.Status.DRAFT
    assert plan_year_status(world) in (None, PlanYear.Status.DRAFT)


def test_budget_submit_saves_the_typed_amount_and_submits(world, as_user):
    client = as_user(world.users["staff_a"])
    response = client.post(budget_url(world), budget_data(world, "1.234,5") | {"action": "submit"})
    assert response.status_code == 302
    assert Disbursement.objects.get(line=world.line).amount == Decimal("1234.5")
    assert plan_year_status(world) == PlanYear.Status.SUBMITTED


def test_budget_submit_with_a_bad_amount_saves_nothing(world, as_user):
    client = as_user(world.users["staff_a"])
    response = client.post(budget_url(world), budget_data(world, "abc") | {"action": "submit"})
    assert response.status_code == 400
    assert not Disbursement.objects.exists()
    assert plan_year_status(world) in (None, PlanYear.Status.DRAFT)
    assert "Chưa gửi duyệt" in response.content.decode()


def test_entry_page_carries_submit_inside_the_form_and_the_guard_script(world, as_user):
    page = as_user(world.users["staff_a"]).get(entry_url(world)).content.decode()
    form = page[
        page.index('data-testid="entry-form"') : page.index(
            "</form>", page.index('data-testid="entry-form"')
        )
    ]
    assert 'name="action" value="submit"' in form
    assert page.count('data-testid="submit"') == 1
    assert "js/unsaved.js" in page

"""The drafts rule on every page that shows figures: a viewer who may not see unapproved figures
(a national leader) sees approved ones on the entry screens and history pages, never a draft."""

import pytest
from django.urls import reverse

from budgets.models import Disbursement
from indicators.models import Actual
from plans import access

pytestmark = pytest.mark.django_db

DRAFT = "893.003"  # a province's draft figure, as the pages print it
APPROVED = "777.111"


@pytest.fixture
def figures(world):
    """Give plan A an approved figure in 2012 and a draft one in 2013, on both screens."""
    f_actual = Actual.objects.create
    f_actual(indicator=world.count, year=2012, value=777111, status=Actual.Status.APPROVED)
    f_actual(indicator=world.count, year=2013, value=893003)
    f_disbursement = Disbursement.objects.create
    f_disbursement(
        line=world.line,
        source=world.source,
        year=2012,
        amount=777111,
        status=Disbursement.Status.APPROVED,
    )
    f_disbursement(line=world.line, source=world.source, year=2013, amount=893003)
    return world


# name → the page of plan A showing the draft (2013) and the approved figure (2012).
PAGES = {
    "indicator entry": lambda w: reverse("indicators:entry", args=[w.plan_a.slug, 2013]),
    "disbursement entry 2013": lambda w: reverse("budgets:entry", args=[w.plan_a.slug, 2013]),
    "indicator history": lambda w: reverse("indicators:history", args=[w.count.pk]),
    "budget line history": lambda w: reverse("budgets:line-history", args=[w.line.pk]),
}


def page(as_user, world, user, name):
    return as_user(world.users[user]).get(PAGES[name](world))


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("user", ["staff_a", "leader_a", "admin"])
def test_the_province_and_administrators_see_drafts(figures, as_user, user, name):
    response = page(as_user, figures, user, name)
    assert response.status_code == 200
    assert DRAFT in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_a_national_leader_never_sees_a_draft(figures, as_user, name):
    response = page(as_user, figures, "national", name)
    assert response.status_code == 200
    assert DRAFT not in response.content.decode()


@pytest.mark.parametrize("name", ["indicator entry", "indicator history", "budget line history"])
def test_a_national_leader_sees_approved_figures(figures, as_user, name):
    response = page(as_user, figures, "national", name)
    assert APPROVED in response.content.decode()


def test_a_national_leader_sees_an_approved_disbursement_on_the_entry_screen(figures, as_user):
    url = reverse("budgets:entry", args=[figures.plan_a.slug, 2012])
    response = as_user(figures.users["national"]).get(url)
    assert APPROVED in response.content.decode()


def test_no_figure_of_the_entry_table_is_marked_draft_for_a_national_leader(figures, as_user):
    response = page(as_user, figures, "national", "indicator entry")
    table = response.content.decode().split('data-testid="entry-table"')[1].split("</table>")[0]
    assert "status-draft" not in table


@pytest.mark.parametrize("name", PAGES)
def test_another_province_gets_404(figures, as_user, name):
    assert page(as_user, figures, "staff_b", name).status_code == 404


def test_figure_statuses_follow_sees_unapproved(world):
    users, plan = world.users, world.plan_a
    for user in (users["staff_a"], users["leader_a"], users["admin"], users["national"]):
        shown = access.figure_statuses(user, plan)
        assert (shown != (Actual.Status.APPROVED,)) == access.sees_unapproved(user, plan)

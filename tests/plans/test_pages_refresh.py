"""`manage.py pages_refresh` renders the kept pages before their first reader (plans.kept_pages)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Actual, Comparator
from plans.models import (
    ConceptVerdictSnapshot,
    DashboardPage,
    NationalMatrixPage,
    PlanStatusSnapshot,
    YearRowsSnapshot,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

YEAR = 2013


@pytest.fixture
def plan(db):
    plan = f.plan(f.province("Bình Thuận", code="60"), first_year=2011, last_year=2015)
    indicator = f.indicator(plan, code="A", name="Chỉ tiêu A")
    f.target(indicator, year=2015, phrase="100%", comparator=Comparator.EQ, value="100")
    f.actual(indicator, year=YEAR, value="60", status=Actual.Status.APPROVED)
    return plan


def kept_rows():
    return {
        model: {row.pk: row.computed_at for row in model.objects.all()}
        for model in (DashboardPage, YearRowsSnapshot, NationalMatrixPage)
    }


def test_every_kept_page_is_rendered_and_readers_use_it(client, plan, capsys):
    call_command("pages_refresh")
    output = capsys.readouterr().out
    assert "1 plans" in output and "national entries of 3 years" in output
    # The national workbook's years, 2011 to the latest approved one, judged beforehand.
    kept_years = ConceptVerdictSnapshot.objects.filter(plan=plan).values_list("year", flat=True)
    assert sorted(kept_years) == [2011, 2012, 2013]
    before = kept_rows()
    # One dashboard and one year view per language, the year of the latest approved figure.
    assert [len(before[model]) for model in before] == [2, 2, 2]
    assert PlanStatusSnapshot.objects.filter(plan=plan).exists()
    client.force_login(f.user(f.LEADER, plan.province))
    dashboard = client.get(reverse("plans:plan-dashboard", args=[plan.slug]))
    year_view = client.get(reverse("plans:year-view", args=[plan.province.slug, YEAR]))
    assert dashboard.status_code == year_view.status_code == 200
    assert "Chỉ tiêu A" in dashboard.content.decode() and "60" in year_view.content.decode()
    # The readers found every page rendered: nothing was rendered or written again.
    assert "table" not in dashboard.context and kept_rows() == before


def test_a_year_outside_every_plan_or_the_calendar_is_refused(plan):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--year"):
        call_command("pages_refresh", "--year", "20251")
    call_command("pages_refresh", "--year", "2030")  # no plan in force: nothing to render


def test_the_pages_of_the_whole_country_are_rendered_too(client, plan, capsys):
    from plans.models import KeptPart

    f.concept("internet-users-pct")
    national = f.user(f.NATIONAL, None)  # a membership is data too: made before the refresh
    call_command("pages_refresh")
    # Home, agency list, reporting status and one comparison, in each of two languages.
    assert "8 parts of the pages of the whole country" in capsys.readouterr().out
    kept = {part.pk: part.computed_at for part in KeptPart.objects.all()}
    names = set(KeptPart.objects.values_list("name", flat=True))
    assert {"home", "agencies", "inbox-reporting"} <= names and len(kept) == 8
    client.force_login(national)
    for url in (reverse("plans:home"), reverse("plans:agency-list")):
        assert client.get(url).status_code == 200
    assert {part.pk: part.computed_at for part in KeptPart.objects.all()} == kept

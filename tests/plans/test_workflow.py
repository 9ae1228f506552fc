"""The shared entry rules: one year-in-plan check and one versioned save for every figure."""

from decimal import Decimal

import pytest
from django.utils import translation

from budgets.models import Disbursement
from indicators.models import Actual
from plans.models import Plan, PlanYear, ReviewStatus, YearOutsidePlan
from plans.services import plan_year_submit
from plans.workflow import EditConflict, EntryRefused, FigureEdit, figures_save_versioned
from tests import factories as f

OUTSIDE = "Năm 2021 nằm ngoài thời kỳ của văn bản (2011–2020)."


def test_check_year_accepts_the_period_up_to_the_horizon():
    plan = Plan(first_year=2011, last_year=2015, horizon_year=2020)
    for year in (2011, 2015, 2020):
        plan.check_year(year)


@pytest.mark.parametrize("year", [2010, 2021])
def test_check_year_refuses_a_year_outside_the_plan(year):
    with pytest.raises(YearOutsidePlan):
        Plan(first_year=2011, last_year=2015, horizon_year=2020).check_year(year)


def test_check_year_names_the_plan_period():
    with translation.override("vi"), pytest.raises(YearOutsidePlan) as refused:
        Plan(first_year=2011, last_year=2015, horizon_year=2020).check_year(2021)
    assert str(refused.value) == OUTSIDE


@pytest.mark.django_db
def test_workflow_refuses_a_year_outside_the_plan_with_the_same_message():
    plan = f.plan(first_year=2011, last_year=2015, horizon_year=2020)
    with translation.override("vi"), pytest.raises(EntryRefused) as refused:
        plan_year_submit(plan=plan, year=2021, user=f.user(f.STAFF, plan.province))
    assert str(refused.value) == OUTSIDE


def _actual_edit(value: str, version: int):
    stored = f.actual(f.indicator(f.plan()), value="50")
    wanted = Actual(indicator=stored.indicator, year=stored.year, value=Decimal(value))
    return FigureEdit(stored.indicator_id, stored, wanted, version)


def _disbursement_edit(amount: str, version: int):
    stored = f.disbursement(f.budget_line(f.plan()), amount="50")
    wanted = Disbursement(
        line=stored.line, source=stored.source, year=stored.year, amount=Decimal(amount)
    )
    return FigureEdit((stored.line_id, stored.source_id), stored, wanted, version)


FIGURES = [
    pytest.param(_actual_edit, ("value",), id="actual"),
    pytest.param(_disbursement_edit, ("amount",), id="disbursement"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("edit_of", "fields"), FIGURES)
def test_stale_version_raises_edit_conflict_and_saves_nothing(edit_of, fields):
    edit = edit_of("70", version=0)  # the page was loaded before the figure was stored
    with pytest.raises(EditConflict) as caught:
        figures_save_versioned([edit], fields=fields, user=None)
    conflict = caught.value.conflicts[0]
    assert (conflict.key, conflict.version, conflict.theirs, conflict.yours) == (
        edit.key,
        1,
        "50",
        "70",
    )
    edit.stored.refresh_from_db()
    assert (getattr(edit.stored, fields[0]), edit.stored.version) == (Decimal("50"), 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("edit_of", "fields"), FIGURES)
def test_current_version_saves_a_draft_and_bumps_the_version(edit_of, fields):
    edit = edit_of("70", version=1)
    type(edit.stored).objects.filter(pk=edit.stored.pk).update(status=ReviewStatus.RETURNED)
    edit.stored.refresh_from_db()
    user = f.user(f.STAFF)
    assert figures_save_versioned([edit], fields=fields, user=user, reason="sửa") == 1
    saved = type(edit.stored).objects.get(pk=edit.stored.pk)
    assert (getattr(saved, fields[0]), saved.version, saved.status, saved.entered_by) == (
        Decimal("70"),
        2,
        ReviewStatus.DRAFT,
        user,
    )
    assert saved.history.latest("history_date").history_change_reason == "sửa"


@pytest.mark.django_db
def test_a_new_figure_is_saved_at_version_one():
    indicator = f.indicator(f.plan())
    wanted = Actual(indicator=indicator, year=2013, value=Decimal("70"))
    edit = FigureEdit(indicator.pk, None, wanted, 0)
    figures_save_versioned([edit], fields=("value",), user=None)
    assert Actual.objects.get().version == 1


def test_status_aliases_are_the_one_review_status():
    assert Actual.Status is Disbursement.Status is PlanYear.Status is ReviewStatus


@pytest.mark.parametrize(
    ("model", "own"),
    [
        (Actual, ["indicator", "year", "value", "progress", "note", "evidence"]),
        (Disbursement, ["line", "year", "source", "amount", "note"]),
    ],
)
def test_shared_fields_come_after_each_figures_own(model, own):
    """The admin's forms and the exports list the fields in this order, as before sharing."""
    shared = ["status", "entered_by", "entered_at", "updated_at", "version"]
    assert [field.name for field in model._meta.fields] == ["id", *own, *shared]

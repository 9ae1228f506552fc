"""Database constraints hold whatever path writes the row."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from budgets.models import Allocation, Disbursement
from indicators.models import Comparator, Target
from plans.models import Plan
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_target_upper_value_cannot_be_below_value():
    ind = f.indicator(f.plan())
    refused(
        lambda: f.target(ind, comparator=Comparator.RANGE, value="10", upper_value=Decimal("5"))
    )


def test_range_target_needs_upper_value_and_others_have_none():
    ind = f.indicator(f.plan())
    refused(lambda: f.target(ind, comparator=Comparator.RANGE, value="5"))
    refused(lambda: f.target(ind, comparator=Comparator.GT, value="5", upper_value=Decimal("9")))


def test_one_target_per_indicator_and_year():
    ind = f.indicator(f.plan())
    f.target(ind, year=2015)
    refused(lambda: f.target(ind, year=2015, phrase="100%"))


def test_one_actual_per_indicator_and_year():
    ind = f.indicator(f.plan())
    f.actual(ind, year=2013)
    refused(lambda: f.actual(ind, year=2013))


def test_actual_needs_a_value_or_a_progress():
    ind = f.indicator(f.plan())
    refused(lambda: f.actual(ind, value=None))


@pytest.mark.parametrize("model", [Allocation, Disbursement])
def test_amounts_cannot_be_negative(model):
    line = f.budget_line(f.plan())
    fields = {"line": line, "source": f.funding_source(), "amount": Decimal("-1")}
    if model is Allocation:
        fields |= {"year_from": 2011, "year_to": 2011}
    else:
        fields |= {"year": 2011}
    refused(lambda: model.objects.create(**fields))


def test_allocation_span_must_be_ordered():
    line = f.budget_line(f.plan())
    refused(lambda: f.allocation(line, year_from=2015, year_to=2011))


@pytest.mark.parametrize("year", [1899, 2101])
def test_years_must_be_in_a_sane_range(year):
    ind = f.indicator(f.plan())
    refused(lambda: f.target(ind, year=year))


def test_plan_last_year_cannot_precede_first_year():
    refused(lambda: f.plan(first_year=2015, last_year=2011))


def test_document_numbers_are_unique_per_province_when_printed():
    province = f.province()
    f.plan(province, document_number="1005/QĐ-UBND")
    refused(lambda: f.plan(province, document_number="1005/QĐ-UBND"))


def test_blank_document_numbers_may_repeat_and_other_provinces_may_reuse_a_number():
    province = f.province()
    f.plan(province, document_number="")
    f.plan(province, document_number="")
    f.plan(f.province(), document_number="22/KH-UBND")
    f.plan(f.province(), document_number="22/KH-UBND")
    assert Plan.objects.count() == 4


def test_plan_status_follows_its_years_and_its_successor():
    old = f.plan(first_year=2023, last_year=2025)
    assert old.status_on(datetime.date(2022, 12, 31)) == Plan.Status.NOT_YET
    assert old.status_on(datetime.date(2025, 12, 31)) == Plan.Status.IN_FORCE
    assert old.status_on(datetime.date(2026, 1, 1)) == Plan.Status.ENDED
    new = f.plan(first_year=2026, last_year=2030)
    old.superseded_by = new
    old.save()
    assert old.status_on(datetime.date(2025, 6, 1)) == Plan.Status.IN_FORCE
    assert old.status_on(datetime.date(2026, 6, 1)) == Plan.Status.SUPERSEDED
    assert old.status == old.status_on(timezone.localdate())


def test_a_plan_cannot_supersede_itself():
    plan = f.plan()
    plan.superseded_by = plan
    with pytest.raises(ValidationError):
        plan.full_clean()


def test_clean_explains_a_reversed_range_in_words():
    ind = f.indicator(f.plan())
    target = Target(
        indicator=ind,
        year=2015,
        comparator=Comparator.RANGE,
        value=Decimal("10"),
        upper_value=Decimal("5"),
        phrase="10 - 5%",
    )
    with pytest.raises(ValidationError) as caught:
        target.full_clean()
    assert "upper_value" in caught.value.message_dict


def test_plan_clean_refuses_a_day_that_does_not_exist():
    plan = f.plan()
    plan.issued_year, plan.issued_month, plan.issued_day = 2012, 2, 30
    with pytest.raises(ValidationError) as caught:
        plan.full_clean()
    assert "issued_day" in caught.value.message_dict


@pytest.mark.parametrize(
    ("day", "month", "year", "shown"),
    [(27, 7, 2012, "27/07/2012"), (None, 10, 2023, "10/2023"), (None, None, 2011, "2011")],
)
def test_partial_issue_dates_show_what_is_known(day, month, year, shown):
    plan = Plan(issued_day=day, issued_month=month, issued_year=year)
    assert plan.issued_display == shown


def test_natural_keys_round_trip():
    plan = f.small_plan(indicators=1, lines=1)
    target = Target.objects.get(indicator__plan=plan, year=2015)
    assert Target.objects.get_by_natural_key(*target.natural_key()) == target
    allocation = Allocation.objects.filter(line__plan=plan).first()
    assert Allocation.objects.get_by_natural_key(*allocation.natural_key()) == allocation
    assert Plan.objects.get_by_natural_key(*plan.natural_key()) == plan

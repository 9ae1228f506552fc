"""Numbers and dates in Vietnamese notation."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation


def render(template, **context):
    return Template("{% load l10n %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1093410, "1.093.410"), (Decimal("0.85"), "0,85"), (Decimal("1234567.89"), "1.234.567,89")],
)
def test_numbers_print_in_vietnamese_notation(value, shown):
    with translation.override("vi"):
        assert render("{{ value }}", value=value) == shown


@pytest.mark.parametrize(("value", "shown"), [(1093410, "1.093.410"), (Decimal("9.5"), "9,5")])
def test_english_pages_print_the_vietnamese_notation_inputs_read(value, shown):
    # Inputs read Vietnamese notation in every language: one notation per page.
    with translation.override("en"):
        assert render("{{ value }}", value=value) == shown


def test_dates_print_day_first():
    with translation.override("vi"):
        assert render("{{ d|date:'SHORT_DATE_FORMAT' }}", d=datetime.date(2012, 7, 27)) == (
            "27/07/2012"
        )


@pytest.mark.parametrize("typed", ["05/06/2024", "05-06-2024", "2024-06-05"])
def test_dates_are_typed_day_first(typed):
    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = DateForm({"day": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2024, 6, 5)


def test_day_first_accepts_days_above_twelve():
    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = DateForm({"day": "25/06/2024"})
        assert form.is_valid(), form.errors


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_is_typed_day_first_in_both_languages(language):
    """A deadline typed 05/06/2024 is 5 June whatever the interface's language."""
    with translation.override(language):
        assert forms.DateField().clean("05/06/2024") == datetime.date(2024, 6, 5)
        with pytest.raises(forms.ValidationError):
            forms.DateField().clean("12/31/2024")  # month first: refused, not misread

"""The baselines page's form: an indicator's starting figure, typed in Vietnamese notation."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.forms import FigureRule, figure_text, read_figure
from indicators.models import Indicator
from indicators.services import BaselineInput
from plans.models import MIN_YEAR, Plan


class BaselineForm(forms.Form):
    """One indicator's baseline: value, year and where it comes from."""

    value = forms.CharField(label=gettext_lazy("baseline value"), required=False, max_length=40)
    # Typed as text, so that a year never shows or parses as "2.010".
    year = forms.CharField(label=gettext_lazy("baseline year"), required=False, max_length=10)
    source = forms.CharField(label=gettext_lazy("baseline source"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicator: Indicator, plan: Plan, version: int, **kwargs):
        self.indicator = indicator
        self.plan = plan
        kwargs.setdefault("prefix", f"b{indicator.pk}")
        kwargs.setdefault(
            "initial",
            {
                "value": figure_text(indicator.baseline_value),
                "year": "" if indicator.baseline_year is None else str(indicator.baseline_year),
                "source": indicator.baseline_source,
                "version": version,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_value(self):
        # The entry screen's reader and rule: negative only for rates that allow it.
        return read_figure(self.cleaned_data["value"], FigureRule.for_indicator(self.indicator))

    def clean_year(self):
        text = self.cleaned_data["year"].strip()
        if not text:
            return None
        year = int(text) if text.isdigit() and len(text) == 4 else None
        if year is None or not MIN_YEAR <= year <= self.plan.last_year:
            raise forms.ValidationError(
                _(
                    "The baseline year must be a year from %(min)s to %(max)s "
                    "(the plan's last year)."
                )
                % {"min": MIN_YEAR, "max": self.plan.last_year}
            )
        return year

    def clean_source(self):
        return self.cleaned_data["source"].strip()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("value") is not None and data.get("year") is None:
            self.add_error("year", _("A baseline value needs its year."))
        elif data.get("value") is None and (data.get("year") or data.get("source")):
            self.add_error(
                "value", _("Enter the baseline value that the year or source belongs to.")
            )
        return data

    def to_input(self) -> BaselineInput:
        """Return what the user typed, for indicators.services.baselines_save()."""
        data = self.cleaned_data
        return BaselineInput(
            indicator=self.indicator,
            value=data.get("value"),
            year=data.get("year"),
            source=data.get("source", ""),
            version=data["version"],
        )

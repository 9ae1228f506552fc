"""Entry forms: figures typed in Vietnamese notation, read by plans.numbers like targets."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Actual, Indicator
from indicators.services import ActualInput, BaselineInput
from plans.fields import NOTE_LIMIT
from plans.models import MIN_YEAR, Plan
from plans.numbers import (
    FigureRule,
    figure_text,
    read_figure,
)
from plans.text import clean_text


class ActualEntryForm(forms.Form):
    """One indicator's figure for one year."""

    value = forms.CharField(label=gettext_lazy("value"), required=False, max_length=40)
    progress = forms.ChoiceField(
        label=gettext_lazy("progress"),
        required=False,
        choices=[("", "—"), *Actual.Progress.choices],
    )
    note = forms.CharField(
        label=gettext_lazy("note"), required=False, widget=forms.Textarea, max_length=NOTE_LIMIT
    )
    evidence = forms.CharField(
        label=gettext_lazy("evidence"), required=False, max_length=NOTE_LIMIT
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicator: Indicator, current: Actual | None, **kwargs):
        self.indicator = indicator
        self.current = current
        kwargs.setdefault("prefix", f"i{indicator.pk}")
        kwargs.setdefault(
            "initial",
            {
                "value": figure_text(current.value) if current else "",
                "progress": current.progress if current else "",
                "note": current.note if current else "",
                "evidence": current.evidence if current else "",
                "version": current.version if current else 0,
            },
        )
        super().__init__(*args, **kwargs)
        if indicator.is_qualitative:
            del self.fields["value"]
        else:
            del self.fields["progress"]

    def clean_value(self):
        return read_figure(self.cleaned_data["value"], FigureRule.for_indicator(self.indicator))

    def clean(self):
        data = super().clean()
        filled = data.get("value") is not None or bool(data.get("progress"))
        if not filled and self.current is not None and not self.errors:
            field = "progress" if self.indicator.is_qualitative else "value"
            self.add_error(
                field, _("A recorded figure cannot be emptied; type the corrected figure instead.")
            )
        elif not filled and (data.get("note") or data.get("evidence")):
            field = "progress" if self.indicator.is_qualitative else "value"
            self.add_error(field, _("Enter the figure that the note or evidence belongs to."))
        return data

    def to_input(self) -> ActualInput:
        """Return what the user typed, for indicators.services.actuals_save()."""
        data = self.cleaned_data
        return ActualInput(
            indicator=self.indicator,
            value=data.get("value"),
            progress=data.get("progress", ""),
            note=clean_text(data["note"]),
            evidence=clean_text(data["evidence"]),
            version=data["version"],
        )


class BaselineForm(forms.Form):
    """One indicator's baseline: value, year and where it comes from."""

    value = forms.CharField(label=gettext_lazy("baseline value"), required=False, max_length=40)
    # Typed as text, so that a year never shows or parses as "2.010".
    year = forms.CharField(label=gettext_lazy("baseline year"), required=False, max_length=10)
    source = forms.CharField(
        label=gettext_lazy("baseline source"), required=False, max_length=NOTE_LIMIT
    )
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
        return clean_text(self.cleaned_data["source"])

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

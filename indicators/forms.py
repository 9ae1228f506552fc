"""Entry forms: figures typed in Vietnamese notation, read by the same reader as targets."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import FIGURE_PLACES, Actual, Indicator
from indicators.services import ActualInput, BaselineInput
from indicators.targets import TargetPhraseError, parse_number
from plans.models import MIN_YEAR, Plan


def is_percent_unit(unit: str) -> bool:
    """Return whether figures in `unit` are percentages ("%", "%/năm", "% tổng thu ngân sách")."""
    return (unit or "").strip().startswith("%")


@dataclass(frozen=True)
class FigureRule:
    """What a figure typed or read from a file may be: its unit, sign, range and precision."""

    unit: str = ""
    negative: bool = False  # growth and change rates fall below zero
    capped: bool = False  # a share in % lies between 0 and 100
    money: bool = False
    places: int | None = FIGURE_PLACES  # None when the caller converts the figure first

    @classmethod
    def for_indicator(cls, indicator: Indicator) -> "FigureRule":
        """Return the rule for figures of `indicator`: rates may be negative or above 100%."""
        rate = (
            indicator.allows_negative or indicator.aggregation == Indicator.Aggregation.YEARLY_RATE
        )
        return cls(
            unit=indicator.unit.strip(),
            negative=indicator.allows_negative,
            capped=is_percent_unit(indicator.unit) and not rate,
        )

    @classmethod
    def for_money(cls, unit: str = "triệu đồng", *, places: int | None = FIGURE_PLACES):
        """Return the rule for an amount in `unit`: never negative, never a percentage."""
        return cls(unit=unit, money=True, places=places)

    @property
    def percent(self) -> bool:
        return is_percent_unit(self.unit)

    def percent_format_refused(self) -> str:
        """Return why a cell formatted as percent cannot hold this figure."""
        if self.money:
            return _(
                "the cell is formatted as a percentage, but amounts are in %(unit)s; "
                "remove the percent format and type the amount."
            ) % {"unit": self.unit}
        return _(
            "the cell is formatted as a percentage, but the indicator's unit is “%(unit)s”; "
            "remove the percent format and type the figure in %(unit)s."
        ) % {"unit": self.unit or "—"}

    def percent_sign_refused(self) -> str:
        """Return why a figure typed with "%" cannot be this figure."""
        if self.money:
            return _("this is a percentage, but amounts are in %(unit)s.") % {"unit": self.unit}
        return _("this is a percentage, but the indicator's unit is “%(unit)s”.") % {
            "unit": self.unit or "—"
        }


def check_figure(value: Decimal, rule: FigureRule) -> Decimal:
    """Return `value` if `rule` allows it; raise forms.ValidationError in Vietnamese otherwise."""
    if value < 0 and not rule.negative:
        raise forms.ValidationError(_("A figure cannot be negative."))
    if rule.capped and value > 100:
        raise forms.ValidationError(_("A percentage must lie between 0 and 100."))
    if rule.places is not None and value.normalize().as_tuple().exponent < -rule.places:
        raise forms.ValidationError(
            _("A figure has at most %(places)s decimal places; round it.") % {"places": rule.places}
        )
    return value


def read_figure(text: str, rule: FigureRule = FigureRule()) -> Decimal | None:
    """Return the number typed as `text` ("1.234,5", "85", "85%", "-3"), None when blank.

    Raise forms.ValidationError with a Vietnamese message for anything else, or for a figure
    `rule` does not allow.
    """
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if cleaned.endswith("%"):
        if not rule.percent:
            raise forms.ValidationError(rule.percent_sign_refused())
        cleaned = cleaned[:-1].strip()
    try:
        value = parse_number(cleaned)
    except TargetPhraseError as exc:
        raise forms.ValidationError(exc.reason) from exc
    return check_figure(value, rule)


def figure_text(value: Decimal | None) -> str:
    """Return `value` as a person types it in Vietnamese notation: 1.234,5."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    whole, _sep, fraction = f"{abs(value).normalize():f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


class ActualEntryForm(forms.Form):
    """One indicator's figure for one year."""

    value = forms.CharField(label=gettext_lazy("value"), required=False, max_length=40)
    progress = forms.ChoiceField(
        label=gettext_lazy("progress"),
        required=False,
        choices=[("", "—"), *Actual.Progress.choices],
    )
    note = forms.CharField(label=gettext_lazy("note"), required=False, widget=forms.Textarea)
    evidence = forms.CharField(label=gettext_lazy("evidence"), required=False, max_length=1000)
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
            note=data["note"].strip(),
            evidence=data["evidence"].strip(),
            version=data["version"],
        )


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

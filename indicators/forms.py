"""Entry forms: figures typed in Vietnamese notation, read by the same reader as targets."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Actual, Indicator
from indicators.services import ActualInput
from indicators.targets import TargetPhraseError, parse_number


def read_figure(text: str, *, percent: bool = False) -> Decimal | None:
    """Return the number typed as `text` ("1.234,5", "85", "85%"), None when blank.

    Raise forms.ValidationError with a Vietnamese message for anything else.
    """
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if cleaned.startswith("-"):
        raise forms.ValidationError(_("A figure cannot be negative."))
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    try:
        value = parse_number(cleaned)
    except TargetPhraseError as exc:
        raise forms.ValidationError(exc.reason) from exc
    if percent and value > 100:
        raise forms.ValidationError(_("A percentage must lie between 0 and 100."))
    return value


def figure_text(value: Decimal | None) -> str:
    """Return `value` as a person types it in Vietnamese notation: 1.234,5."""
    if value is None:
        return ""
    whole, _sep, fraction = f"{value.normalize():f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


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
        return read_figure(self.cleaned_data["value"], percent=self.indicator.unit.strip() == "%")

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

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.status_look import LABELS, label_of


class IndicatorFilterForm(forms.Form):
    """Filters of the plan dashboard's indicator table; choices come from the rows themselves."""

    section = forms.ChoiceField(label=_("section"), required=False)
    sector = forms.ChoiceField(label=_("sector"), required=False)
    scope = forms.ChoiceField(label=_("scope"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["section"].choices = everything + sorted(
            {(str(r["section_id"]), r["section"]) for r in records if r["section_id"]},
            key=lambda c: c[1],
        )
        self.fields["sector"].choices = everything + sorted(
            {(str(r["sector_id"]), r["sector"]) for r in records if r["sector_id"]},
            key=lambda c: c[1],
        )
        self.fields["scope"].choices = everything + sorted(
            {(r["scope"], r["scope"]) for r in records if r["scope"]}
        )
        present = {r["status_code"] for r in records}
        # In the order of the statuses, best first, whatever order the rows come in.
        self.fields["status"].choices = everything + [
            (code, label_of(code)) for code in LABELS if code in present
        ]

    def apply(self, records: list[dict]) -> list[dict]:
        """Return the records matching the chosen filters; all of them if the form is unbound."""
        if not self.is_bound or not self.is_valid():
            return records
        data = self.cleaned_data
        tests = [
            ("section", lambda r, v: str(r["section_id"]) == v),
            ("sector", lambda r, v: str(r["sector_id"]) == v),
            ("scope", lambda r, v: r["scope"] == v),
            ("status", lambda r, v: r["status_code"] == v),
        ]
        for name, matches in tests:
            if data.get(name):
                records = [r for r in records if matches(r, data[name])]
        return records

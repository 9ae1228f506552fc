from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.models import MONEY_PLACES
from indicators.status_look import LABELS, label_of
from plans.fields import NOTE_LIMIT
from plans.models import WorkProgress
from plans.numbers import FigureRule, figure_text, read_figure
from plans.work import WorkInput, WorkRow


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


class WorkProgressForm(forms.Form):
    """The progress of one project or duty in a year: its state, what was done, and for a
    project the money disbursed (million VND, Vietnamese notation)."""

    state = forms.ChoiceField(required=False)
    reason = forms.CharField(required=False, max_length=NOTE_LIMIT)
    account = forms.CharField(required=False, max_length=NOTE_LIMIT)
    disbursed = forms.CharField(required=False, max_length=40)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, row: WorkRow, **kw):
        self.row = row
        current = row.current
        kind, pk = row.key
        kw.setdefault("prefix", f"w{kind[0]}{pk}")  # wp12, wd7
        kw.setdefault(
            "initial",
            {
                "state": current.state if current else "",
                "reason": current.reason if current else "",
                "account": current.account if current else "",
                "disbursed": figure_text(current.disbursed) if current else "",
                "version": current.version if current else 0,
            },
        )
        super().__init__(*args, **kw)
        self.fields["state"].choices = [("", "—"), *WorkProgress.State.choices]
        if row.project is None:
            del self.fields["disbursed"]  # a duty has no money of its own

    def clean_disbursed(self):
        return read_figure(
            self.cleaned_data["disbursed"], FigureRule.for_money(places=MONEY_PLACES)
        )

    def clean(self):
        data = super().clean()
        state = data.get("state")
        typed = any(data.get(name) for name in ("reason", "account", "disbursed"))
        if not state and (typed or self.row.current is not None):
            self.add_error(
                "state",
                _("Choose how far it is: a recorded progress cannot be left without a state.")
                if self.row.current is not None
                else _("Choose how far it is before saving what was done."),
            )
        if state == WorkProgress.State.STOPPED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why it stopped."))
        return data

    def to_input(self) -> WorkInput | None:
        """Return what was typed for plans.work.work_save(), None for a row left blank."""
        data = self.cleaned_data
        if not data["state"]:
            return None
        return WorkInput(
            project=self.row.project,
            duty=self.row.duty,
            state=data["state"],
            reason=data["reason"].strip(),
            account=data["account"].strip(),
            disbursed=data.get("disbursed"),
            version=data["version"],
        )

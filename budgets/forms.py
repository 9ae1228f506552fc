from django import forms
from django.utils.translation import gettext as _

from budgets.models import MONEY_PLACES, BudgetLine, Disbursement, FundingSource
from budgets.services import DisbursementInput
from plans.numbers import FigureRule, figure_text, read_figure


class DisbursementEntryForm(forms.Form):
    """The amount disbursed for one budget line from one source in one year (triệu đồng)."""

    amount = forms.CharField(required=False, max_length=40)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args, line: BudgetLine, source: FundingSource, current: Disbursement | None, **kw
    ):
        self.line, self.source, self.current = line, source, current
        kw.setdefault("prefix", f"d{line.pk}-{source.pk}")
        kw.setdefault(
            "initial",
            {
                "amount": figure_text(current.amount) if current else "",
                "version": current.version if current else 0,
            },
        )
        super().__init__(*args, **kw)

    def clean_amount(self):
        amount = read_figure(self.cleaned_data["amount"], FigureRule.for_money(places=MONEY_PLACES))
        if amount is None and self.current is not None:
            raise forms.ValidationError(
                _("A recorded amount cannot be emptied; type 0 or the corrected amount.")
            )
        return amount

    def to_input(self) -> DisbursementInput | None:
        """Return the amount typed for budgets.services.disbursements_save(), None if blank."""
        if self.cleaned_data["amount"] is None:
            return None
        return DisbursementInput(
            line=self.line,
            source=self.source,
            amount=self.cleaned_data["amount"],
            version=self.cleaned_data["version"],
        )

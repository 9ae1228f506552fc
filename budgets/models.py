"""Investment of a plan: budget lines, planned allocations and actual disbursements.

Money is stored exactly (Decimal) in one unit, triệu đồng (million VND). Tables printed in
tỷ đồng (billion VND) are converted on the way in; the printed figure is kept beside it.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.fields import FoldedField, note_field
from plans.models import (
    CodeManager,
    Plan,
    PlanChildManager,
    Project,
    ReportedFigure,
    Section,
    Sector,
    year_in_range,
    year_validators,
)
from plans.numbers import figure_shown

MONEY_DIGITS = 20
MONEY_PLACES = 4

# How many triệu đồng one printed unit is worth.
UNIT_FACTORS = {"triệu đồng": Decimal(1), "tỷ đồng": Decimal(1000)}


def money_field(verbose_name, **kwargs):
    """Return a DecimalField for an amount in triệu đồng."""
    return models.DecimalField(
        verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs
    )


class FundingSource(models.Model):
    """Nguồn vốn: NSTW, NSĐP, khác, doanh nghiệp, ODA… and 'not split by source'."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=30)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CodeManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["position", "code"]

    def __str__(self):
        return self.short_name

    def natural_key(self):
        return (self.code,)


class BudgetLineQuerySet(models.QuerySet):
    def with_amounts(self, **disbursement_filter):
        """Return lines with allocations and the disbursements matching the filter prefetched."""
        disbursements = Disbursement.objects.filter(**disbursement_filter).select_related("source")
        return self.select_related("section", "sector", "project").prefetch_related(
            models.Prefetch("allocations", queryset=Allocation.objects.select_related("source")),
            models.Prefetch("disbursements", queryset=disbursements),
        )


class BudgetLineManager(PlanChildManager.from_queryset(BudgetLineQuerySet)):
    pass


class BudgetLine(models.Model):
    """An investment item (hạng mục đầu tư) of a plan, as printed in its table."""

    class PrintedUnit(models.TextChoices):
        MILLION = "triệu đồng", _("million VND (triệu đồng)")
        BILLION = "tỷ đồng", _("billion VND (tỷ đồng)")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name as printed"), max_length=500)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_lines",
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_lines",
    )
    printed_unit = models.CharField(
        _("unit printed in the document"),
        max_length=20,
        choices=PrintedUnit.choices,
        default=PrintedUnit.MILLION,
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name_folded = FoldedField(sources=("code", "name"))

    objects = BudgetLineManager()
    history = HistoricalRecords(excluded_fields=["name_folded"])

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["plan_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"], name="budgetline_unique_code_per_plan"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.plan.slug, self.code)

    natural_key.dependencies = ["plans.plan", "plans.section", "plans.sector", "plans.project"]

    def clean(self):
        for field in ("section", "project"):
            related = getattr(self, field)
            if related is not None and self.plan_id and related.plan_id != self.plan_id:
                raise ValidationError({field: _("It belongs to another plan.")})


class AllocationManager(models.Manager):
    def get_by_natural_key(self, plan_slug, line_code, year_from, year_to, source_code):
        return self.get(
            line__plan__slug=plan_slug,
            line__code=line_code,
            year_from=year_from,
            year_to=year_to,
            source__code=source_code,
        )


class Allocation(models.Model):
    """Planned money (kế hoạch vốn) for a line, a year or span of years, and a source."""

    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    year_from = models.PositiveSmallIntegerField(_("from year"), validators=year_validators)
    year_to = models.PositiveSmallIntegerField(_("to year"), validators=year_validators)
    source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="+"
    )
    amount = money_field(_("amount (million VND)"))
    amount_printed = models.CharField(
        _("amount as printed"),
        max_length=50,
        blank=True,
        help_text=_("In the line's printed unit, e.g. 62 (tỷ đồng) or 1.093.410."),
    )

    objects = AllocationManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["line_id", "year_from", "year_to", "source__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "year_from", "year_to", "source"], name="allocation_unique_cell"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="allocation_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year_to__gte=F("year_from")), name="allocation_span_ordered"
            ),
            models.CheckConstraint(
                condition=year_in_range("year_from") & year_in_range("year_to"),
                name="allocation_years_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.line} {self.span_display} {self.source}: {self.amount}"

    def natural_key(self):
        return (*self.line.natural_key(), self.year_from, self.year_to, self.source.code)

    natural_key.dependencies = ["budgets.budgetline", "budgets.fundingsource"]

    @property
    def span_display(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}-{self.year_to}"

    def clean(self):
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("An amount cannot be negative.")})
        if self.year_from and self.year_to and self.year_to < self.year_from:
            raise ValidationError({"year_to": _("The span ends before it starts.")})


class DisbursementManager(models.Manager):
    def get_by_natural_key(self, plan_slug, line_code, year, source_code):
        return self.get(
            line__plan__slug=plan_slug, line__code=line_code, year=year, source__code=source_code
        )


class Disbursement(ReportedFigure):
    """Money actually disbursed (giải ngân) for a line in a year from a source."""

    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.CASCADE,
        related_name="disbursements",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="+"
    )
    amount = money_field(_("amount (million VND)"))
    note = note_field(_("note"))

    objects = DisbursementManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["line_id", "year", "source__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "year", "source"], name="disbursement_unique_cell"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="disbursement_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=year_in_range("year"), name="disbursement_year_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.line} {self.year} {self.source}: {self.amount}"

    def natural_key(self):
        return (*self.line.natural_key(), self.year, self.source.code)

    natural_key.dependencies = ["budgets.budgetline", "budgets.fundingsource"]

    def clean(self):
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("An amount cannot be negative.")})

    def shown(self) -> str:
        """Return the amount as an edit conflict shows it."""
        return figure_shown(self.amount)


class StatedTotal(models.Model):
    """A total the document states in its text, kept apart from the table figures.

    Documents sometimes contradict themselves (Hậu Giang 2011 states 200 tỷ đồng for 2011-2015
    while its table sums to 140). The portal shows both and never sums stated totals.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="stated_totals"
    )
    code = models.CharField(_("code"), max_length=50)
    label = models.CharField(_("what it totals"), max_length=300)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stated_totals",
    )
    year_from = models.PositiveSmallIntegerField(
        _("from year"), null=True, blank=True, validators=year_validators
    )
    year_to = models.PositiveSmallIntegerField(
        _("to year"), null=True, blank=True, validators=year_validators
    )
    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = money_field(_("amount (million VND)"))
    phrase = models.CharField(_("phrase as printed"), max_length=500)

    objects = PlanChildManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stated total")
        verbose_name_plural = _("stated totals")
        ordering = ["plan_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"], name="statedtotal_unique_code_per_plan"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="statedtotal_amount_not_negative"
            ),
        ]

    def __str__(self):
        return self.phrase

    def natural_key(self):
        return (self.plan.slug, self.code)

    natural_key.dependencies = ["plans.plan", "plans.section", "budgets.fundingsource"]

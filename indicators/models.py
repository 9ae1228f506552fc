"""Indicators (chỉ tiêu) of a plan, their yearly targets and the actual figures reported."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators import units
from plans.fields import DOCUMENT_TEXT_LIMIT, FoldedField, limited_text_field, note_field
from plans.models import (
    CodeManager,
    Plan,
    PlanChildManager,
    ReportedFigure,
    ReviewStatus,
    Section,
    year_in_range,
    year_validators,
)
from plans.numbers import (
    FIGURE_DIGITS,
    FIGURE_PLACES,
    TargetPhraseError,
    figure_shown,
    format_figure,
)


def figure_field(verbose_name, **kwargs):
    """Return a DecimalField sized for any figure a plan prints."""
    return models.DecimalField(
        verbose_name, max_digits=FIGURE_DIGITS, decimal_places=FIGURE_PLACES, **kwargs
    )


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")
    KEEP_LEVEL = "keep", _("Keep at level")


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    RANGE = "range", _("range")
    APPROX = "approx", "≈"


class IndicatorConcept(models.Model):
    """A measure several plans share, so that provinces can be compared."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    description = limited_text_field(_("description"), limit=DOCUMENT_TEXT_LIMIT, blank=True)
    name_folded = FoldedField(sources=("name",))

    objects = CodeManager()
    history = HistoricalRecords(excluded_fields=["name_folded"])

    class Meta:
        verbose_name = _("indicator concept")
        verbose_name_plural = _("indicator concepts")
        ordering = ["name_folded"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def clean(self):
        # One unit per concept: the compare page draws every linked indicator on one axis.
        if self.pk is None:
            return
        stray = [
            f"{indicator.plan.slug} {indicator.code} (“{indicator.unit}”)"
            for indicator in self.indicators.select_related("plan")
            if not units.convertible(indicator.unit, self.unit)
        ]
        if stray:
            raise ValidationError(
                {
                    "unit": _(
                        "These linked indicators are in a unit that cannot be converted to "
                        "“%(unit)s”: %(indicators)s. Unlink them before changing the unit."
                    )
                    % {"unit": self.unit, "indicators": ", ".join(stray)}
                }
            )


class IndicatorQuerySet(models.QuerySet):
    def with_plan(self):
        """Return indicators with plan, province, section, sector and concept in one query."""
        return self.select_related(
            "plan", "plan__province", "section", "section__sector", "concept"
        )


class IndicatorManager(PlanChildManager.from_queryset(IndicatorQuerySet)):
    pass


class Indicator(models.Model):
    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        QUALITATIVE = "qualitative", _("Qualitative objective")

    class Aggregation(models.TextChoices):
        # How yearly figures add up toward a target: the most reported bug in M&E systems is
        # summing states or taking the last value of increments.
        LEVEL = "level", _("Level (the latest value counts)")
        INCREMENT = "increment", _("Increment (yearly figures accumulate)")
        YEARLY_RATE = "yearly_rate", _("Yearly rate (each year judged on its own)")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=50, help_text=_("Unique within the plan."))
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    name = limited_text_field(_("name as printed"), limit=DOCUMENT_TEXT_LIMIT)
    scope = models.CharField(
        _("scope"), max_length=200, blank=True, help_text=_("Phạm vi, e.g. cấp xã, toàn tỉnh.")
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    aggregation = models.CharField(
        _("how yearly figures add up"),
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.LEVEL,
    )
    baseline_value = figure_field(_("baseline value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=year_validators
    )
    baseline_source = note_field(
        _("baseline source"),
        help_text=_("Where the baseline comes from, e.g. a statistical yearbook or a survey."),
    )
    # Growth and change rates can fall below zero; shares and counts cannot.
    allows_negative = models.BooleanField(
        _("negative figures allowed"),
        default=False,
        help_text=_("Tick for growth or change rates, which can fall below zero."),
    )
    due_year = models.PositiveSmallIntegerField(
        _("due year"),
        null=True,
        blank=True,
        validators=year_validators,
        help_text=_("For qualitative objectives: the year by which it should be done."),
    )
    concept = models.ForeignKey(
        IndicatorConcept,
        verbose_name=_("shared concept"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name_folded = FoldedField(sources=("code", "name", "scope"))

    objects = IndicatorManager()
    # Baselines are recorded by staff after the plan is loaded: who changed them, and when.
    history = HistoricalRecords(excluded_fields=["name_folded"])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code_per_plan"),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_year__isnull=False),
                name="indicator_baseline_has_year",
            ),
            models.CheckConstraint(
                condition=year_in_range("baseline_year") & year_in_range("due_year"),
                name="indicator_years_in_range",
            ),
        ]

    def __str__(self):
        label = f"{self.code}. {self.name}"
        return f"{label} ({self.scope})" if self.scope else label

    def natural_key(self):
        return (self.plan.slug, self.code)

    natural_key.dependencies = ["plans.plan", "plans.section", "indicators.indicatorconcept"]

    @property
    def is_qualitative(self) -> bool:
        return self.kind == self.Kind.QUALITATIVE

    def clean(self):
        if self.section_id and self.plan_id and self.section.plan_id != self.plan_id:
            raise ValidationError({"section": _("The section belongs to another plan.")})
        if self.baseline_value is not None and self.baseline_year is None:
            raise ValidationError({"baseline_year": _("A baseline value needs its year.")})
        if self.concept_id and not units.convertible(self.unit, self.concept.unit):
            raise ValidationError(
                {
                    "concept": _(
                        "This indicator is in “%(unit)s” but the shared concept “%(concept)s” "
                        "is in “%(concept_unit)s”, and one cannot be converted to the other: "
                        "compared on one chart, the figures would mislead. Link it to a "
                        "concept in its unit, or to none."
                    )
                    % {
                        "unit": self.unit,
                        "concept": self.concept.name,
                        "concept_unit": self.concept.unit,
                    }
                }
            )


class YearlyFigureManager(models.Manager):
    """Look targets and actuals up by plan slug, indicator code and year."""

    def get_by_natural_key(self, plan_slug, indicator_code, year):
        return self.get(indicator__plan__slug=plan_slug, indicator__code=indicator_code, year=year)


class Target(models.Model):
    """What an indicator should reach by a milestone year, as the plan prints it."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    # "Mục tiêu đến năm 2015" in a 2011–2020 plan: the target applies 2011–2015. Blank means
    # from the plan's first year.
    period_start = models.PositiveSmallIntegerField(
        _("period start"),
        null=True,
        blank=True,
        validators=year_validators,
        help_text=_("First year the target applies to; blank means the plan's first year."),
    )
    comparator = models.CharField(_("comparator"), max_length=10, choices=Comparator.choices)
    value = figure_field(_("value"))
    upper_value = figure_field(_("upper value"), null=True, blank=True)
    unit = models.CharField(_("unit as printed"), max_length=50, blank=True)
    phrase = models.CharField(
        _("phrase as printed"), max_length=300, help_text=_("e.g. trên 90%, dưới 1,4 km/điểm")
    )
    note = limited_text_field(_("note"), limit=DOCUMENT_TEXT_LIMIT, blank=True)

    objects = YearlyFigureManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_year"),
            models.CheckConstraint(
                condition=(
                    Q(comparator="range")
                    & Q(upper_value__isnull=False)
                    & Q(upper_value__gte=F("value"))
                )
                | (~Q(comparator="range") & Q(upper_value__isnull=True)),
                name="target_range_has_ordered_bounds",
            ),
            models.CheckConstraint(condition=year_in_range("year"), name="target_year_in_range"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_start__lte=F("year")),
                name="target_period_starts_by_its_year",
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.phrase}"

    def natural_key(self):
        return (*self.indicator.natural_key(), self.year)

    natural_key.dependencies = ["indicators.indicator"]

    def clean(self):
        if self.comparator == Comparator.RANGE:
            if self.upper_value is None:
                raise ValidationError({"upper_value": _("A range needs an upper value.")})
            if self.value is not None and self.upper_value < self.value:
                raise ValidationError(
                    {"upper_value": _("The upper value cannot be below the value.")}
                )
        elif self.upper_value is not None:
            raise ValidationError({"upper_value": _("Only a range has an upper value.")})
        has_period = self.period_start is not None and self.year is not None
        if has_period and self.period_start > self.year:
            raise ValidationError(
                {"period_start": _("The period cannot start after the target's year.")}
            )
        self._clean_unit()

    def _clean_unit(self):
        """Refuse a printed unit foreign to the indicator's, or a figure left unconverted.

        `value` and `upper_value` are always in the indicator's unit; `unit` keeps the printed
        one. Clean verifies rather than converts, so cleaning twice never converts twice:
        writers convert with indicators.targets.read_target_in_unit().
        """
        try:
            indicator = self.indicator
        except Indicator.DoesNotExist:
            return
        try:
            ratio = units.target_factor(self.unit, indicator.unit)
        except units.UnitMismatch:
            raise ValidationError(
                {
                    "unit": _(
                        "The target is in “%(unit)s” but its indicator is in "
                        "“%(indicator_unit)s”, and one cannot be converted to the other. "
                        "Correct the target's unit or the indicator's."
                    )
                    % {"unit": self.unit, "indicator_unit": indicator.unit}
                }
            ) from None
        if ratio == 1:
            return
        from indicators.targets import read_target

        try:
            reading = read_target(self.phrase)
        except TargetPhraseError:
            raise ValidationError(
                {
                    "phrase": _(
                        "A target in another unit than its indicator's needs a phrase the "
                        "reader understands, so that its figure can be converted."
                    )
                }
            ) from None
        expected = units.target_value_in_indicator_unit(reading.value, self.unit, indicator.unit)
        expected_upper = units.target_value_in_indicator_unit(
            reading.upper_value, self.unit, indicator.unit
        )
        if self.value != expected or self.upper_value != expected_upper:
            shown = format_figure(expected)
            if expected_upper is not None:
                shown = f"{shown} – {format_figure(expected_upper)}"
            raise ValidationError(
                {
                    "value": _(
                        "“%(phrase)s” is printed in “%(unit)s”; in the indicator's unit "
                        "(“%(indicator_unit)s”) it is %(value)s. Store the figure in the "
                        "indicator's unit."
                    )
                    % {
                        "phrase": self.phrase,
                        "unit": self.unit,
                        "indicator_unit": indicator.unit,
                        "value": shown,
                    }
                }
            )


class Actual(ReportedFigure):
    """The figure (or, for a qualitative objective, the status) reached in one year."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="actuals"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    value = figure_field(_("value"), null=True, blank=True)
    progress = models.CharField(_("progress"), max_length=20, choices=Progress.choices, blank=True)
    note = note_field(_("note"))
    evidence = note_field(_("evidence"), help_text=_("Text or a link."))

    objects = YearlyFigureManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actual")
        verbose_name_plural = _("actuals")
        ordering = ["indicator_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="actual_one_per_year"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(progress=""),
                name="actual_has_value_or_progress",
            ),
            models.CheckConstraint(condition=year_in_range("year"), name="actual_year_in_range"),
        ]

    def __str__(self):
        shown = self.value if self.value is not None else self.get_progress_display()
        return f"{self.year}: {shown}"

    def natural_key(self):
        return (*self.indicator.natural_key(), self.year)

    natural_key.dependencies = ["indicators.indicator"]

    def clean(self):
        if self.value is None and not self.progress:
            raise ValidationError(_("Enter a value or, for a qualitative objective, a progress."))

    def shown(self) -> str:
        """Return the figure, else the progress, as an edit conflict shows it."""
        return figure_shown(self.value, self.get_progress_display())


class ComparePage(models.Model):
    """The data part of one concept's comparison page, rendered (indicators.compare_page).

    A concept measured by every province has over a hundred series over fifteen years, and a
    national leader's page judges them all. It is kept per concept, language and reach (the
    plans the viewer reaches, with the figures they see of each), under a fingerprint of those
    plans (their fields, data_version among them, and provinces), the concept, the rules and
    the code that renders it. A cache, so without history.
    """

    concept = models.ForeignKey(
        IndicatorConcept, on_delete=models.CASCADE, related_name="compare_pages"
    )
    language = models.CharField(max_length=10)
    reach = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    body = models.TextField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("comparison page")
        verbose_name_plural = _("comparison pages")
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "language", "reach"], name="one_compare_page_per_reach"
            )
        ]

    def __str__(self):
        return f"{self.concept_id} {self.language}"


class ReviewComment(models.Model):
    """A leader's comment on one indicator's row of a year, written when returning the year.

    Kept, with its history, until the leader's next return of that year replaces the set;
    staff act on it only while the year is returned after it (see is_open).
    """

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="review_comments",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    text = note_field(_("comment"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["indicator_id", "year"]
        constraints = [
            # Also the index of the review and entry screens' lookup by plan-year.
            models.UniqueConstraint(
                fields=["indicator", "year"], name="review_comment_one_per_row_and_year"
            ),
            models.CheckConstraint(
                condition=year_in_range("year"), name="review_comment_year_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.text}"

    def is_open(self, plan_year) -> bool:
        """Return whether staff still have to act on the comment.

        True while `plan_year` stays returned and has not been submitted again since the
        comment was written: a resubmission answers it, and a later reopening is about
        something else.
        """
        submitted_at = plan_year.submitted_at
        return plan_year.status == ReviewStatus.RETURNED and (
            submitted_at is None or self.written_at > submitted_at
        )


def evidence_path(instance, filename: str) -> str:
    """Return where an evidence file is stored: plan slug, year and a random name.

    Never the uploader's file name (it is kept in `original_name`, for the download only).
    """
    figure = instance.actual or instance.disbursement
    plan_slug = figure.indicator.plan.slug if instance.actual else figure.line.plan.slug
    extension = instance.extension if instance.extension.isalnum() else "bin"
    return f"evidence/{plan_slug}/{figure.year}/{uuid.uuid4().hex}.{extension}"


def evidence_storage():
    """Return the storage evidence files live in (settings.STORAGES["evidence"])."""
    return storages["evidence"]


class EvidenceFile(models.Model):
    """A file staff attach to a figure or a disbursement as evidence; several per figure."""

    actual = models.ForeignKey(
        Actual,
        verbose_name=_("actual"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_files",
    )
    disbursement = models.ForeignKey(
        "budgets.Disbursement",
        verbose_name=_("disbursement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_files",
    )
    file = models.FileField(
        _("file"), upload_to=evidence_path, storage=evidence_storage, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(_("extension"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["actual_id", "disbursement_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actual__isnull=False, disbursement__isnull=True)
                | Q(actual__isnull=True, disbursement__isnull=False),
                name="evidence_file_has_one_owner",
            ),
        ]

    def __str__(self):
        return self.original_name

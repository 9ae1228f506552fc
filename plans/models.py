"""Provinces, agencies, plans and what a plan is made of: sections, projects, duties."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.fields import (
    DOCUMENT_TEXT_LIMIT,
    SOURCE_TEXT_LIMIT,
    FoldedField,
    limited_text_field,
    note_field,
)
from plans.numbers import NO_FIGURE, figure_shown

# Plans in the seeds span 2011-2025 with horizons to 2030; the bounds only catch typos.
MIN_YEAR = 1990
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


def year_in_range(field: str) -> Q:
    """Return the check that `field` is empty or a year in the accepted range."""
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": MIN_YEAR, f"{field}__lte": MAX_YEAR}
    )


class CodeManager(models.Manager):
    """Look rows up by their `code`, the natural key used in fixtures."""

    def get_by_natural_key(self, code):
        return self.get(code=code)


class ProvinceQuerySet(models.QuerySet):
    def current(self):
        """Return the provincial units of today's map (not merged into another)."""
        return self.filter(successor__isnull=True)

    def before_2025(self):
        """Return the 63 provinces of the map before 1/7/2025 (not formed by that merger)."""
        return self.filter(formed_on__isnull=True)


class ProvinceManager(CodeManager.from_queryset(ProvinceQuerySet)):
    pass


class Province(models.Model):
    """A provincial unit, of today's map or of the map before the 1/7/2025 merger.

    An ended province names the unit it joined (`successor`); its plans, figures and users stay
    with it, and the successor's users reach them (plans.access.reach).
    """

    code = models.CharField(
        _("official code"),
        max_length=8,
        unique=True,
        help_text=_(
            "QĐ 19/2025/QĐ-TTg code for today's units; QĐ 124/2004/QĐ-TTg code, with “-2004” "
            "where the new table gave it to another unit, for provinces that ended on 1/7/2025."
        ),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)
    formed_on = models.DateField(
        _("formed on"),
        null=True,
        blank=True,
        help_text=_("For a unit formed by merging provinces, the day it came into being."),
    )
    name_folded = FoldedField(sources=("name",))

    objects = ProvinceManager()
    history = HistoricalRecords(excluded_fields=["name_folded"])

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name_folded"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(successor=F("pk")), name="province_not_own_successor"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def is_current(self) -> bool:
        return self.successor_id is None

    @property
    def current(self) -> "Province":
        """Return the unit of today's map this province is part of (itself if current).

        Follows `successor` objects: fetch them with select_related("successor") when listing.
        """
        province, seen = self, set()
        while province.successor_id and province.pk not in seen:
            seen.add(province.pk)
            province = province.successor
        return province

    @property
    def label(self) -> str:
        """Return the name a reader of today understands: "Hậu Giang (nay thuộc Cần Thơ)"."""
        if self.is_current:
            return self.name
        today = self.current
        if today.name == self.name and self.merged_on:
            day = self.merged_on
            return _("%(name)s (before %(date)s)") % {
                "name": self.name,
                "date": f"{day.day}/{day.month}/{day.year}",
            }
        return _("%(name)s (now part of %(current)s)") % {"name": self.name, "current": today.name}

    def clean(self):
        if self.merged_on and not self.successor_id:
            raise ValidationError({"merged_on": _("A merge date needs the province merged into.")})
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("A province cannot be merged into itself.")})


class Agency(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Provincial department (Sở)")
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee (UBND)")
        DISTRICT = "district", _("District People's Committee (UBND huyện)")
        ENTERPRISE = "enterprise", _("Enterprise")
        CENTRAL = "central", _("Central body")
        MEDIA = "media", _("Newspaper / broadcaster")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text=_("Empty for central bodies."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("succeeded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    succeeded_on = models.DateField(_("succeeded on"), null=True, blank=True)
    name_folded = FoldedField(sources=("name", "short_name"))

    objects = CodeManager()
    history = HistoricalRecords(excluded_fields=["name_folded"])

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["province__name_folded", "name_folded"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(successor=F("pk")), name="agency_not_own_successor"
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["plans.province"]


class Sector(models.Model):
    """A field of ICT shared across plans (postal, telecom, IT applications, …)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_folded = FoldedField(sources=("name",))

    objects = CodeManager()
    history = HistoricalRecords(excluded_fields=["name_folded"])

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


def deadline_in(year: int, *, day: int, month: int) -> datetime.date:
    """Return day `day` of `month` in `year`, or the month's last day where it has fewer days.

    A default of 29/2 falls on 28/2 in years without a 29 February.
    """
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


class YearOutsidePlan(Exception):
    """A year before a plan's first year or after its horizon; the message is for the user."""


# Words a plan's address would collide with: /plans/new/ is the new-plan page.
RESERVED_PLAN_SLUGS = frozenset({"new"})


def validate_plan_slug_free(slug: str) -> None:
    """Refuse a plan code that is already a page of the portal."""
    if slug in RESERVED_PLAN_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of a page of the portal; choose another code.")
            % {"slug": slug}
        )


class PlanQuerySet(models.QuerySet):
    def with_province(self):
        """Return plans with their province and its successor fetched in the same query."""
        return self.select_related(
            "province", "province__successor", "issuing_body", "superseded_by"
        )


class PlanManager(models.Manager.from_queryset(PlanQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Plan(models.Model):
    class Kind(models.TextChoices):
        MASTER_PLAN = "master_plan", _("Master plan (quy hoạch)")
        PLAN_ADJUSTMENT = "plan_adjustment", _("Master plan adjustment (điều chỉnh quy hoạch)")
        ACTION_PLAN = "action_plan", _("Action plan (kế hoạch)")
        DECISION = "decision", _("Decision (quyết định)")

    class Status(models.TextChoices):
        """Where a plan stands on a day: derived from its years, never stored (it goes stale)."""

        NOT_YET = "not_yet", _("Not yet in force")
        IN_FORCE = "in_force", _("In force")
        ENDED = "ended", _("Ended")
        SUPERSEDED = "superseded", _("Superseded")

    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, validators=[validate_plan_slug_free]
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="plans"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("As printed, e.g. 1005/QĐ-UBND. Empty when the document prints none."),
    )
    title = models.CharField(_("title"), max_length=500)
    # Issue dates are sometimes partial ("10/2023") or missing, so each part is optional.
    issued_year = models.PositiveSmallIntegerField(
        _("issue year"), null=True, blank=True, validators=year_validators
    )
    issued_month = models.PositiveSmallIntegerField(
        _("issue month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    issued_day = models.PositiveSmallIntegerField(
        _("issue day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    issuing_body = models.ForeignKey(
        Agency,
        verbose_name=_("issuing body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_plans",
    )
    signer = models.CharField(_("signer"), max_length=200, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=year_validators)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=year_validators)
    horizon_year = models.PositiveSmallIntegerField(
        _("horizon year"),
        null=True,
        blank=True,
        validators=year_validators,
        help_text=_("The 'định hướng' year beyond the plan period, if any."),
    )
    # Each year's report is due on this day of that year unless its plan-year says otherwise.
    report_deadline_day = models.PositiveSmallIntegerField(
        _("reporting deadline: day"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("The day of the year each year's figures are due, e.g. 15 for 15/12."),
    )
    report_deadline_month = models.PositiveSmallIntegerField(
        _("reporting deadline: month"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    based_on = limited_text_field(
        _("based on"),
        limit=DOCUMENT_TEXT_LIMIT,
        blank=True,
        help_text=_("Documents it implements or follows."),
    )
    source_file = models.CharField(
        _("source file"),
        max_length=200,
        blank=True,
        help_text=_("File under fixtures/sources/ holding the document's full text."),
    )
    source_text = limited_text_field(_("source text"), limit=SOURCE_TEXT_LIMIT, blank=True)
    title_folded = FoldedField(sources=("document_number", "title"))
    # The document's own words: tens of kilobytes a plan, deferred wherever a page lists plans.
    TEXT_FIELDS = ("source_text", "based_on")
    # Bumped by every write to the plan's indicators, targets, figures or money; see
    # PlanStatusSnapshot. Only ever changed by data_changed(), never by save().
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Bumped with data_version, except by writes that leave every approved figure as it was
    # (drafts entered, a year submitted): what pages of approved figures only rest on.
    approved_version = models.PositiveBigIntegerField(default=0, editable=False)
    VERSION_FIELDS = ("data_version", "approved_version")

    objects = PlanManager()
    history = HistoricalRecords(excluded_fields=["title_folded", *VERSION_FIELDS])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["province__name_folded", "first_year", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="plan_last_year_after_first"
            ),
            models.CheckConstraint(
                condition=Q(horizon_year__isnull=True) | Q(horizon_year__gte=F("last_year")),
                name="plan_horizon_after_last_year",
            ),
            models.CheckConstraint(
                condition=year_in_range("first_year")
                & year_in_range("last_year")
                & year_in_range("horizon_year")
                & year_in_range("issued_year"),
                name="plan_years_in_range",
            ),
            models.CheckConstraint(
                condition=Q(issued_month__isnull=True)
                | Q(issued_month__gte=1, issued_month__lte=12),
                name="plan_issued_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(issued_day__isnull=True) | Q(issued_day__gte=1, issued_day__lte=31),
                name="plan_issued_day_valid",
            ),
            models.CheckConstraint(
                condition=Q(report_deadline_day__gte=1, report_deadline_day__lte=31)
                & Q(report_deadline_month__gte=1, report_deadline_month__lte=12),
                name="plan_report_deadline_valid",
            ),
            # Printed numbers are unique within a province; blank numbers are not compared.
            models.UniqueConstraint(
                fields=["province", "document_number"],
                condition=~Q(document_number=""),
                name="plan_unique_number_per_province",
            ),
        ]

    def __str__(self):
        if self.document_number:
            return f"{self.document_number} — {self.title}"
        return self.title

    def save(self, *args, **kwargs):
        # An edit of the plan's own fields must not put back a version it read earlier.
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.VERSION_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:plans_plan_change", args=[self.pk])

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["plans.province", "plans.agency"]

    @property
    def short_name(self) -> str:
        """Return its number, or its title cut to 50 characters: what heads a printed page."""
        return self.document_number or Truncator(self.title).chars(50)

    def version_for(self, *, approved_only: bool) -> int:
        """Return the version of the plan's data as a page showing approved figures only, or
        every figure, sees it."""
        return self.approved_version if approved_only else self.data_version

    def shown_values(self) -> list:
        """Return the plan's fields a page may show: all but its text and its versions."""
        return [
            getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.name not in (*self.TEXT_FIELDS, *self.VERSION_FIELDS)
        ]

    @staticmethod
    def data_changed(*, plan_ids=(), indicator_ids=(), line_ids=(), approved=True) -> None:
        """Record, in the caller's transaction, that these plans' figures, targets or money
        changed (named by plan, by indicator or by budget line).

        `approved=False` when the caller knows no approved figure changed (drafts written
        over drafts, a year submitted): pages of approved figures keep what they show.
        A counter, not history: `.update()` with F() is the one write that cannot lose a
        concurrent bump.
        """
        plans = Q(pk__in=list(plan_ids)) if plan_ids else Q(pk__in=[])
        if indicator_ids:
            plans |= Q(indicators__in=list(indicator_ids))
        if line_ids:
            plans |= Q(budget_lines__in=list(line_ids))
        # The country's row first, as every single save's signal does (plans.signals): writers
        # then lock the two in one order and never wait on each other in a circle.
        # Figures written as drafts leave every year's reporting state; a submission or a
        # return saves its plan-year, which bumps `reports` (plans.signals).
        CountryVersion.bump(approved=approved, reports=approved)
        matched = Plan.objects.filter(plans).values("pk")
        bumps = {"data_version": F("data_version") + 1}
        if approved:
            bumps["approved_version"] = F("approved_version") + 1
        Plan.objects.filter(pk__in=matched).update(**bumps)

    @property
    def issued_display(self) -> str:
        """Return the issue date as printed, day first, with missing parts left out."""
        parts = [self.issued_day, self.issued_month, self.issued_year]
        if self.issued_year is None:
            return ""
        return "/".join(f"{part:02d}" if part < 100 else str(part) for part in parts if part)

    def clean(self):
        errors = {}
        if self.first_year and self.last_year and self.last_year < self.first_year:
            errors["last_year"] = _("The last year cannot come before the first year.")
        if self.horizon_year and self.last_year and self.horizon_year < self.last_year:
            errors["horizon_year"] = _("The horizon year cannot come before the last year.")
        if self.issued_day and not self.issued_month:
            errors["issued_month"] = _("A day needs a month.")
        if (self.issued_day or self.issued_month) and not self.issued_year:
            errors["issued_year"] = _("A day or month needs a year.")
        if self.issued_year and self.issued_month and self.issued_day:
            try:
                datetime.date(self.issued_year, self.issued_month, self.issued_day)
            except ValueError:
                errors["issued_day"] = _("This day does not exist in that month.")
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = _("A plan cannot supersede itself.")
        if self.report_deadline_day and self.report_deadline_month:
            try:  # 2000 had a 29 February: 29/2 is a valid default
                datetime.date(2000, self.report_deadline_month, self.report_deadline_day)
            except ValueError:
                errors["report_deadline_day"] = _("This day does not exist in that month.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, day: datetime.date) -> "Plan.Status":
        """Return where the plan stands on `day`: its years and its successor decide.

        A plan is in force through the end of its last year; it is superseded from the first
        year of the plan replacing it (fetch `superseded_by` with the plan when listing).
        """
        if self.superseded_by_id and self.superseded_by.first_year <= day.year:
            return self.Status.SUPERSEDED
        if day.year < self.first_year:
            return self.Status.NOT_YET
        if day.year > self.last_year:
            return self.Status.ENDED
        return self.Status.IN_FORCE

    @property
    def status(self) -> "Plan.Status":
        """Return where the plan stands today."""
        return self.status_on(timezone.localdate())

    def default_deadline(self, year: int) -> datetime.date:
        """Return the day the figures of `year` are due unless their plan-year says otherwise."""
        return deadline_in(year, day=self.report_deadline_day, month=self.report_deadline_month)

    def reports_year(self, year: int) -> bool:
        """Return whether a report is due for `year`: a year of the plan period.

        The horizon year is a direction, not a reporting year.
        """
        return self.first_year <= year <= self.last_year

    def covers_year(self, year: int) -> bool:
        """Return whether `year` lies in the plan period or up to its horizon."""
        return self.first_year <= year <= (self.horizon_year or self.last_year)

    def report_year_default(self) -> int:
        """Return the year a report is asked for by default: the latest with an approved
        figure, else this year, within the plan's years."""
        from indicators.models import Actual

        latest = (
            Actual.objects.filter(indicator__plan=self, status=ReviewStatus.APPROVED)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        year = latest or timezone.localdate().year
        return min(max(year, self.first_year), self.horizon_year or self.last_year)

    def check_year(self, year: int) -> None:
        """Raise YearOutsidePlan unless `year` lies in the plan period or up to its horizon."""
        if not self.covers_year(year):
            raise YearOutsidePlan(
                _("The year %(year)s is outside the plan's period (%(first)s–%(last)s).")
                % {
                    "year": year,
                    "first": self.first_year,
                    "last": self.horizon_year or self.last_year,
                }
            )


class PlanChildManager(models.Manager):
    """Look a plan's rows up by plan slug and their code within the plan."""

    def get_by_natural_key(self, plan_slug, code):
        return self.get(plan__slug=plan_slug, code=code)


class Section(models.Model):
    """A part of a plan in the document's own numbering (Phần 1 › III › 2.2)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(
        _("code"), max_length=50, help_text=_("Unique within the plan, e.g. P1.III.2.2.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent section"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("number as printed"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=500)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sections",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title_folded = FoldedField(sources=("number", "title"))

    objects = PlanChildManager()
    history = HistoricalRecords(excluded_fields=["title_folded"])

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="section_unique_code_per_plan"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="section_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def natural_key(self):
        return (self.plan.slug, self.code)

    natural_key.dependencies = ["plans.plan", "plans.sector"]

    def clean(self):
        if self.parent_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("The parent section belongs to another plan.")})


class Project(models.Model):
    """A task (nhiệm vụ) or project (dự án) of a plan; tasks group projects."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="projects"
    )
    code = models.CharField(_("code"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    number = models.CharField(_("number as printed"), max_length=50, blank=True)
    name = limited_text_field(_("name as printed"), limit=DOCUMENT_TEXT_LIMIT)
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("lead agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    lead_agency_printed = models.CharField(_("lead agency as printed"), max_length=300, blank=True)
    content = limited_text_field(_("content"), limit=DOCUMENT_TEXT_LIMIT, blank=True)
    first_year = models.PositiveSmallIntegerField(
        _("first year"), null=True, blank=True, validators=year_validators
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, validators=year_validators
    )
    period_printed = models.CharField(_("period as printed"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    name_folded = FoldedField(sources=("number", "name"))

    objects = PlanChildManager()
    history = HistoricalRecords(excluded_fields=["name_folded"])

    class Meta:
        verbose_name = _("project / task")
        verbose_name_plural = _("projects / tasks")
        ordering = ["plan_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="project_unique_code_per_plan"),
            models.CheckConstraint(
                condition=Q(first_year__isnull=True)
                | Q(last_year__isnull=True)
                | Q(last_year__gte=F("first_year")),
                name="project_last_year_after_first",
            ),
            models.CheckConstraint(
                condition=year_in_range("first_year") & year_in_range("last_year"),
                name="project_years_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}" if self.number else self.name

    def natural_key(self):
        return (self.plan.slug, self.code)

    natural_key.dependencies = ["plans.plan", "plans.agency", "plans.section"]

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("The last year cannot come before the first.")})
        if self.parent_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("The parent task belongs to another plan.")})


class Responsibility(models.Model):
    """A duty the plan assigns to an agency (tổ chức thực hiện)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (chủ trì)")
        SUPPORT = "support", _("Support (phối hợp)")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    code = models.CharField(_("code"), max_length=50)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsibilities",
    )
    duties = limited_text_field(_("duties as printed"), limit=DOCUMENT_TEXT_LIMIT)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = PlanChildManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["plan_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"], name="responsibility_unique_code_per_plan"
            ),
        ]

    def __str__(self):
        return f"{self.agency} ({self.get_role_display()})"

    def natural_key(self):
        return (self.plan.slug, self.code)

    natural_key.dependencies = ["plans.plan", "plans.agency", "plans.section"]


class Membership(models.Model):
    """The one province a user works for; none for national users and administrators."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    email_notices = models.BooleanField(
        _("e-mail notices"),
        default=True,
        help_text=_("Send notices and deadline reminders by e-mail as well as in the portal."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} — {self.province or _('all provinces')}"


class ReviewStatus(models.TextChoices):
    """Where a plan-year, and each figure in it, stands in the yearly review."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


# Statuses under which staff may still write a figure: drafts, and years returned to them.
EDITABLE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


def review_status_field():
    """Return the status field of a plan-year or a reported figure, a draft until submitted."""
    return models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )


class ReportedFigure(models.Model):
    """What every figure staff report carries: review status, who entered it, when, version.

    Subclasses (indicators.Actual, budgets.Disbursement) add their own figure and a
    `shown()` method, and keep their own HistoricalRecords.
    """

    Status = ReviewStatus

    status = review_status_field()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped on every save so a second editor working from an old copy is detected.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True

    def shown(self) -> str:
        """Return the figure as an edit conflict shows it; a dash when there is none."""
        raise NotImplementedError


# Django orders a model's fields by when each was created, so the copies a subclass inherits
# would come before its own fields in the admin, its forms and exports. Before they were
# shared they came last; the offset (far above any project's field count) keeps them there.
for _shared in ReportedFigure._meta.local_fields:
    _shared.creation_counter += 1_000_000
del _shared


class PlanYear(models.Model):
    """One plan's report for one year: the unit staff submit and leaders approve."""

    Status = ReviewStatus

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="plan_years"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    status = review_status_field()
    comment = note_field(_("comment"), help_text=_("Why it was returned or reopened."))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    deadline = models.DateField(
        _("reporting deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: the plan's default day of the year."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")
        ordering = ["plan_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="planyear_one_per_year"),
            models.CheckConstraint(condition=year_in_range("year"), name="planyear_year_in_range"),
        ]
        permissions = [
            ("enter_figures", _("Can enter and submit figures of their province")),
            ("approve_figures", _("Can approve, return and reopen figures of their province")),
            ("view_all_provinces", _("Can view every province")),
        ]

    def __str__(self):
        return f"{self.plan} — {self.year}"

    @property
    def is_editable(self) -> bool:
        """Return whether staff may still change the figures."""
        return self.status in EDITABLE_STATUSES

    @property
    def due_on(self) -> datetime.date:
        """Return the reporting deadline: this year's own, else the plan's default day.

        Follows `plan`: lists compute it with reporting_deadline() from rows they hold.
        """
        return reporting_deadline(self.plan, self.year, self.deadline)

    def clean(self):
        if self.deadline and self.year and not self.year <= self.deadline.year <= self.year + 1:
            raise ValidationError(
                {
                    "deadline": _(
                        "The deadline of the %(year)s report falls in %(year)s or the year after."
                    )
                    % {"year": self.year}
                }
            )


def reporting_deadline(plan: Plan, year: int, override: datetime.date | None) -> datetime.date:
    """Return the day the figures of `plan` for `year` are due: `override`, else the default."""
    return override or plan.default_deadline(year)


def is_late(*, due_on: datetime.date, submitted_on: datetime.date | None, today) -> bool:
    """Return whether a report is late: submitted after its deadline, or past it and not sent.

    `submitted_on` is the local day of the last submission of a submitted or approved year,
    None for a year not (or no longer) submitted.
    """
    if submitted_on is not None:
        return submitted_on > due_on
    return today > due_on


class WorkProgress(ReportedFigure):
    """How far one project, or one agency's duty, went in one year, as the Sở reports it.

    A plan commits to projects and to duties of its agencies beside its numeric targets; the
    yearly báo cáo says of each what was done and how far it is. Entered with the year's
    figures, submitted and approved with them (plans.services), with history.
    """

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        STOPPED = "stopped", _("stopped")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="work_progress"
    )
    project = models.ForeignKey(
        "Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="progress",
    )
    duty = models.ForeignKey(
        "Responsibility",
        verbose_name=_("duty"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="progress",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    state = models.CharField(_("progress"), max_length=20, choices=State.choices)
    reason = note_field(_("reason for stopping"))
    account = note_field(_("what was done"))
    # A project's money disbursed in the year, in million VND (budgets.models.money_field's
    # digits); a duty has none.
    disbursed = models.DecimalField(
        _("disbursed (million VND)"), max_digits=20, decimal_places=4, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress of a project or duty")
        verbose_name_plural = _("progress of projects and duties")
        ordering = ["plan_id", "year", "project_id", "duty_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, duty__isnull=True)
                | Q(project__isnull=True, duty__isnull=False),
                name="work_progress_of_one_item",
            ),
            models.UniqueConstraint(
                fields=["project", "year"],
                condition=Q(project__isnull=False),
                name="work_progress_one_per_project_year",
            ),
            models.UniqueConstraint(
                fields=["duty", "year"],
                condition=Q(duty__isnull=False),
                name="work_progress_one_per_duty_year",
            ),
            models.CheckConstraint(
                condition=~Q(state="stopped") | ~Q(reason=""),
                name="work_progress_stopped_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(disbursed__isnull=True) | Q(disbursed__gte=0, project__isnull=False),
                name="work_progress_money_of_projects",
            ),
            models.CheckConstraint(
                condition=year_in_range("year"), name="work_progress_year_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.year}: {self.get_state_display()}"

    # How each state looks on the pages (a Bootstrap colour), done green, stopped red.
    TONES = {
        State.NOT_STARTED: "secondary",
        State.IN_PROGRESS: "info",
        State.DONE: "success",
        State.STOPPED: "danger",
    }

    @property
    def item(self):
        return self.project if self.project_id else self.duty

    @property
    def tone(self) -> str:
        return self.TONES[self.state]

    @property
    def state_title(self) -> str:
        """Return the state as it heads a line: "Đang triển khai"."""
        return capfirst(self.get_state_display())

    @property
    def detail(self) -> str:
        """Return what a report says beside the state: why it stopped, else what was done."""
        return self.reason if self.state == self.State.STOPPED else self.account

    def clean(self):
        errors = {}
        if self.state == self.State.STOPPED and not self.reason.strip():
            errors["reason"] = _("Say why it stopped.")
        if self.disbursed is not None and self.project_id is None:
            errors["disbursed"] = _("Only a project has money disbursed.")
        if self.disbursed is not None and self.disbursed < 0:
            errors["disbursed"] = _("An amount cannot be negative.")
        if errors:
            raise ValidationError(errors)

    def shown(self) -> str:
        """Return the progress as an edit conflict shows it."""
        shown = self.get_state_display() if self.state else NO_FIGURE
        if self.disbursed is not None:
            shown += f", {figure_shown(self.disbursed)}"
        return shown


class PlanStatusSnapshot(models.Model):
    """The home page's verdict counts and money for one plan, as of one version of its data.

    Counting verdicts means judging every indicator against its targets, baseline and figures
    in Python; at national scale that is hundreds of thousands of objects per home request, and
    summing the money reads every allocation and disbursement of the country. So the results
    are kept here with the `Plan.data_version` they were computed from. Every write
    to a plan's indicators, targets, figures or money bumps that version in its own transaction
    (Plan.data_changed: signals in indicators/signals.py for single saves, the bulk writes of
    plans.workflow and plans.services call it themselves), so a snapshot of an older version
    is never used: the next reader recomputes it through the one rule (indicators.achievement).
    A reader that raced a writer stores counts under the version it read first, which the
    writer has already moved past: wasted, never wrong. Snapshots judged by other code (a rule
    changed since) are not used either. A cache, so without history.
    """

    class Scope(models.TextChoices):
        APPROVED = "approved", _("approved figures")
        ALL = "all", _("all figures")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_snapshots")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    version = models.PositiveBigIntegerField()
    # Which code judged them (plans.dashboards.RULES_FINGERPRINT): a deploy that changes a rule
    # makes every snapshot old without anyone having to remember a command.
    rules = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    qualitative_done = models.PositiveIntegerField(default=0)
    qualitative_total = models.PositiveIntegerField(default=0)
    # Money planned in all allocations and disbursed in the figures of the scope (triệu đồng).
    planned = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    disbursed = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan status snapshot")
        verbose_name_plural = _("plan status snapshots")
        constraints = [
            models.UniqueConstraint(fields=["plan", "scope"], name="one_snapshot_per_plan_scope")
        ]

    def __str__(self):
        return f"{self.plan_id} {self.scope} {self.year}"


class ConceptVerdictSnapshot(models.Model):
    """The national matrix's entries of one plan in one year, as of one version of its data.

    Each entry is one indicator of the plan linked to a shared concept, judged in the year on
    approved figures: its figure, the year of that figure, the target that applies and the
    verdict. The national matrix shows these for every plan in force of the country; judging
    them in Python on each request reads every figure of the country (see docs/benchmark.md),
    so they are kept here, valid exactly as PlanStatusSnapshot is: for the plan's
    `data_version` and the rules' fingerprint they were computed with. What is not the plan's
    data (plan names and years, provinces, concepts and their units) is read fresh each time.
    A cache, so without history.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="concept_snapshots")
    year = models.PositiveSmallIntegerField()
    version = models.PositiveBigIntegerField()
    rules = models.CharField(max_length=16)
    # One list per entry, in the order of indicators.national.STORED_FIELDS.
    entries = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("national matrix snapshot")
        verbose_name_plural = _("national matrix snapshots")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="one_concept_snapshot_per_year")
        ]

    def __str__(self):
        return f"{self.plan_id} {self.year}"


class YearRowsSnapshot(models.Model):
    """The year view's rows of one plan in one year, written as HTML, for one way of showing them.

    The year view judges every indicator of a province's plans in force; a province's leaders
    open it many times between two changes of its figures. Each plan's rows are kept here for
    the figures shown (approved only, or all), the language, and whether the plan is the viewed
    province's own (rows of a merged province's plan name it), under a fingerprint of the plan
    (every field but its text, its data_version among them), its province's name, the rules and
    the code that writes the rows (plans.year_lines). A cache, so without history.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="year_rows_snapshots")
    year = models.PositiveSmallIntegerField()
    scope = models.CharField(max_length=10, choices=PlanStatusSnapshot.Scope.choices)
    language = models.CharField(max_length=10)
    own_province = models.BooleanField()
    fingerprint = models.CharField(max_length=64)
    # One [indicator id, indicator code, status code, cells HTML] per row, in the page's order.
    rows = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("year view snapshot")
        verbose_name_plural = _("year view snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "scope", "language", "own_province"],
                name="one_year_rows_snapshot_per_view",
            )
        ]

    def __str__(self):
        return f"{self.plan_id} {self.year} {self.scope} {self.language}"


class DashboardPage(models.Model):
    """The data sections of one plan's dashboard, rendered (plans.dashboard_page).

    The dashboard judges every year of every indicator of the plan for its table and charts:
    the page most opened, and the one that held the load test back (docs/benchmark.md). Its
    data sections are kept here for the figures shown (approved only, or all), the language
    and the query string (only the unfiltered, unsorted page is kept), under a fingerprint of
    the plan (every field but its text, its data_version among them), the rules and the code
    and templates that render them. The parts that depend on the viewer (links to enter
    figures, the figures toggle, succession links) are rendered on each request. A cache, so
    without history.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="dashboard_pages")
    scope = models.CharField(max_length=10, choices=PlanStatusSnapshot.Scope.choices)
    language = models.CharField(max_length=10)
    query = models.CharField(max_length=20, blank=True)
    fingerprint = models.CharField(max_length=64)
    attention = models.TextField(blank=True)
    body = models.TextField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan dashboard page")
        verbose_name_plural = _("plan dashboard pages")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scope", "language", "query"],
                name="one_dashboard_page_per_view",
            )
        ]

    def __str__(self):
        return f"{self.plan_id} {self.scope} {self.language} {self.query}"


class NationalMatrixPage(models.Model):
    """The national matrix of one year in one language, rendered (indicators.national_page).

    Valid while its fingerprint (every plan's fields, the digest of each plan's current
    entries, every province and concept, the rules and the rendering code) equals the one
    computed on each request: a reader never sees rows rendered from other data. A cache, so
    without history.
    """

    year = models.PositiveSmallIntegerField()
    language = models.CharField(max_length=10)
    fingerprint = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    # Each row's [group, HTML, sort values], read only for another order than the default;
    # the default order's rows as one text, which the page reads as is.
    rows = models.JSONField(default=list)
    rows_html = models.TextField(blank=True)
    # The ranking charts, by element id: read only when one is opened.
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("national matrix page")
        verbose_name_plural = _("national matrix pages")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "language"], name="one_national_page_per_year_language"
            )
        ]

    def __str__(self):
        return f"{self.year} {self.language}"


class CountryVersion(models.Model):
    """The version of the whole country's data: one row, bumped by every write to it.

    The pages that show every province at once (a national leader's home, comparison, agency
    list, the national matrix) would otherwise read every plan of the country on each request
    just to learn whether what they keep is still current (docs/benchmark.md). Every write to
    a model of plans, indicators or budgets that is not itself kept from them bumps this row in
    the writer's own transaction (plans.signals: single saves and deletes; Plan.data_changed:
    the bulk writes; a migration bumps it too), so a page kept under an older version is never
    shown. Three counters, for what a kept part rests on:

    - `data`: every write.
    - `approved`: all but the writes that change no approved figure and nothing shown beside
      them (drafts, a year submitted or returned, a leader's comment), as
      Plan.approved_version.
    - `reports`: all but figures written as drafts, which leave every year's reporting state
      as it was (a year with drafts is not submitted, as one without).

    A counter, not history.
    """

    data = models.PositiveBigIntegerField(default=0)
    approved = models.PositiveBigIntegerField(default=0)
    reports = models.PositiveBigIntegerField(default=0)

    ROW = 1
    APPROVED, REPORTS, DATA = "approved", "reports", "data"

    class Meta:
        verbose_name = _("country data version")
        verbose_name_plural = _("country data versions")

    def __str__(self):
        return f"{self.data}/{self.approved}/{self.reports}"

    @classmethod
    def bump(cls, *, approved: bool = True, reports: bool = True, using=None) -> None:
        """Record, in the caller's transaction, that the country's data changed."""
        rows = cls.objects.db_manager(using)
        bumps = {"data": F("data") + 1}
        if approved:
            bumps["approved"] = F("approved") + 1
        if reports:
            bumps["reports"] = F("reports") + 1
        if not rows.filter(pk=cls.ROW).update(**bumps):
            # A new or flushed database: the row comes back, then takes the bump.
            rows.bulk_create([cls(pk=cls.ROW)], ignore_conflicts=True)
            rows.filter(pk=cls.ROW).update(**bumps)

    @classmethod
    def current(cls) -> "CountryVersion":
        """Return the country's version now (zeros on a database never written to)."""
        return cls.objects.filter(pk=cls.ROW).first() or cls(pk=cls.ROW)


class KeptPart(models.Model):
    """A part of a page, rendered, kept for one CountryVersion (plans.kept_parts).

    Kept per name and language, valid for one value of the counter of CountryVersion it rests
    on, one day (what is late or due moves with the date) and the code that rendered it, all
    in its fingerprint. Named after the page, or after the person it is for. A cache, so
    without history.
    """

    name = models.CharField(max_length=60)
    language = models.CharField(max_length=10)
    fingerprint = models.CharField(max_length=80)
    body = models.TextField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kept page part")
        verbose_name_plural = _("kept page parts")
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="one_kept_part_per_view")
        ]

    def __str__(self):
        return f"{self.name} {self.language}"


class Notice(models.Model):
    """A message to one user about one plan-year: a step of its review or a deadline reminder.

    Shown in the portal and, for users who want mail, mailed once (`email_to`, `emailed_at`).
    An event is identified by `key` (the time of the step, or the deadline reminded of): the
    unique constraint keeps it to one notice per recipient however often it is recorded.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for correction")
        REOPENED = "reopened", _("Reopened for correction")
        DUE_SOON = "due_soon", _("Deadline approaching")
        OVERDUE = "overdue", _("Deadline passed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notices"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    key = models.CharField(_("event"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = note_field(_("comment"))
    deadline = models.DateField(_("reporting deadline"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_to = models.EmailField(
        _("e-mailed to"), blank=True, help_text=_("Empty: no mail wanted or no address.")
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "plan", "year", "key"], name="notice_once_per_event"
            ),
        ]
        indexes = [
            # The inbox and the notices page: a user's unread notices, newest first.
            models.Index(fields=["recipient", "read_at", "created_at"], name="notice_of_user"),
            # The mail sender: notices still to be mailed.
            models.Index(fields=["emailed_at", "created_at"], name="notice_mail_pending"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.plan_id} {self.year} → {self.recipient_id}"

    @property
    def is_reminder(self) -> bool:
        return self.kind in (self.Kind.DUE_SOON, self.Kind.OVERDUE)

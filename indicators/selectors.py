"""Reads of indicators with their targets and figures."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import Prefetch, Q
from django.urls import reverse

from indicators.achievement import (
    PathPoint,
    Status,
    TargetFacts,
    YearStatus,
    applicable_target,
    counted_figures,
    expected_value,
    target_path,
    year_status,
)
from indicators.models import Actual, EvidenceFile, Indicator, Target
from plans.models import Plan, Section


@dataclass
class EntryRow:
    indicator: Indicator
    target: Target | None  # the target that applies this year (achievement.applicable_target)
    target_is_own: bool
    previous: Actual | None  # last year's figure
    current: Actual | None


@dataclass
class SectionRows:
    section: Section | None
    rows: list[EntryRow]


def entry_rows(plan: Plan, year: int, *, statuses=None) -> list[SectionRows]:
    """Return the plan's indicators grouped by section, with the figures the entry screen shows.

    Only actuals with one of `statuses` (default: all) are shown. Four queries whatever the
    plan's size: indicators with sections, targets, and the actuals of `year` and the year
    before.
    """
    actuals = Actual.objects.filter(year__in=[year - 1, year])
    if statuses is not None:
        actuals = actuals.filter(status__in=statuses)
    indicators = (
        Indicator.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year")),
            Prefetch("actuals", queryset=actuals.select_related("entered_by")),
        )
        .order_by("section__position", "section__code", "position", "code")
    )
    groups: list[SectionRows] = []
    for indicator in indicators:
        by_year = {actual.year: actual for actual in indicator.actuals.all()}
        target = applicable_target(indicator.targets.all(), year)
        own = target is not None and target.year == year
        row = EntryRow(indicator, target, own, by_year.get(year - 1), by_year.get(year))
        if not groups or groups[-1].section != indicator.section:
            groups.append(SectionRows(indicator.section, []))
        groups[-1].rows.append(row)
    return groups


APPROVED_ONLY = (Actual.Status.APPROVED,)
ALL_STATUSES = tuple(Actual.Status.values)


@dataclass
class IndicatorProgress:
    """An indicator with its targets, the figures the viewer may see, and its status."""

    indicator: Indicator
    targets: list[Target]
    actuals: dict[int, Actual]
    as_of: int | None  # the year the status is judged in
    status: YearStatus | None
    progress: str = ""  # qualitative objectives: the latest progress reported

    @property
    def latest_year(self) -> int | None:
        return max(self.actuals) if self.actuals else None

    @property
    def status_code(self) -> str:
        if self.indicator.is_qualitative:
            return self.progress or Status.NO_DATA
        return self.status.status if self.status else Status.NO_DATA

    @property
    def has_unapproved(self) -> bool:
        return any(a.status != Actual.Status.APPROVED for a in self.actuals.values())

    @property
    def target(self) -> Target | None:
        """Return the target that applies in the year judged (the same one the status names)."""
        return None if self.as_of is None else applicable_target(self.targets, self.as_of)

    # Targets and figures do not change once the progress is built: what is derived from them
    # is computed once, however many years a chart or a workbook asks about.
    @cached_property
    def target_facts(self) -> list[TargetFacts]:
        return [TargetFacts.of(t) for t in self.targets]

    @cached_property
    def values(self) -> dict[int, Decimal]:
        return {y: a.value for y, a in self.actuals.items() if a.value is not None}

    @property
    def figures(self) -> dict[int, Decimal]:
        """Return the figure judged in each reported year: increments summed, as the status."""
        return counted_figures(
            self.indicator.aggregation, self.values, baseline_year=self.indicator.baseline_year
        )

    @cached_property
    def path(self) -> list[PathPoint]:
        """Return the target path the status, the chart and the workbooks all measure against."""
        indicator = self.indicator
        return target_path(
            direction=indicator.direction,
            aggregation=indicator.aggregation,
            targets=self.target_facts,
            values_by_year=self.values,
            baseline_value=indicator.baseline_value,
            baseline_year=indicator.baseline_year,
        )

    def status_in(self, year: int) -> YearStatus:
        """Return the status the indicator had in `year`, from the figures shown here."""
        indicator = self.indicator
        return year_status(
            direction=indicator.direction,
            aggregation=indicator.aggregation,
            targets=self.target_facts,
            values_by_year=self.values,
            year=year,
            baseline_value=indicator.baseline_value,
            baseline_year=indicator.baseline_year,
        )

    def expected_in(self, year: int) -> Decimal | None:
        """Return the value the target path expects in `year` (None: no target or no basis)."""
        return expected_value(
            self.path,
            applicable_target(self.target_facts, year),
            year,
            direction=self.indicator.direction,
            aggregation=self.indicator.aggregation,
        )


def with_progress_data(indicators, *, statuses=APPROVED_ONLY, up_to_year: int | None = None):
    """Return `indicators` with targets and the actuals of the given statuses prefetched.

    `up_to_year` leaves out later figures, for pages that judge one year: a verdict in a year
    rests on the figures up to it (the path starts at the baseline or the first figure).
    """
    actuals = Actual.objects.filter(status__in=statuses)
    if up_to_year is not None:
        actuals = actuals.filter(year__lte=up_to_year)
    # The plan comes along for names and years, never its document text (tens of KB a row).
    return (
        indicators.select_related("section", "section__sector", "plan", "concept")
        .defer(*(f"plan__{name}" for name in Plan.TEXT_FIELDS))
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year")),
            Prefetch(
                "actuals",
                queryset=actuals.order_by("year"),
            ),
        )
    )


def progress_of(
    indicator: Indicator, *, as_of: int | None = None, statuses=ALL_STATUSES
) -> IndicatorProgress:
    """Return the indicator's progress judged in `as_of`, or in its latest year with a figure.

    Only actuals with one of `statuses` count. `indicator` must come from with_progress_data():
    no query is made here.
    """
    targets = list(indicator.targets.all())
    actuals = {a.year: a for a in indicator.actuals.all() if a.status in statuses}
    year = as_of if as_of is not None else (max(actuals) if actuals else None)
    if indicator.is_qualitative:
        reported = [actuals[y] for y in sorted(actuals) if year is None or y <= year]
        progress = reported[-1].progress if reported else ""
        return IndicatorProgress(indicator, targets, actuals, year, None, progress)
    progress = IndicatorProgress(indicator, targets, actuals, year, None)
    if year is not None:
        progress.status = progress.status_in(year)
    return progress


@dataclass(frozen=True)
class BaselineChange:
    """The latest history record that changed a baseline, and the baseline before it."""

    when: datetime
    who: object  # the user, or None when the change was made outside a request
    previous_value: Decimal | None
    previous_year: int | None
    previous_source: str


@dataclass
class BaselineRow:
    indicator: Indicator
    version: int  # id of the indicator's latest history record; 0 when it has none
    last_change: BaselineChange | None
    form: object = None  # set by the view


EMPTY = (None, None, "")


def _baseline(record) -> tuple:
    return record.baseline_value, record.baseline_year, record.baseline_source


def baseline_rows(plan: Plan) -> list[BaselineRow]:
    """Return the plan's quantitative indicators with their last baseline change; three queries.

    Indicators loaded from the seed files have no history until their first change. The last
    change is computed in Python from consecutive records, as on the history page: a record
    that changed only the name is skipped.
    """
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .exclude(kind=Indicator.Kind.QUALITATIVE)
        .select_related("section")
        .prefetch_related("targets")
        .order_by("position", "code")
    )
    records = (
        Indicator.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    versions, changes, previous = {}, {}, {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        versions[record.id] = record.history_id
        if before is None and _baseline(record) == EMPTY:
            continue  # created, or first recorded, without a baseline
        if before is not None and _baseline(before) == _baseline(record):
            continue
        old = _baseline(before) if before is not None else EMPTY
        changes[record.id] = BaselineChange(record.history_date, record.history_user, *old)
    return [
        BaselineRow(
            indicator=indicator,
            version=versions.get(indicator.pk, 0),
            last_change=changes.get(indicator.pk),
        )
        for indicator in indicators
    ]


# Evidence files


def _evidence_of_plan(plan: Plan, *, statuses, year: int | None = None) -> Q:
    """Return the filter of `plan`'s evidence files whose figure or disbursement has `statuses`."""
    on_figure = Q(actual__indicator__plan=plan, actual__status__in=statuses)
    on_disbursement = Q(disbursement__line__plan=plan, disbursement__status__in=statuses)
    if year is not None:
        on_figure &= Q(actual__year=year)
        on_disbursement &= Q(disbursement__year=year)
    return on_figure | on_disbursement


def evidence_count(plan: Plan, year: int, *, statuses) -> int:
    """Return how many evidence files the figures and disbursements of a plan-year hold.

    Only those of figures with one of `statuses` (the viewer's drafts rule); one query.
    """
    return EvidenceFile.objects.filter(
        _evidence_of_plan(plan, statuses=statuses, year=year)
    ).count()


@dataclass(frozen=True)
class EvidenceRow:
    """One evidence file as a report lists it."""

    pk: int
    on_budget: bool  # attached to a disbursement rather than to an indicator's figure
    code: str
    subject: str  # the indicator, or the budget line and its funding source
    year: int
    name: str
    extension: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    download_path: str


def evidence_rows(plan: Plan, *, statuses) -> list[EvidenceRow]:
    """Return every evidence file of `plan` whose figure has one of `statuses`; one query.

    Indicators' files first in the plan's order, then the budget lines', each by year.
    """
    items = (
        EvidenceFile.objects.filter(_evidence_of_plan(plan, statuses=statuses))
        .select_related(
            "actual__indicator", "disbursement__line", "disbursement__source", "uploaded_by"
        )
        .order_by("pk")
    )
    rows = []
    for item in items:
        if item.actual_id is not None:
            indicator = item.actual.indicator
            year, code, subject = item.actual.year, indicator.code, indicator.name
            order = (0, indicator.position, code, year, 0)
        else:
            line, source = item.disbursement.line, item.disbursement.source
            year, code = item.disbursement.year, line.code
            subject = f"{line.name} ({source.short_name or source.name})"
            order = (1, line.position, code, year, source.position)
        uploader = item.uploaded_by
        rows.append(
            (
                (*order, item.pk),
                EvidenceRow(
                    pk=item.pk,
                    on_budget=item.actual_id is None,
                    code=code,
                    subject=subject,
                    year=year,
                    name=item.original_name,
                    extension=item.extension,
                    content_type=item.content_type,
                    size=item.size,
                    uploaded_by=(uploader.get_full_name() or uploader.username) if uploader else "",
                    uploaded_at=item.uploaded_at,
                    download_path=reverse("indicators:evidence-download", args=[item.pk]),
                ),
            )
        )
    return [row for _key, row in sorted(rows, key=lambda pair: pair[0])]

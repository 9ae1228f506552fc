"""Achievement rules: how far one figure goes toward one target. Pure functions, no queries.

The rules are documented for users in docs/achievement.md; tests/indicators/test_achievement.py
pins them table by table.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models import Comparator, Direction, Indicator

Aggregation = Indicator.Aggregation

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.01")
# A figure within 15% of the straight-line path is on track; within 30%, at risk.
ON_TRACK_TOLERANCE = Decimal("0.15")
AT_RISK_TOLERANCE = Decimal("0.30")
# "khoảng 40%" is met within 5% of 40 (or beyond it in the good direction).
APPROX_TOLERANCE = Decimal("0.05")

PERCENT_FORMULA_HIGHER = _("actual ÷ target × 100")
PERCENT_FORMULA_LOWER = _("target ÷ actual × 100")
PROGRESS_FORMULA = _("(actual − baseline) ÷ (target − baseline) × 100")


class Status(models.TextChoices):
    # Ordered from best to worst, then the statuses that judge nothing: tables and home counts
    # follow this order.
    EXCEEDED = "exceeded", _("Exceeded")
    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    INSUFFICIENT_BASIS = "insufficient_basis", _("Not enough basis to judge")
    NO_TARGET = "no_target", _("No target for this year")
    NO_DATA = "no_data", _("No data")


# A milestone's verdict: the figure is measured against the target itself.
MILESTONE_VERDICTS = (Status.EXCEEDED, Status.ACHIEVED, Status.NOT_ACHIEVED)


@dataclass(frozen=True)
class TargetFacts:
    """The parts of a target the rules need; built from a Target or from plain data."""

    year: int
    comparator: str
    value: Decimal
    upper_value: Decimal | None = None
    # First year the target applies to; None: from the plan's start.
    period_start: int | None = None

    @classmethod
    def of(cls, target) -> "TargetFacts":
        return cls(
            target.year, target.comparator, target.value, target.upper_value, target.period_start
        )


@dataclass(frozen=True)
class Assessment:
    verdict: str  # one of MILESTONE_VERDICTS
    percent: Decimal | None
    percent_formula: str
    progress: Decimal | None
    progress_formula: str

    @property
    def achieved(self) -> bool:
        return self.verdict != Status.NOT_ACHIEVED


@dataclass(frozen=True)
class YearStatus:
    status: str
    figure: Decimal | None
    target: TargetFacts | None  # the target that applies in the year (see applicable_target)
    is_milestone: bool
    assessment: Assessment | None = None
    expected: Decimal | None = None  # the target path's value in the year


@dataclass(frozen=True)
class PathPoint:
    year: int
    value: Decimal
    is_target: bool  # False for the starting point (baseline or first figure)


def figure_for_year(
    aggregation: str,
    values_by_year: Mapping[int, Decimal],
    year: int,
    *,
    baseline_year: int | None = None,
) -> Decimal | None:
    """Return the figure that counts for `year` under the indicator's add-up rule.

    level: the latest value reported up to that year (a state, not summed).
    increment: the sum of yearly additions after the baseline year up to that year.
    yearly_rate: that year's own value only.
    """
    if aggregation == Aggregation.YEARLY_RATE:
        return values_by_year.get(year)
    known = sorted(y for y in values_by_year if y <= year)
    if aggregation == Aggregation.INCREMENT:
        counted = [y for y in known if baseline_year is None or y > baseline_year]
        if not counted:
            return None
        return sum((values_by_year[y] for y in counted), Decimal(0))
    if not known:
        return None
    return values_by_year[known[-1]]


def counted_figures(
    aggregation: str, values_by_year: Mapping[int, Decimal], *, baseline_year: int | None = None
) -> dict[int, Decimal]:
    """Return, for each year with a reported value, the figure judged in it (increments summed).

    Charts and workbooks draw these, so an increment is shown on the same cumulative scale as
    its target.
    """
    figures = {}
    for year in sorted(values_by_year):
        figure = figure_for_year(aggregation, values_by_year, year, baseline_year=baseline_year)
        if figure is not None:
            figures[year] = figure
    return figures


def covers(target, year: int) -> bool:
    """Return whether `target` (a Target or TargetFacts) applies in `year`."""
    return (target.period_start is None or target.period_start <= year) and year <= target.year


def applicable_target(targets: Iterable, year: int):
    """Return the target that applies in `year`: the nearest milestone whose period covers it.

    Works on Target rows and TargetFacts alike, so the entry screen, the year view, the
    workbooks and the status all name the same target. None after the last milestone, or in a
    gap between periods: there is no target for that year.
    """
    covering = [t for t in targets if covers(t, year)]
    return min(covering, key=lambda t: t.year) if covering else None


def reference_value(target: TargetFacts, direction: str) -> Decimal:
    """Return the one number a figure is measured against: a range's bound in the good direction."""
    if target.comparator == Comparator.RANGE and direction == Direction.LOWER_IS_BETTER:
        return target.upper_value
    return target.value


def verdict(target: TargetFacts, direction: str, figure: Decimal) -> str:
    """Return EXCEEDED, ACHIEVED or NOT_ACHIEVED for `figure` against the target as printed.

    The target names a band of figures that meet it: a range its two bounds, "= X" the point X,
    "≈ X" X ± 5%, "trên/từ … trở lên X" everything from X up (no upper end). A figure inside the
    band is achieved; beyond the band's end in the good direction it is exceeded (an open end
    cannot be exceeded); on the bad side it is not achieved. Keeping at level is never exceeded.
    """
    value = target.value
    higher = direction != Direction.LOWER_IS_BETTER
    match target.comparator:
        case Comparator.GT:
            met, beyond = figure > value, False
        case Comparator.GTE:
            met, beyond = figure >= value, False
        case Comparator.LT:
            met, beyond = figure < value, False
        case Comparator.LTE:
            met, beyond = figure <= value, False
        case Comparator.EQ:
            # "Keep at level" means not falling below the printed figure.
            met = figure >= value if higher else figure <= value
            beyond = figure > value if higher else figure < value
        case Comparator.APPROX:
            low, high = value - abs(value) * APPROX_TOLERANCE, value + abs(value) * APPROX_TOLERANCE
            met = figure >= low if higher else figure <= high
            beyond = figure > high if higher else figure < low
        case Comparator.RANGE:
            low, high = value, target.upper_value
            if direction == Direction.KEEP_LEVEL:
                met, beyond = low <= figure <= high, False
            else:
                met = figure >= low if higher else figure <= high
                beyond = figure > high if higher else figure < low
        case _:
            raise ValueError(f"Unknown comparator {target.comparator!r}")
    if not met:
        return Status.NOT_ACHIEVED
    if beyond and direction != Direction.KEEP_LEVEL:
        return Status.EXCEEDED
    return Status.ACHIEVED


def meets_target(target: TargetFacts, direction: str, figure: Decimal) -> bool:
    """Return whether `figure` satisfies the target as printed, in the indicator's direction."""
    return verdict(target, direction, figure) != Status.NOT_ACHIEVED


def percent_of_target(target: TargetFacts, direction: str, figure: Decimal) -> Decimal | None:
    """Return the percent of target reached, or None when it cannot be computed (a zero)."""
    reference = reference_value(target, direction)
    if direction == Direction.LOWER_IS_BETTER:
        if figure == 0:
            return None
        return (reference / figure * HUNDRED).quantize(PERCENT_PLACES)
    if reference == 0:
        return None
    return (figure / reference * HUNDRED).quantize(PERCENT_PLACES)


def progress_from_baseline(
    target: TargetFacts, direction: str, figure: Decimal, baseline: Decimal | None
) -> Decimal | None:
    """Return (actual − baseline) ÷ (target − baseline) in percent, or None without a baseline."""
    if baseline is None:
        return None
    reference = reference_value(target, direction)
    if reference == baseline:
        return None
    return ((figure - baseline) / (reference - baseline) * HUNDRED).quantize(PERCENT_PLACES)


def assess(
    target: TargetFacts, direction: str, figure: Decimal, *, baseline: Decimal | None = None
) -> Assessment:
    """Return the verdict of `figure` on `target`, the percent reached and the baseline progress."""
    return Assessment(
        verdict=verdict(target, direction, figure),
        percent=percent_of_target(target, direction, figure),
        percent_formula=str(
            PERCENT_FORMULA_LOWER
            if direction == Direction.LOWER_IS_BETTER
            else PERCENT_FORMULA_HIGHER
        ),
        progress=progress_from_baseline(target, direction, figure, baseline),
        progress_formula=str(PROGRESS_FORMULA),
    )


def path_value(start_year: int, start: Decimal, end_year: int, end: Decimal, year: int) -> Decimal:
    """Return the value on the straight line from (start_year, start) to (end_year, end)."""
    if end_year == start_year:
        return end
    return start + (end - start) * Decimal(year - start_year) / Decimal(end_year - start_year)


def target_path(
    *,
    direction: str,
    aggregation: str,
    targets: Sequence[TargetFacts],
    values_by_year: Mapping[int, Decimal],
    baseline_value: Decimal | None = None,
    baseline_year: int | None = None,
) -> list[PathPoint]:
    """Return the points of the target path: a starting point, then each milestone's target.

    The path starts at the baseline; without one, at the first reported figure (an increment
    starts at 0 in its baseline year). A start on or after the first milestone adds nothing.
    A yearly rate has no path: each year is judged against its own target.
    """
    if aggregation == Aggregation.YEARLY_RATE:
        return []
    milestones = [
        PathPoint(t.year, reference_value(t, direction), True)
        for t in sorted(targets, key=lambda t: t.year)
    ]
    start = _path_start(aggregation, values_by_year, baseline_value, baseline_year)
    if start is not None and (not milestones or start.year < milestones[0].year):
        return [start, *milestones]
    return milestones


def _path_start(
    aggregation: str,
    values_by_year: Mapping[int, Decimal],
    baseline_value: Decimal | None,
    baseline_year: int | None,
) -> PathPoint | None:
    if aggregation == Aggregation.INCREMENT and baseline_year is not None:
        return PathPoint(baseline_year, Decimal(0), False)
    if baseline_year is not None and baseline_value is not None:
        return PathPoint(baseline_year, baseline_value, False)
    counted = counted_figures(aggregation, values_by_year, baseline_year=baseline_year)
    if counted:
        first = min(counted)
        return PathPoint(first, counted[first], False)
    return None


def expected_value(
    path: Sequence[PathPoint],
    target: TargetFacts | None,
    year: int,
    *,
    direction: str,
    aggregation: str,
) -> Decimal | None:
    """Return the value the target path expects in `year`, or None where it cannot say.

    `target` is the one that applies in `year` (applicable_target). A yearly rate expects its
    target every year of the period. Otherwise, in the target's own year the path expects the
    target; before it, the line from the last path point before `year` to the target. Without
    such a point (no baseline, no earlier figure) there is no basis: None.
    """
    if target is None:
        return None
    end = reference_value(target, direction)
    if target.year == year or aggregation == Aggregation.YEARLY_RATE:
        return end
    earlier = [p for p in path if p.year < year]
    if not earlier:
        return None
    start = earlier[-1]
    return path_value(start.year, start.value, target.year, end, year)


def shortfall(direction: str, expected: Decimal, figure: Decimal) -> Decimal:
    """Return how far `figure` falls short of `expected`, as a fraction of it (0 if ahead)."""
    gap = figure - expected if direction == Direction.LOWER_IS_BETTER else expected - figure
    if gap <= 0:
        return Decimal(0)
    if expected == 0:
        return Decimal(1)
    return gap / abs(expected)


def status_from_shortfall(fraction: Decimal) -> str:
    """Return on track, at risk or behind for a shortfall from the path (a fraction)."""
    if fraction <= ON_TRACK_TOLERANCE:
        return Status.ON_TRACK
    if fraction <= AT_RISK_TOLERANCE:
        return Status.AT_RISK
    return Status.BEHIND


def year_status(
    *,
    direction: str,
    aggregation: str,
    targets: Sequence[TargetFacts],
    values_by_year: Mapping[int, Decimal],
    year: int,
    baseline_value: Decimal | None = None,
    baseline_year: int | None = None,
) -> YearStatus:
    """Return the status of an indicator in `year` from its targets and reported values.

    The target that applies is the nearest milestone whose period covers the year; none, and
    there is no target. In the milestone's year, and every year for a yearly rate: exceeded,
    achieved or not achieved. Between milestones: on track, at risk or behind against the
    target path, or not enough basis where the path has no point before the year.
    """
    target = applicable_target(targets, year)
    figure = figure_for_year(aggregation, values_by_year, year, baseline_year=baseline_year)
    path = target_path(
        direction=direction,
        aggregation=aggregation,
        targets=targets,
        values_by_year=values_by_year,
        baseline_value=baseline_value,
        baseline_year=baseline_year,
    )
    expected = expected_value(path, target, year, direction=direction, aggregation=aggregation)
    is_milestone = target is not None and target.year == year
    if figure is None:
        return YearStatus(Status.NO_DATA, None, target, is_milestone, expected=expected)
    if target is None:
        return YearStatus(Status.NO_TARGET, figure, None, is_milestone=False)
    progress_base = Decimal(0) if aggregation == Aggregation.INCREMENT else baseline_value
    assessment = assess(target, direction, figure, baseline=progress_base)
    if is_milestone or aggregation == Aggregation.YEARLY_RATE:
        return YearStatus(assessment.verdict, figure, target, is_milestone, assessment, expected)
    if assessment.achieved:
        status = Status.ON_TRACK  # already where the milestone asks to be
    elif expected is None:
        status = Status.INSUFFICIENT_BASIS
    else:
        status = status_from_shortfall(shortfall(direction, expected, figure))
    return YearStatus(status, figure, target, False, assessment, expected)

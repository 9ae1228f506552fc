"""Achievement rules: how far one figure goes toward one target. Pure functions, no queries.

The rules are documented for users in docs/achievement.md; tests/indicators/test_achievement.py
pins them table by table.
"""

from collections.abc import Mapping, Sequence
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
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")
    NO_DATA = "no_data", _("No data")


@dataclass(frozen=True)
class TargetFacts:
    """The parts of a target the rules need; built from a Target or from plain data."""

    year: int
    comparator: str
    value: Decimal
    upper_value: Decimal | None = None

    @classmethod
    def of(cls, target) -> "TargetFacts":
        return cls(target.year, target.comparator, target.value, target.upper_value)


@dataclass(frozen=True)
class Assessment:
    achieved: bool
    percent: Decimal | None
    percent_formula: str
    progress: Decimal | None
    progress_formula: str


@dataclass(frozen=True)
class YearStatus:
    status: str
    figure: Decimal | None
    target: TargetFacts | None
    is_milestone: bool
    assessment: Assessment | None = None
    expected: Decimal | None = None


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


def reference_value(target: TargetFacts, direction: str) -> Decimal:
    """Return the one number a figure is measured against: a range's bound in the good direction."""
    if target.comparator == Comparator.RANGE and direction == Direction.LOWER_IS_BETTER:
        return target.upper_value
    return target.value


def meets_target(target: TargetFacts, direction: str, figure: Decimal) -> bool:
    """Return whether `figure` satisfies the target as printed, in the indicator's direction."""
    value = target.value
    match target.comparator:
        case Comparator.GT:
            return figure > value
        case Comparator.GTE:
            return figure >= value
        case Comparator.LT:
            return figure < value
        case Comparator.LTE:
            return figure <= value
        case Comparator.RANGE:
            return value <= figure <= target.upper_value
        case Comparator.APPROX:
            within = abs(figure - value) <= abs(value) * APPROX_TOLERANCE
            if direction == Direction.LOWER_IS_BETTER:
                return within or figure < value
            return within or figure > value
        case _:  # "=": reach the printed figure, judged in the indicator's direction
            if direction == Direction.LOWER_IS_BETTER:
                return figure <= value
            return figure >= value


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
    """Return whether `figure` achieves `target`, the percent reached and the baseline progress."""
    return Assessment(
        achieved=meets_target(target, direction, figure),
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


def shortfall(direction: str, expected: Decimal, figure: Decimal) -> Decimal:
    """Return how far `figure` falls short of `expected`, as a fraction of it (0 if ahead)."""
    gap = figure - expected if direction == Direction.LOWER_IS_BETTER else expected - figure
    if gap <= 0:
        return Decimal(0)
    if expected == 0:
        return Decimal(1)
    return gap / abs(expected)


def status_from_shortfall(fraction: Decimal) -> str:
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

    In a milestone year: achieved or not. Between milestones: on track, at risk or behind
    against the straight line from the last known point (baseline or last reported value)
    to the next milestone. A yearly rate is judged each year against the next milestone's rate.
    """
    ordered = sorted(targets, key=lambda t: t.year)
    figure = figure_for_year(aggregation, values_by_year, year, baseline_year=baseline_year)
    own = next((t for t in ordered if t.year == year), None)
    upcoming = next((t for t in ordered if t.year > year), None)
    milestone = own or upcoming or (ordered[-1] if ordered else None)
    if figure is None or (aggregation == Aggregation.YEARLY_RATE and year not in values_by_year):
        return YearStatus(Status.NO_DATA, None, milestone, is_milestone=own is not None)
    if milestone is None:
        return YearStatus(Status.NO_DATA, figure, None, is_milestone=False)
    progress_base = 0 if aggregation == Aggregation.INCREMENT else baseline_value
    assessment = assess(milestone, direction, figure, baseline=progress_base)
    if own is not None or upcoming is None or aggregation == Aggregation.YEARLY_RATE:
        status = Status.ACHIEVED if assessment.achieved else Status.NOT_ACHIEVED
        return YearStatus(status, figure, milestone, own is not None, assessment)

    start = _path_start(
        aggregation,
        values_by_year,
        year,
        baseline_value=baseline_value,
        baseline_year=baseline_year,
    )
    if assessment.achieved:
        return YearStatus(Status.ON_TRACK, figure, milestone, False, assessment)
    reference = reference_value(milestone, direction)
    if start is None:
        # No earlier point to draw the path from: compare with the milestone itself.
        fraction = shortfall(direction, reference, figure)
        return YearStatus(status_from_shortfall(fraction), figure, milestone, False, assessment)
    start_year, start_value = start
    expected = path_value(start_year, start_value, milestone.year, reference, year)
    status = status_from_shortfall(shortfall(direction, expected, figure))
    return YearStatus(status, figure, milestone, False, assessment, expected=expected)


def _path_start(
    aggregation: str,
    values_by_year: Mapping[int, Decimal],
    year: int,
    *,
    baseline_value: Decimal | None,
    baseline_year: int | None,
) -> tuple[int, Decimal] | None:
    """Return the last known point before `year`: an earlier figure, else the baseline."""
    earlier = [
        y for y in values_by_year if y < year and (baseline_year is None or y > baseline_year)
    ]
    if earlier:
        last = max(earlier)
        return last, figure_for_year(aggregation, values_by_year, last, baseline_year=baseline_year)
    if baseline_year is not None and baseline_year < year:
        if aggregation == Aggregation.INCREMENT:
            return baseline_year, Decimal(0)
        if baseline_value is not None:
            return baseline_year, baseline_value
    return None

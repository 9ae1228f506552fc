"""Table-driven tests of the achievement rules in indicators/achievement.py."""

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.achievement import (
    Status,
    TargetFacts,
    applicable_target,
    assess,
    expected_value,
    figure_for_year,
    meets_target,
    percent_of_target,
    progress_from_baseline,
    target_path,
    verdict,
    year_status,
)
from indicators.models import Comparator, Direction, Indicator

D = Decimal
HIGHER, LOWER, KEEP = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER, Direction.KEEP_LEVEL
LEVEL = Indicator.Aggregation.LEVEL
INCREMENT = Indicator.Aggregation.INCREMENT
RATE = Indicator.Aggregation.YEARLY_RATE


def target(comparator, value, upper=None, year=2015, period_start=None):
    upper = D(upper) if upper is not None else None
    return TargetFacts(year, comparator, D(value), upper, period_start)


EXCEEDED, ACHIEVED, NOT_ACHIEVED = Status.EXCEEDED, Status.ACHIEVED, Status.NOT_ACHIEVED


@pytest.mark.parametrize(
    ("comparator", "value", "upper", "direction", "figure", "expected"),
    [
        # Open-ended targets ("trên", "từ … trở lên", "dưới", "không quá") have no far end:
        # reaching them is Đạt, however far beyond.
        (Comparator.GT, "90", None, HIGHER, "90.1", ACHIEVED),
        (Comparator.GT, "90", None, HIGHER, "100", ACHIEVED),
        (Comparator.GT, "90", None, HIGHER, "90", NOT_ACHIEVED),
        (Comparator.GT, "90", None, KEEP, "95", ACHIEVED),
        (Comparator.GTE, "30", None, HIGHER, "30", ACHIEVED),
        (Comparator.GTE, "30", None, HIGHER, "29.9", NOT_ACHIEVED),
        (Comparator.GTE, "30", None, LOWER, "31", ACHIEVED),  # as printed, whatever the direction
        (Comparator.LT, "1.4", None, LOWER, "1.39", ACHIEVED),
        (Comparator.LT, "1.4", None, LOWER, "0.5", ACHIEVED),
        (Comparator.LT, "1.4", None, LOWER, "1.4", NOT_ACHIEVED),
        (Comparator.LTE, "5", None, LOWER, "5", ACHIEVED),
        (Comparator.LTE, "5", None, LOWER, "5.1", NOT_ACHIEVED),
        (Comparator.LTE, "5", None, HIGHER, "6", NOT_ACHIEVED),
        # A range: met from the near bound, exceeded beyond the far one (mirrored when lower is
        # better), inside the band when keeping at level.
        (Comparator.RANGE, "5", "10", HIGHER, "4.9", NOT_ACHIEVED),
        (Comparator.RANGE, "5", "10", HIGHER, "5", ACHIEVED),
        (Comparator.RANGE, "5", "10", HIGHER, "10", ACHIEVED),
        (Comparator.RANGE, "5", "10", HIGHER, "10.1", EXCEEDED),
        (Comparator.RANGE, "60", "70", HIGHER, "80", EXCEEDED),
        (Comparator.RANGE, "2", "4", LOWER, "4.1", NOT_ACHIEVED),
        (Comparator.RANGE, "2", "4", LOWER, "4", ACHIEVED),
        (Comparator.RANGE, "2", "4", LOWER, "2", ACHIEVED),
        (Comparator.RANGE, "2", "4", LOWER, "1", EXCEEDED),
        (Comparator.RANGE, "2", "4", KEEP, "3", ACHIEVED),
        (Comparator.RANGE, "2", "4", KEEP, "5", NOT_ACHIEVED),
        (Comparator.RANGE, "2", "4", KEEP, "1", NOT_ACHIEVED),
        # A printed figure: reached is Đạt, beyond it in the good direction Vượt.
        (Comparator.EQ, "100", None, HIGHER, "100", ACHIEVED),
        (Comparator.EQ, "100", None, HIGHER, "99", NOT_ACHIEVED),
        (Comparator.EQ, "2", None, HIGHER, "3", EXCEEDED),
        (Comparator.EQ, "2", None, LOWER, "2", ACHIEVED),
        (Comparator.EQ, "2", None, LOWER, "1.5", EXCEEDED),
        (Comparator.EQ, "2", None, LOWER, "2.5", NOT_ACHIEVED),
        (Comparator.EQ, "2", None, KEEP, "2", ACHIEVED),
        (Comparator.EQ, "2", None, KEEP, "3", ACHIEVED),  # keeping at level: not below
        (Comparator.EQ, "2", None, KEEP, "1.9", NOT_ACHIEVED),
        # About a figure: within 5% is Đạt, beyond the 5% in the good direction Vượt.
        (Comparator.APPROX, "40", None, HIGHER, "38", ACHIEVED),
        (Comparator.APPROX, "40", None, HIGHER, "42", ACHIEVED),
        (Comparator.APPROX, "40", None, HIGHER, "42.1", EXCEEDED),
        (Comparator.APPROX, "40", None, HIGHER, "37.9", NOT_ACHIEVED),
        (Comparator.APPROX, "40", None, LOWER, "42", ACHIEVED),
        (Comparator.APPROX, "40", None, LOWER, "30", EXCEEDED),
        (Comparator.APPROX, "40", None, LOWER, "42.1", NOT_ACHIEVED),
        (Comparator.APPROX, "40", None, KEEP, "50", ACHIEVED),
        (Comparator.APPROX, "40", None, KEEP, "37.9", NOT_ACHIEVED),
        # Negative growth rates are figures like any other.
        (Comparator.RANGE, "5", "10", HIGHER, "-3", NOT_ACHIEVED),
        (Comparator.GTE, "-2", None, HIGHER, "-1", ACHIEVED),
        (Comparator.EQ, "-2", None, HIGHER, "-1", EXCEEDED),
    ],
)
def test_verdict_for_every_comparator_and_direction(
    comparator, value, upper, direction, figure, expected
):
    facts = target(comparator, value, upper)
    assert verdict(facts, direction, D(figure)) == expected
    assert meets_target(facts, direction, D(figure)) is (expected != NOT_ACHIEVED)


def test_an_unknown_comparator_is_an_error_not_an_equality():
    with pytest.raises(ValueError, match="Unknown comparator"):
        verdict(target("about", "5"), HIGHER, D("5"))


@pytest.mark.parametrize(
    ("comparator", "value", "upper", "direction", "figure", "percent"),
    [
        (Comparator.GTE, "80", None, HIGHER, "60", "75.00"),
        (Comparator.GT, "90", None, HIGHER, "99", "110.00"),
        (Comparator.EQ, "2", None, KEEP, "1", "50.00"),
        (Comparator.LT, "1.4", None, LOWER, "2.8", "50.00"),
        (Comparator.LTE, "6340", None, LOWER, "6340", "100.00"),
        (Comparator.RANGE, "5", "10", HIGHER, "4", "80.00"),
        (Comparator.RANGE, "2", "4", LOWER, "8", "50.00"),
    ],
)
def test_percent_of_target(comparator, value, upper, direction, figure, percent):
    assert percent_of_target(target(comparator, value, upper), direction, D(figure)) == D(percent)


def test_lower_is_better_divides_target_by_actual():
    assert percent_of_target(target(Comparator.LT, "2"), LOWER, D("4")) == D("50.00")


def test_percent_is_none_when_it_would_divide_by_zero():
    assert percent_of_target(target(Comparator.GTE, "0"), HIGHER, D("5")) is None
    assert percent_of_target(target(Comparator.LT, "2"), LOWER, D("0")) is None


@pytest.mark.parametrize(
    ("direction", "value", "baseline", "figure", "progress"),
    [
        (HIGHER, "80", "20", "50", "50.00"),
        (HIGHER, "80", "20", "20", "0.00"),
        (HIGHER, "80", "20", "10", "-16.67"),
        (LOWER, "1.4", "2.4", "1.9", "50.00"),
    ],
)
def test_progress_from_baseline(direction, value, baseline, figure, progress):
    facts = target(Comparator.GTE if direction == HIGHER else Comparator.LT, value)
    assert progress_from_baseline(facts, direction, D(figure), D(baseline)) == D(progress)


def test_progress_is_none_without_baseline_or_when_target_equals_baseline():
    facts = target(Comparator.GTE, "80")
    assert progress_from_baseline(facts, HIGHER, D("50"), None) is None
    assert progress_from_baseline(facts, HIGHER, D("50"), D("80")) is None


def test_assess_labels_each_figure_with_its_formula():
    with translation.override("en"):
        result = assess(target(Comparator.LT, "2"), LOWER, D("4"), baseline=D("6"))
    assert result.achieved is False
    assert result.percent == D("50.00")
    assert result.percent_formula == "target ÷ actual × 100"
    assert result.progress == D("50.00")
    assert result.progress_formula == "(actual − baseline) ÷ (target − baseline) × 100"


def test_formulas_are_labelled_in_vietnamese_by_default():
    with translation.override("vi"):
        result = assess(target(Comparator.GTE, "80"), HIGHER, D("40"))
    assert result.percent_formula == "thực hiện ÷ mục tiêu × 100"


VALUES = {2011: D("10"), 2012: D("20"), 2014: D("5")}


@pytest.mark.parametrize(
    ("aggregation", "year", "baseline_year", "expected"),
    [
        # A level is a state: the latest value up to the year counts, never a sum.
        (LEVEL, 2012, None, D("20")),
        (LEVEL, 2013, None, D("20")),
        (LEVEL, 2015, None, D("5")),
        (LEVEL, 2010, None, None),
        # Increments accumulate toward the target.
        (INCREMENT, 2012, None, D("30")),
        (INCREMENT, 2015, None, D("35")),
        (INCREMENT, 2015, 2011, D("25")),
        (INCREMENT, 2010, None, None),
        # A yearly rate counts only in its own year.
        (RATE, 2012, None, D("20")),
        (RATE, 2013, None, None),
    ],
)
def test_figure_for_year_follows_the_add_up_rule(aggregation, year, baseline_year, expected):
    assert figure_for_year(aggregation, VALUES, year, baseline_year=baseline_year) == expected


def status(targets, values, year, *, direction=HIGHER, aggregation=LEVEL, **baseline):
    return year_status(
        direction=direction,
        aggregation=aggregation,
        targets=targets,
        values_by_year={y: D(v) for y, v in values.items()},
        year=year,
        **baseline,
    )


MILESTONE_2015 = [target(Comparator.GTE, "80", year=2015)]


@pytest.mark.parametrize(
    ("values", "year", "expected"),
    [
        ({2015: "80"}, 2015, Status.ACHIEVED),
        ({2015: "79"}, 2015, Status.NOT_ACHIEVED),
        ({}, 2013, Status.NO_DATA),
        # Baseline 20 in 2011 → path 35, 50, 65 in 2012-2014; 2013 expects 50.
        ({2013: "50"}, 2013, Status.ON_TRACK),
        ({2013: "43"}, 2013, Status.ON_TRACK),  # 14% short
        ({2013: "40"}, 2013, Status.AT_RISK),  # 20% short
        ({2013: "30"}, 2013, Status.BEHIND),  # 40% short
        ({2013: "85"}, 2013, Status.ON_TRACK),  # already meets the milestone
    ],
)
def test_between_milestones_status_follows_the_straight_line_path(values, year, expected):
    result = status(MILESTONE_2015, values, year, baseline_value=D("20"), baseline_year=2011)
    assert result.status == expected


def test_the_path_runs_from_the_baseline_even_when_later_figures_exist():
    # One path for status, chart and workbook: baseline 20 in 2011 to 80 in 2015 expects 50 in
    # 2013, whatever was reported in 2012; 58 is ahead of it.
    result = status(
        MILESTONE_2015, {2012: "60", 2013: "58"}, 2013, baseline_value=D("20"), baseline_year=2011
    )
    assert result.expected == D("50")
    assert result.status == Status.ON_TRACK


def test_without_a_baseline_the_first_figure_starts_the_path():
    # First figure 40 in 2012 → 80 in 2015: 2014 expects 66,67; 50 is 25% short.
    result = status(MILESTONE_2015, {2012: "40", 2014: "50"}, 2014)
    assert result.expected.quantize(D("0.01")) == D("66.67")
    assert result.status == Status.AT_RISK


def test_without_a_baseline_or_earlier_figure_there_is_no_basis_never_behind():
    # Internet users 25,4% in 2013 against 70% in 2020, nothing before: not "Chậm tiến độ".
    targets = [target(Comparator.EQ, "70", year=2020)]
    result = status(targets, {2013: "25.4"}, 2013)
    assert result.status == Status.INSUFFICIENT_BASIS
    assert result.expected is None
    # The figure and its percent of the target are still shown.
    assert result.figure == D("25.4")
    assert result.assessment.percent == D("36.29")


def test_a_figure_already_meeting_the_milestone_is_on_track_without_a_baseline():
    assert status(MILESTONE_2015, {2013: "85"}, 2013).status == Status.ON_TRACK


def test_lower_is_better_path_runs_downward():
    targets = [target(Comparator.LT, "1.4", year=2015)]
    # Baseline 2.4 in 2011 → 2013 expects 1.9; 2.1 is 10.5% above: on track; 2.5 is behind.
    kwargs = {"direction": LOWER, "baseline_value": D("2.4"), "baseline_year": 2011}
    assert status(targets, {2013: "2.1"}, 2013, **kwargs).status == Status.ON_TRACK
    assert status(targets, {2013: "2.5"}, 2013, **kwargs).status == Status.BEHIND


def test_increments_are_summed_before_judging_the_milestone():
    targets = [target(Comparator.GTE, "500", year=2015)]
    values = {2012: "100", 2013: "150", 2014: "100", 2015: "150"}
    result = status(targets, values, 2015, aggregation=INCREMENT, baseline_year=2011)
    assert result.figure == D("500")
    assert result.status == Status.ACHIEVED


def test_increment_path_starts_from_zero_after_the_baseline_year():
    targets = [target(Comparator.GTE, "400", year=2015)]
    # From 0 in 2011 to 400 in 2015: 2013 expects 200; 100+60 = 160 is 20% short.
    result = status(
        targets, {2012: "100", 2013: "60"}, 2013, aggregation=INCREMENT, baseline_year=2011
    )
    assert result.figure == D("160")
    assert result.expected == D("200")
    assert result.status == Status.AT_RISK


def test_a_level_is_never_summed_across_years():
    result = status(MILESTONE_2015, {2013: "50", 2014: "60", 2015: "70"}, 2015)
    assert result.figure == D("70")
    assert result.status == Status.NOT_ACHIEVED


def test_yearly_rate_is_judged_each_year_on_its_own():
    targets = [target(Comparator.RANGE, "5", "10", year=2015)]
    values = {2012: "7", 2013: "3", 2014: "12"}
    assert status(targets, values, 2012, aggregation=RATE).status == Status.ACHIEVED
    assert status(targets, values, 2013, aggregation=RATE).status == Status.NOT_ACHIEVED
    # "tăng trưởng 5 - 10%" with 12% in 2014: exceeded, not "Không đạt".
    assert status(targets, values, 2014, aggregation=RATE).status == Status.EXCEEDED
    assert status(targets, values, 2011, aggregation=RATE).status == Status.NO_DATA


def test_a_negative_growth_rate_is_judged():
    targets = [target(Comparator.RANGE, "5", "10", year=2015)]
    result = status(targets, {2013: "-3"}, 2013, aggregation=RATE)
    assert result.status == Status.NOT_ACHIEVED
    assert result.figure == D("-3")
    assert result.expected == D("5")


def test_a_rate_is_judged_only_inside_its_period():
    # "Mục tiêu đến năm 2015": 2011–2015. A 2018 growth rate has no target.
    targets = [target(Comparator.RANGE, "5", "10", year=2015, period_start=2011)]
    result = status(targets, {2018: "7"}, 2018, aggregation=RATE)
    assert result.status == Status.NO_TARGET
    assert result.target is None
    assert result.figure == D("7")


def test_after_its_period_the_next_target_applies():
    targets = [
        target(Comparator.GTE, "5", year=2015, period_start=2011),
        target(Comparator.GTE, "8", year=2020, period_start=2016),
    ]
    assert status(targets, {2018: "7"}, 2018, aggregation=RATE).status == Status.NOT_ACHIEVED
    assert status(targets, {2014: "7"}, 2014, aggregation=RATE).status == Status.ACHIEVED


def test_after_the_last_milestone_there_is_no_target():
    assert status(MILESTONE_2015, {2016: "85"}, 2016).status == Status.NO_TARGET


def test_a_gap_between_periods_has_no_target():
    targets = [
        target(Comparator.GTE, "5", year=2013, period_start=2011),
        target(Comparator.GTE, "8", year=2020, period_start=2016),
    ]
    assert applicable_target(targets, 2014) is None
    assert applicable_target(targets, 2013).year == 2013
    assert applicable_target(targets, 2016).year == 2020


def test_the_nearest_milestone_applies_where_periods_overlap():
    targets = [target(Comparator.GTE, "80", year=2020), target(Comparator.GTE, "50", year=2015)]
    assert applicable_target(targets, 2013).year == 2015
    assert applicable_target(targets, 2017).year == 2020


def test_between_two_milestones_the_path_runs_from_the_earlier_one():
    targets = [
        target(Comparator.RANGE, "60", "70", year=2015),
        target(Comparator.GTE, "80", year=2020, period_start=2016),
    ]
    # 60 (the near bound) in 2015 → 80 in 2020: 2017 expects 68.
    result = status(targets, {2017: "66"}, 2017)
    assert result.expected == D("68")
    assert result.status == Status.ON_TRACK
    # 80% reached in 2015 on "60 - 70%": exceeded.
    assert status(targets, {2015: "80"}, 2015).status == Status.EXCEEDED


def test_expected_value_is_read_off_the_one_path():
    targets = [target(Comparator.GTE, "80", year=2015)]
    path = target_path(
        direction=HIGHER,
        aggregation=LEVEL,
        targets=targets,
        values_by_year={},
        baseline_value=D("20"),
        baseline_year=2011,
    )
    assert [(p.year, p.value, p.is_target) for p in path] == [
        (2011, D("20"), False),
        (2015, D("80"), True),
    ]
    expected = [
        expected_value(path, targets[0], y, direction=HIGHER, aggregation=LEVEL)
        for y in range(2012, 2016)
    ]
    assert expected == [D("35"), D("50"), D("65"), D("80")]


def test_milestone_year_assessment_carries_percent_and_baseline_progress():
    result = status(MILESTONE_2015, {2015: "60"}, 2015, baseline_value=D("20"), baseline_year=2011)
    assert result.is_milestone
    assert result.assessment.percent == D("75.00")
    assert result.assessment.progress == D("66.67")

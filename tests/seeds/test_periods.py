"""Each seed target's period comes from the heading it is printed under, and growth rates may
fall below zero.

"Mục tiêu đến năm 2015" in a plan starting 2011 applies 2011–2015; "Mục tiêu đến năm 2020" after
it applies from 2016; a target printed for one year ("Năm 2012") applies to that year only.
"""

import pytest

from indicators.models import Indicator, Target
from plans.models import Plan

pytestmark = pytest.mark.django_db

HAU_GIANG_2011 = "hau-giang-qh-bcvt-cntt-2020"
SOC_TRANG = "soc-trang-kh-22-2012"
BAC_GIANG = "bac-giang-qd-1005-2012"
HAU_GIANG_2023 = "hau-giang-kh-ha-tang-so-2023-2025"
BINH_THUAN = "binh-thuan-kh-nq03-2015"
SEED_PLANS = [HAU_GIANG_2011, SOC_TRANG, BAC_GIANG, HAU_GIANG_2023, BINH_THUAN]


def period(slug, code, year):
    """Return (first year, last year) of the target of indicator `code` due in `year`."""
    target = Target.objects.get(indicator__plan__slug=slug, indicator__code=code, year=year)
    return target.period_start, target.year


def test_every_seed_target_has_a_period_inside_its_plan(seeded):
    targets = Target.objects.filter(indicator__plan__slug__in=SEED_PLANS).select_related(
        "indicator__plan"
    )
    assert targets.count() == 173
    outside = [
        (t.indicator.plan.slug, t.indicator.code, t.year, t.period_start)
        for t in targets
        if t.period_start is None
        or not t.indicator.plan.first_year <= t.period_start <= t.year
        or t.year > (t.indicator.plan.horizon_year or t.indicator.plan.last_year)
    ]
    assert outside == []


def test_periods_of_one_indicator_do_not_overlap(seeded):
    previous = {}
    overlapping = []
    for target in Target.objects.filter(indicator__plan__slug__in=SEED_PLANS).order_by(
        "indicator_id", "year"
    ):
        before = previous.get(target.indicator_id)
        if before is not None and target.period_start <= before.year:
            overlapping.append((target.indicator_id, before.year, target.year))
        previous[target.indicator_id] = target
    assert overlapping == []


@pytest.mark.parametrize(
    ("slug", "code", "year", "expected"),
    [
        # Hậu Giang 2011, Phần 1 › I.2.1 "Mục tiêu đến năm 2015": growth 5 - 10%.
        (HAU_GIANG_2011, "BC-04", 2015, (2011, 2015)),
        (HAU_GIANG_2011, "BC-05", 2015, (2011, 2015)),
        # I.2.1 / I.2.2: revenue "đến năm 2015" then "đến năm 2020".
        (HAU_GIANG_2011, "BC-06", 2015, (2011, 2015)),
        (HAU_GIANG_2011, "BC-06", 2020, (2016, 2020)),
        # III.2 tables: a 2015 column, then a 2020 column that applies from 2016.
        (HAU_GIANG_2011, "HT-01", 2015, (2011, 2015)),
        (HAU_GIANG_2011, "HT-01", 2020, (2016, 2020)),
        (HAU_GIANG_2011, "UD-08", 2020, (2016, 2020)),
        (HAU_GIANG_2011, "NL-03", 2020, (2016, 2020)),
        # II.2 "Năm 2011: …", "Năm 2012: …": that year only.
        (HAU_GIANG_2011, "VT-04", 2011, (2011, 2011)),
        (HAU_GIANG_2011, "VT-07", 2012, (2012, 2012)),
        # "Năm 2020" with no earlier target in a plan to 2020: the plan's goal, from its start.
        (HAU_GIANG_2011, "VT-08", 2020, (2011, 2020)),
        (HAU_GIANG_2011, "BC-13", 2020, (2011, 2020)),
        # "Hàng năm … khoảng 1% tổng thu ngân sách": every year of the plan.
        (HAU_GIANG_2011, "GP-01", 2020, (2011, 2020)),
        # Sóc Trăng: everything under "Mục tiêu cụ thể đến năm 2015" of a 2011–2015 plan.
        (SOC_TRANG, "NL-04", 2015, (2011, 2015)),
        (SOC_TRANG, "PC-02", 2015, (2011, 2015)),
        # Bắc Giang 2012–2015: targets "đến năm 2015" start with the plan.
        (BAC_GIANG, "BC-05", 2015, (2012, 2015)),
        (BAC_GIANG, "BC-10", 2015, (2012, 2015)),
        (BAC_GIANG, "VT-03", 2012, (2012, 2012)),  # "Năm 2012"
        (BAC_GIANG, "VT-12", 2013, (2012, 2013)),  # "Giai đoạn 2012 – 2013"
        (BAC_GIANG, "VT-07", 2013, (2012, 2013)),  # "Giai đoạn 2012 – 2013"
        (BAC_GIANG, "VT-07", 2015, (2014, 2015)),  # printed "2013 – 2015", after the 2013 target
        (BAC_GIANG, "VT-13", 2015, (2013, 2015)),  # "Giai đoạn 2013 – 2015"
        (BAC_GIANG, "VT-11", 2015, (2012, 2015)),  # "Giai đoạn 2012 – 2015"
        (HAU_GIANG_2023, "DV-08", 2025, (2023, 2025)),
        # Bình Thuận: "hằng năm" growth, one target per year; share of GDP "đến năm 2015".
        (BINH_THUAN, "MT-10", 2013, (2013, 2013)),
        (BINH_THUAN, "MT-11", 2015, (2011, 2015)),
    ],
)
def test_period_follows_the_heading(seeded, slug, code, year, expected):
    assert period(slug, code, year) == expected


def test_growth_rates_allow_negative_figures_and_a_yearly_budget_share_does_not(seeded):
    rates = Indicator.objects.filter(
        plan__slug__in=SEED_PLANS, aggregation=Indicator.Aggregation.YEARLY_RATE
    )
    assert set(rates.values_list("plan__slug", "code")) == {
        (HAU_GIANG_2011, "BC-04"),
        (HAU_GIANG_2011, "BC-05"),
        (HAU_GIANG_2011, "GP-01"),
        (BAC_GIANG, "BC-05"),
        (BAC_GIANG, "BC-06"),
        (BAC_GIANG, "BC-10"),
        (BINH_THUAN, "MT-10"),
    }
    # GP-01 is "khoảng 1% tổng thu ngân sách" each year: a share, never below zero.
    assert set(rates.filter(allows_negative=False).values_list("plan__slug", "code")) == {
        (HAU_GIANG_2011, "GP-01")
    }


def test_only_rates_allow_negative_figures(seeded):
    others = Indicator.objects.filter(plan__slug__in=SEED_PLANS, allows_negative=True).exclude(
        aggregation=Indicator.Aggregation.YEARLY_RATE
    )
    assert list(others) == []


def test_seed_baselines_stay_empty(seeded):
    # The documents print no current-state figures: a Sở enters them on the baselines page.
    indicators = Indicator.objects.filter(plan__in=Plan.objects.filter(slug__in=SEED_PLANS))
    assert not indicators.exclude(baseline_value=None).exists()
    assert not indicators.exclude(baseline_source="").exists()

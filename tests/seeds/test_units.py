"""Seed plans keep every figure's unit, and their concepts compare like with like."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Comparator, Indicator, IndicatorConcept, Target
from indicators.targets import read_target
from indicators.units import convertible
from plans.text import normalise_space

pytestmark = pytest.mark.django_db


def _indicator(slug, code):
    return Indicator.objects.select_related("concept").get(plan__slug=slug, code=code)


def test_every_concepts_indicators_are_in_its_unit_or_convert_to_it(seeded):
    wrong = [
        (concept.code, concept.unit, indicator.plan.slug, indicator.code, indicator.unit)
        for concept in IndicatorConcept.objects.prefetch_related("indicators__plan")
        for indicator in concept.indicators.all()
        if not convertible(indicator.unit, concept.unit)
    ]
    assert wrong == []


def test_every_seed_indicator_and_target_passes_the_unit_rules(seeded):
    refused = []
    for indicator in Indicator.objects.select_related("plan", "concept", "section"):
        try:
            indicator.clean()
        except ValidationError as exc:
            refused.append((indicator.plan.slug, indicator.code, exc.messages))
    for target in Target.objects.select_related("indicator__plan"):
        try:
            target.clean()
        except ValidationError as exc:
            refused.append((target.indicator.plan.slug, target.indicator.code, exc.messages))
    assert refused == []


def test_compare_page_of_every_seed_concept_has_one_y_axis_unit(seeded, client, admin_user):
    client.force_login(admin_user)
    concepts = IndicatorConcept.objects.filter(indicators__isnull=False).distinct()
    assert concepts.count() > 10
    for concept in concepts:
        response = client.get(reverse("indicators:concept-compare", args=[concept.code]))
        figure = response.context["figure"]
        axes = [key for key in figure["layout"] if key.startswith("yaxis")]
        assert axes == ["yaxis"], concept.code
        assert figure["layout"]["yaxis"]["title"]["text"] == concept.unit, concept.code
        assert {trace.get("yaxis", "y") for trace in figure["data"]} <= {"y"}, concept.code
        # Nothing is left out: every seed series converts into the concept's unit.
        assert "annotations" not in figure["layout"], concept.code
        assert all(series.convertible for series in response.context["series"]), concept.code


def test_every_qualifier_a_phrase_carries_is_kept_with_the_target_or_indicator(seeded):
    lost = []
    for target in Target.objects.select_related("indicator__plan"):
        qualifier = read_target(target.phrase).qualifier
        kept = " ".join([target.note, target.indicator.scope, target.indicator.name])
        if qualifier and normalise_space(qualifier) not in normalise_space(kept):
            lost.append((target.indicator.plan.slug, target.indicator.code, qualifier))
    assert lost == []


def test_no_seed_unit_carries_a_qualifier(seeded):
    tails = [
        (t.indicator.plan.slug, t.indicator.code, t.unit)
        for t in Target.objects.select_related("indicator__plan")
        if read_target(t.phrase).qualifier and t.unit != read_target(t.phrase).unit
    ]
    units = set(Indicator.objects.values_list("unit", flat=True))
    assert tails == []
    assert not [unit for unit in units if unit.startswith("% ") or unit.startswith("lần ")]


# The links the audit found.


def test_soc_trang_ud09_percent_is_not_compared_with_computers_per_civil_servant(seeded):
    ud09 = _indicator("soc-trang-kh-22-2012", "UD-09")
    assert ud09.unit == "%"
    assert ud09.concept is None


def test_binh_thuan_mobile_broadband_coverage_joins_the_mobile_coverage_comparison(seeded):
    # "phủ sóng thông tin di động băng rộng đến 80% dân cư" (I.2.a)
    ht05 = _indicator("binh-thuan-kh-nq03-2015", "HT-05")
    assert ht05.concept.code == "mobile-coverage-pct"
    assert ht05.unit == "%"
    compared = set(
        Indicator.objects.filter(concept__code="mobile-coverage-pct").values_list(
            "plan__slug", "code"
        )
    )
    assert {("soc-trang-kh-22-2012", "HT-03"), ("binh-thuan-kh-nq03-2015", "HT-05")} <= compared


def test_bac_giang_postal_revenue_growth_is_not_postal_service_growth(seeded):
    bc10 = _indicator("bac-giang-qd-1005-2012", "BC-10")
    assert bc10.concept.code == "postal-revenue-growth"
    growth = set(
        Indicator.objects.filter(concept__code="postal-service-growth").values_list(
            "plan__slug", "code"
        )
    )
    assert ("bac-giang-qd-1005-2012", "BC-10") not in growth
    assert ("bac-giang-qd-1005-2012", "BC-05") in growth


def test_binh_thuan_mt10_keeps_its_whole_phrase_and_is_at_least_one_and_a_half(seeded):
    indicator = _indicator("binh-thuan-kh-nq03-2015", "MT-10")
    assert indicator.unit == "lần"
    for target in indicator.targets.all():
        assert target.phrase == "từ 1,5-2 lần tốc độ tăng trưởng GDP trở lên"
        assert (target.comparator, target.value, target.upper_value, target.unit) == (
            Comparator.GTE,
            Decimal("1.5"),
            None,
            "lần",
        )
        assert "tốc độ tăng trưởng GDP" in target.note


def test_hau_giang_khoang_tren_is_approximate(seeded):
    revenue = _indicator("hau-giang-qh-bcvt-cntt-2020", "BC-06")
    assert list(revenue.targets.values_list("comparator", "value")) == [
        (Comparator.APPROX, Decimal("13")),
        (Comparator.APPROX, Decimal("43")),
    ]

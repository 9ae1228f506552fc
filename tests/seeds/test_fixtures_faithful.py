"""Rules every seed plan obeys: what is stored is what the document prints."""

import pytest

from budgets.models import UNIT_FACTORS, Allocation, BudgetLine, StatedTotal
from indicators.models import Target
from indicators.targets import read_target_in_unit
from plans.models import Plan, Project, Responsibility
from plans.numbers import parse_number
from plans.services import SOURCES_DIR, seed_fixture_paths, seed_plans_load
from plans.text import normalise_space

pytestmark = pytest.mark.django_db


def _sources():
    return {plan.pk: normalise_space(plan.source_text) for plan in Plan.objects.all()}


def _missing(rows, text_of, plan_of, sources):
    return [
        (plan_of(row), text_of(row))
        for row in rows
        if normalise_space(text_of(row)) not in sources[plan_of(row).pk]
    ]


def test_every_plan_file_has_its_source_text(seeded):
    for plan in Plan.objects.all():
        assert plan.source_file, plan.slug
        expected = (SOURCES_DIR / plan.source_file).read_text(encoding="utf-8")
        assert plan.source_text == expected, plan.slug


def test_target_phrases_occur_in_the_source(seeded):
    sources = _sources()
    rows = Target.objects.select_related("indicator__plan")
    assert _missing(rows, lambda t: t.phrase, lambda t: t.indicator.plan, sources) == []


def test_target_fields_are_what_the_reader_reads_from_the_phrase(seeded):
    # Figures in the indicator's unit; `unit` as printed (docs/achievement.md §2, Units).
    wrong = []
    for target in Target.objects.select_related("indicator__plan"):
        reading = read_target_in_unit(target.phrase, target.indicator.unit)
        stored = (target.comparator, target.value, target.upper_value, target.unit)
        if stored != (reading.comparator, reading.value, reading.upper_value, reading.unit):
            wrong.append((target.indicator.plan.slug, target.indicator.code, target.year, stored))
    assert wrong == []


def test_duties_occur_in_the_source(seeded):
    sources = _sources()
    rows = Responsibility.objects.select_related("plan")
    assert _missing(rows, lambda r: r.duties, lambda r: r.plan, sources) == []


def test_project_names_occur_in_the_source(seeded):
    sources = _sources()
    rows = Project.objects.select_related("plan")
    assert _missing(rows, lambda p: p.name, lambda p: p.plan, sources) == []


def test_budget_line_names_and_stated_totals_occur_in_the_source(seeded):
    sources = _sources()
    lines = BudgetLine.objects.select_related("plan")
    stated = StatedTotal.objects.select_related("plan")
    assert _missing(lines, lambda b: b.name, lambda b: b.plan, sources) == []
    assert _missing(stated, lambda s: s.phrase, lambda s: s.plan, sources) == []


def test_allocations_are_the_printed_figure_in_million_dong(seeded):
    wrong = [
        (a.line.plan.slug, a.line.code, a.span_display, a.amount, a.amount_printed)
        for a in Allocation.objects.select_related("line__plan")
        if parse_number(a.amount_printed) * UNIT_FACTORS[a.line.printed_unit] != a.amount
    ]
    assert wrong == []


def seed_content() -> dict:
    """Return every seed plan as its whole API document, and the reference data row by row."""
    from django.apps import apps

    from plans.selectors import plan_document, plan_with_everything

    reference = {
        name: list(apps.get_model(name).objects.order_by("pk").values())
        for name in (
            "plans.Province",
            "plans.Agency",
            "plans.Sector",
            "budgets.FundingSource",
            "indicators.IndicatorConcept",
        )
    }
    plans = {
        plan.slug: plan_document(plan, include_unapproved=True)
        for plan in plan_with_everything().order_by("slug")
    }
    return {"reference": reference, "plans": plans}


def test_loading_the_seed_twice_changes_nothing(seeded):
    before = seed_content()
    assert len(before["plans"]) == 5
    seed_plans_load()
    assert seed_content() == before


def test_each_plan_fixture_is_one_file_per_plan():
    names = [path.name for path in seed_fixture_paths()]
    assert names[0] == "00_reference.yaml"
    assert len(names) == len(set(names))

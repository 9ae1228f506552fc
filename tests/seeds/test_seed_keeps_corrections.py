"""`manage.py seed` runs again in production: it adds what is missing and keeps corrections."""

import io
import shutil
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from budgets.models import Allocation, BudgetLine, FundingSource, StatedTotal
from indicators.models import Indicator, IndicatorConcept, Target
from plans import services
from plans.models import Agency, Plan, Project, Province, Responsibility, Section, Sector
from plans.services import SEED_LOADED_REASON, SEED_UPDATED_REASON, seed_plans_load

pytestmark = pytest.mark.django_db

SEED_MODELS = [
    Province,
    Sector,
    FundingSource,
    IndicatorConcept,
    Agency,
    Plan,
    Section,
    Project,
    Responsibility,
    Indicator,
    Target,
    BudgetLine,
    Allocation,
    StatedTotal,
]


CORRECTION = "Sửa theo văn bản đính chính"


def vietnamese(message):
    with translation.override("vi"):
        return translation.gettext(message)


@dataclass
class Reseeded:
    target: Target  # its value corrected before the seed ran again
    allocation: Allocation  # its amount corrected
    deleted: tuple  # the natural key of an allocation deleted
    deleted_amount: Decimal
    output: str  # what `manage.py seed` printed


@pytest.fixture(scope="module")
def reseeded(seeded, django_db_blocker):
    """Correct a target and an allocation through save(), as the admin does, delete another
    allocation, then run `manage.py seed` again; rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        target = Target.objects.filter(value__isnull=False).order_by("pk").first()
        target.value += 1
        target._change_reason = CORRECTION
        target.save()
        allocation, deleted = Allocation.objects.order_by("pk")[:2]
        allocation.amount += 1
        allocation._change_reason = CORRECTION
        allocation.save()
        deleted_key, deleted_amount = deleted.natural_key(), deleted.amount
        deleted.delete()
        out = io.StringIO()
        call_command("seed", stdout=out)
        yield Reseeded(target, allocation, deleted_key, deleted_amount, out.getvalue())
        transaction.set_rollback(True)


@pytest.fixture
def reference_only(tmp_path, monkeypatch):
    """Seed from a copy of the reference fixture alone, which a test may edit."""
    shutil.copy(services.FIXTURES_DIR / "00_reference.yaml", tmp_path)
    monkeypatch.setattr(services, "FIXTURES_DIR", tmp_path)
    return tmp_path / "00_reference.yaml"


def test_seed_keeps_a_corrected_target(reseeded):
    assert Target.objects.get(pk=reseeded.target.pk).value == reseeded.target.value


def test_seed_keeps_a_corrected_allocation(reseeded):
    assert Allocation.objects.get(pk=reseeded.allocation.pk).amount == reseeded.allocation.amount


def test_seed_writes_no_history_over_a_correction(reseeded):
    record = Target.history.filter(id=reseeded.target.pk).first()
    assert record.history_change_reason == CORRECTION


def test_seed_names_the_rows_it_kept(reseeded):
    assert f"indicators.target {reseeded.target.natural_key()}: value" in reseeded.output
    assert f"budgets.allocation {reseeded.allocation.natural_key()}: amount" in reseeded.output


def test_seed_counts_the_rows_it_kept_and_created(reseeded):
    assert "1 row(s) created, 0 updated from the fixtures, 2 kept" in reseeded.output


def test_seed_brings_back_a_deleted_row(reseeded):
    allocation = Allocation.objects.get_by_natural_key(*reseeded.deleted)
    assert allocation.amount == reseeded.deleted_amount


def test_a_row_the_seed_brings_back_has_a_creation_record(reseeded):
    record = Allocation.objects.get_by_natural_key(*reseeded.deleted).history.first()
    assert (record.history_type, record.history_change_reason) == (
        "+",
        vietnamese(SEED_LOADED_REASON),
    )


def test_every_row_the_seed_created_has_a_creation_record_with_the_seed_reason(seeded):
    reason = vietnamese(SEED_LOADED_REASON)
    assert reason == "Nạp dữ liệu gốc"
    without = [
        (model._meta.label, row.natural_key())
        for model in SEED_MODELS
        for row in model.objects.exclude(
            pk__in=model.history.filter(history_type="+", history_change_reason=reason).values("id")
        )
    ]
    # budgets migration 0003 creates the "not split by source" row before any seed runs.
    assert without == [("budgets.FundingSource", ("chung",))]


def test_seed_leaves_unchanged_rows_without_a_new_record(seeded):
    records = [model.history.count() for model in SEED_MODELS]
    seed_plans_load()
    assert [model.history.count() for model in SEED_MODELS] == records


def test_seed_takes_a_corrected_fixture_into_a_row_nobody_changed(seeded, reference_only):
    reference_only.write_text(
        reference_only.read_text(encoding="utf-8").replace(
            "name: Bưu chính,", "name: Bưu chính (sửa),"
        ),
        encoding="utf-8",
    )
    report = seed_plans_load()
    sector = Sector.objects.get(code="buu-chinh")
    assert (sector.name, sector.history.first().history_change_reason) == (
        "Bưu chính (sửa)",
        vietnamese(SEED_UPDATED_REASON),
    )
    assert (report.updated, report.skipped) == ({"plans.sector": 1}, [])


def test_seed_keeps_a_changed_row_when_its_fixture_changes_too(seeded, reference_only):
    sector = Sector.objects.get(code="buu-chinh")
    sector.name = "Bưu chính - chuyển phát"
    sector.save()
    reference_only.write_text(
        reference_only.read_text(encoding="utf-8").replace(
            "name: Bưu chính,", "name: Bưu chính (sửa),"
        ),
        encoding="utf-8",
    )
    seed_plans_load()
    assert Sector.objects.get(code="buu-chinh").name == "Bưu chính - chuyển phát"


def test_seed_keeps_a_differing_row_that_has_no_history(seeded, reference_only):
    # Rows loaded by the seed before it kept history may have been changed without a trace.
    Sector.history.filter(code="buu-chinh").delete()
    Sector.objects.filter(code="buu-chinh").update(name="Bưu chính - chuyển phát")
    report = seed_plans_load()
    assert Sector.objects.get(code="buu-chinh").name == "Bưu chính - chuyển phát"
    assert [(skip.model, skip.key) for skip in report.skipped] == [("plans.sector", ("buu-chinh",))]

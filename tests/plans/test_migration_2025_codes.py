"""A database seeded before the 2025 map keeps Bắc Giang's plans in Bắc Giang.

The data step of migration 0009 runs here on today's schema (the fields it touches are the
same), so the test needs no migrating back and forth.
"""

import datetime
import importlib

import pytest
from django.apps import apps

from plans.models import Plan, Province
from tests import factories as f

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "plans.migrations.0009_provinces_of_2025_and_plan_status_by_date"
)


def test_bac_giang_moves_off_the_code_qd_19_2025_gives_bac_ninh():
    # As the seed stored them before: Bắc Ninh under its pre-2025 code 27, Bắc Giang under 24.
    bac_ninh = f.province("Bắc Ninh", code="27", slug="bac-ninh")
    bac_giang = f.province(
        "Bắc Giang", code="24", successor=bac_ninh, merged_on=datetime.date(2025, 7, 1)
    )
    can_tho = f.province("Cần Thơ", code="92")
    f.province("Hậu Giang", code="93", successor=can_tho, merged_on=datetime.date(2025, 7, 1))
    plan = f.plan(bac_giang, slug="bg")

    migration.rekey_bac_giang_and_bac_ninh(apps, None)

    assert Plan.objects.get(pk=plan.pk).province.code == "24-2004"
    today = Province.objects.get(code="24")
    assert (today.pk, today.name, today.formed_on) == (
        bac_ninh.pk,
        "Bắc Ninh",
        datetime.date(2025, 7, 1),
    )
    assert Province.objects.get(code="24-2004").successor_id == bac_ninh.pk
    assert Province.objects.get(code="92").formed_on == datetime.date(2025, 7, 1)


def test_the_step_leaves_a_database_with_the_new_codes_alone():
    bac_ninh = f.province("Bắc Ninh", code="24", formed_on=datetime.date(2025, 7, 1))
    f.province("Bắc Giang", code="24-2004", successor=bac_ninh)
    migration.rekey_bac_giang_and_bac_ninh(apps, None)
    assert sorted(Province.objects.values_list("code", flat=True)) == ["24", "24-2004"]

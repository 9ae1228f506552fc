"""The reference map: 63 provinces before 1/7/2025, 34 units since (Nghị quyết 202/2025/QH15)."""

import pytest

from plans.models import Agency, Province

pytestmark = pytest.mark.django_db


def test_the_map_before_and_after_the_2025_merger(seeded):
    assert Province.objects.before_2025().count() == 63
    assert Province.objects.current().count() == 34
    # 11 units were not arranged: one row each, on both maps.
    unchanged = Province.objects.before_2025().current()
    assert unchanged.count() == 11
    assert {p.code for p in unchanged} >= {"01", "46", "22"}


def test_every_ended_province_has_exactly_one_current_successor(seeded):
    ended = Province.objects.filter(successor__isnull=False).select_related("successor")
    assert ended.count() == 52
    for province in ended:
        assert province.successor.is_current, province
        assert province.successor.formed_on.isoformat() == "2025-07-01"
        assert province.merged_on.isoformat() == "2025-07-01"
    # Every unit formed in 2025 is made of at least two provinces; the unchanged of none.
    for unit in Province.objects.current():
        parts = unit.predecessors.count()
        assert parts >= 2 if unit.formed_on else parts == 0, unit


def test_codes_and_slugs_are_unique_and_official(seeded):
    current = list(Province.objects.current().values_list("code", flat=True))
    assert len(current) == len(set(current)) == 34
    assert all(len(code) == 2 and code.isdigit() for code in current)
    # A pre-2025 code that QĐ 19/2025/QĐ-TTg gave to the new unit keeps a "-2004" suffix.
    for code in Province.objects.filter(successor__isnull=False).values_list("code", flat=True):
        official = code.removesuffix("-2004")
        assert len(official) == 2 and official.isdigit(), code
        assert (official in current) == code.endswith("-2004"), code


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Hậu Giang", "Cần Thơ"),
        ("Sóc Trăng", "Cần Thơ"),
        ("Bắc Giang", "Bắc Ninh"),
        ("Bình Thuận", "Lâm Đồng"),
        ("Đắk Nông", "Lâm Đồng"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Yên Bái", "Lào Cai"),
        ("Quảng Bình", "Quảng Trị"),
    ],
)
def test_spot_checks_of_the_resolution(seeded, old, new):
    province = Province.objects.get(name=old, successor__isnull=False)
    assert province.current.name == new
    assert province.label == f"{old} (nay thuộc {new})"


def test_a_province_that_gave_its_name_to_the_new_unit_says_so(seeded):
    old = Province.objects.get(code="92-2004")
    assert old.current == Province.objects.get(code="92")
    assert old.label == "Cần Thơ (trước 1/7/2025)"
    assert Province.objects.get(code="92").predecessors.count() == 3


def test_seed_agencies_are_succeeded_by_the_successor_provinces_bodies(seeded):
    for old, new in [("hau-giang", "can-tho"), ("soc-trang", "can-tho"), ("bac-giang", "bac-ninh")]:
        ubnd = Agency.objects.get(code=f"{old}-ubnd")
        assert ubnd.successor.code == f"{new}-ubnd"
        tttt = Agency.objects.get(code=f"{old}-so-tttt")
        assert str(tttt.succeeded_on) == "2025-03-01"
        assert tttt.successor.successor.code == f"{new}-so-khcn"
        assert tttt.successor.successor.province.is_current

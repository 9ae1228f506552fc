import pytest

from plans.models import Province

pytestmark = pytest.mark.django_db


def test_merged_provinces_keep_their_2025_successor(seeded):
    successors = {
        province.name: province.successor.name
        for province in Province.objects.select_related("successor").filter(successor__isnull=False)
    }
    assert successors == {
        "Hậu Giang": "Cần Thơ",
        "Sóc Trăng": "Cần Thơ",
        "Bắc Giang": "Bắc Ninh",
        "Bình Thuận": "Lâm Đồng",
    }

"""The unit registry, and the rules that keep a figure's scale and unit on its way in."""

from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.admin import IndicatorConceptResource
from indicators.models import Comparator, Indicator, IndicatorConcept, Target
from indicators.targets import read_target_in_unit
from indicators.units import (
    UnitMismatch,
    convert,
    convertible,
    normalise_unit,
    target_value_in_indicator_unit,
)
from tests import factories as f

D = Decimal


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (D("1"), "Gbps", "Mbps", D("1000")),
        (D("300"), "Mbps", "Gbps", D("0.3")),
        (D("20"), "Mb/s", "Mbps", D("20")),
        (D("1"), "Tbps", "kbps", D("1000000000")),
        (D("1.5"), "tỷ đồng", "triệu đồng", D("1500")),
        (D("1093410"), "triệu đồng", "tỷ đồng", D("1093.41")),
        (D("250"), "nghìn đồng", "đồng", D("250000")),
        (D("7"), "đồng", "tỷ đồng", D("0.000000007")),
        (D("1.4"), "km", "m", D("1400")),
        (D("500"), "m", "km", D("0.5")),
        (D("12"), "%", "%/năm", D("12")),
        (D("113.8"), "máy/100 dân", "máy/100 dân", D("113.8")),
        (D("2"), "chuyến/ngày", "chuyến / ngày", D("2")),
        (D("3"), "trạm BTS", "Trạm  BTS", D("3")),
    ],
)
def test_convert_is_exact(value, from_unit, to_unit, expected):
    converted = convert(value, from_unit, to_unit)
    assert converted == expected
    assert convert(converted, to_unit, from_unit) == value


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("km", "%"),
        ("tỷ đồng", "Mbps"),
        ("máy/100 dân", "máy/cán bộ"),
        ("km/điểm", "km"),
        ("km/điểm", "m/điểm"),  # compound units equal only themselves
        ("chuyến/ngày", "chuyến"),
        ("%", ""),
        ("trạm BTS", "bưu cục"),
    ],
)
def test_different_dimensions_and_compounds_do_not_convert(a, b):
    assert not convertible(a, b)
    with pytest.raises(UnitMismatch) as caught:
        convert(D("1"), a, b)
    assert f"“{a}”" in str(caught.value) and f"“{b}”" in str(caught.value)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mb/s", "Mbps"),
        ("MBPS", "Mbps"),
        ("km/điểm phục vụ", "km/điểm"),
        ("người/điểm phục vụ", "người/điểm"),
        ("máy/CBCC", "máy/cán bộ"),
        ("máy / 100  dân", "máy/100 dân"),
        ("tỉ đồng", "tỷ đồng"),
        # Telephone density is printed either way; a telephone line is a subscription.
        ("thuê bao/100 dân", "máy/100 dân"),
    ],
)
def test_spellings_of_one_unit_normalise_alike(a, b):
    assert normalise_unit(a) == normalise_unit(b)
    assert convertible(a, b)


def test_target_without_a_printed_unit_takes_the_indicators():
    assert target_value_in_indicator_unit(D("0.85"), "", "máy/cán bộ") == D("0.85")


def test_gbps_target_on_an_mbps_indicator_is_1000():
    assert target_value_in_indicator_unit(D("1"), "Gbps", "Mbps") == D("1000")


def test_a_target_printing_the_rates_numerator_is_in_the_indicators_unit():
    # "Số thuê bao băng rộng di động/100 dân đạt 85 thuê bao": "/100 dân" is in the name.
    assert target_value_in_indicator_unit(D("85"), "thuê bao", "thuê bao/100 dân") == D("85")


def test_km_target_on_a_percent_indicator_is_refused():
    with pytest.raises(UnitMismatch):
        target_value_in_indicator_unit(D("5"), "km", "%")


def test_read_target_in_unit_converts_value_and_bounds_but_keeps_the_printed_unit():
    reading = read_target_in_unit("từ 1 - 2 Gbps", "Mbps")
    assert (reading.comparator, reading.value, reading.upper_value, reading.unit) == (
        Comparator.RANGE,
        D("1000"),
        D("2000"),
        "Gbps",
    )


def test_read_target_in_unit_refuses_a_unit_that_does_not_convert():
    with pytest.raises(UnitMismatch):
        read_target_in_unit("dưới 2 km", "%")


# Target.clean: what the admin, the new-plan import and every full_clean() enforce.


@pytest.fixture
def bandwidth(db):
    return f.indicator(f.plan(), code="BW", name="Tốc độ băng rộng cố định", unit="Mbps")


def _target(indicator, phrase, value, unit, comparator=Comparator.GTE, **fields):
    return Target(
        indicator=indicator,
        year=2015,
        phrase=phrase,
        comparator=comparator,
        value=D(value),
        unit=unit,
        **fields,
    )


def test_target_clean_accepts_a_gbps_target_stored_in_mbps(bandwidth):
    _target(bandwidth, "từ 1 Gbps trở lên", "1000", "Gbps").full_clean()


def test_target_clean_refuses_a_gbps_target_stored_unconverted(bandwidth):
    with pytest.raises(ValidationError) as caught:
        _target(bandwidth, "từ 1 Gbps trở lên", "1", "Gbps").full_clean()
    assert "value" in caught.value.message_dict
    assert "1.000" in caught.value.message_dict["value"][0]


def test_target_clean_refuses_a_km_target_on_a_percent_indicator(db):
    share = f.indicator(f.plan(), code="P", unit="%")
    with pytest.raises(ValidationError) as caught:
        _target(share, "dưới 2 km", "2", "km", comparator=Comparator.LT).full_clean()
    message = caught.value.message_dict["unit"][0]
    assert "“km”" in message and "“%”" in message
    assert "không quy đổi được" in message


def test_target_clean_checks_the_upper_bound_too(bandwidth):
    good = _target(
        bandwidth, "1 - 2 Gbps", "1000", "Gbps", comparator=Comparator.RANGE, upper_value=D(2000)
    )
    good.full_clean()
    good.upper_value = D(2)
    with pytest.raises(ValidationError):
        good.full_clean()


def test_target_clean_accepts_a_blank_unit(bandwidth):
    _target(bandwidth, "300", "300", "", comparator=Comparator.EQ).full_clean()


# A concept has one unit.


@pytest.fixture
def per_servant(db):
    return IndicatorConcept.objects.create(
        code="computers-per-civil-servant", name="Máy tính trên cán bộ", unit="máy/cán bộ"
    )


def test_linking_an_indicator_in_another_unit_to_a_concept_is_refused(per_servant):
    share = Indicator(plan=f.plan(), code="UD-09", name="Tỷ lệ", unit="%", concept=per_servant)
    with pytest.raises(ValidationError) as caught:
        share.full_clean()
    message = caught.value.message_dict["concept"][0]
    assert "“%”" in message and "“máy/cán bộ”" in message


def test_linking_an_indicator_in_a_spelling_of_the_concepts_unit_is_accepted(per_servant):
    Indicator(
        plan=f.plan(), code="HT-11", name="Máy/CBCC", unit="máy/CBCC", concept=per_servant
    ).full_clean()


def test_linking_an_indicator_in_a_convertible_unit_is_accepted(db):
    speed = IndicatorConcept.objects.create(code="speed", name="Tốc độ", unit="Mbps")
    Indicator(plan=f.plan(), code="S", name="Tốc độ", unit="Gbps", concept=speed).full_clean()


def test_changing_a_concepts_unit_away_from_its_indicators_is_refused(per_servant):
    f.indicator(f.plan(), code="HT-01", unit="máy/cán bộ", concept=per_servant)
    per_servant.unit = "%"
    with pytest.raises(ValidationError) as caught:
        per_servant.full_clean()
    assert "HT-01" in caught.value.message_dict["unit"][0]


def test_concept_upload_cannot_change_the_unit_away_from_its_indicators(per_servant):
    f.indicator(f.plan(), code="HT-01", unit="máy/cán bộ", concept=per_servant)
    dataset = tablib.Dataset(headers=["code", "name", "unit", "direction", "description"])
    dataset.append([per_servant.code, per_servant.name, "%", "higher", ""])
    result = IndicatorConceptResource().import_data(dataset, dry_run=True)
    assert result.has_validation_errors()
    per_servant.refresh_from_db()
    assert per_servant.unit == "máy/cán bộ"


def test_admin_refuses_a_km_target_on_a_percent_indicator_with_the_message(admin_client):
    share = f.indicator(f.plan(), code="P", unit="%")
    response = admin_client.post(
        reverse("admin:indicators_target_add"),
        {
            "indicator": share.pk,
            "year": 2015,
            "comparator": Comparator.LT,
            "value": "2",
            "unit": "km",
            "phrase": "dưới 2 km",
            "note": "",
        },
    )
    assert response.status_code == 200  # the form again, nothing saved
    assert not Target.objects.exists()
    assert "không quy đổi được" in response.content.decode()

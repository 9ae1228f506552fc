from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import Comparator
from indicators.targets import read_target
from plans.numbers import TargetPhraseError, parse_number

D = Decimal


@pytest.mark.parametrize(
    ("phrase", "comparator", "value", "upper", "unit"),
    [
        ("trên 90%", Comparator.GT, D("90"), None, "%"),
        ("từ 30% trở lên", Comparator.GTE, D("30"), None, "%"),
        ("30% trở lên", Comparator.GTE, D("30"), None, "%"),
        ("ít nhất 25", Comparator.GTE, D("25"), None, ""),
        ("tối thiểu 2 người", Comparator.GTE, D("2"), None, "người"),
        ("tối thiểu có 30%", Comparator.GTE, D("30"), None, "%"),
        ("không dưới 80%", Comparator.GTE, D("80"), None, "%"),
        ("không quá 5%", Comparator.LTE, D("5"), None, "%"),
        ("dưới 1,4 km/điểm", Comparator.LT, D("1.4"), None, "km/điểm"),
        ("dưới 6.340 người/điểm", Comparator.LT, D("6340"), None, "người/điểm"),
        ("5 - 10%", Comparator.RANGE, D("5"), D("10"), "%"),
        ("5 – 10%/năm", Comparator.RANGE, D("5"), D("10"), "%/năm"),
        ("30 - 50%", Comparator.RANGE, D("30"), D("50"), "%"),
        ("khoảng 20% - 30%", Comparator.RANGE, D("20"), D("30"), "%"),
        ("từ 5 đến 10 %", Comparator.RANGE, D("5"), D("10"), "%"),
        ("2-3 chuyến/ngày", Comparator.RANGE, D("2"), D("3"), "chuyến/ngày"),
        ("113,8 máy/100 dân", Comparator.EQ, D("113.8"), None, "máy/100 dân"),
        ("2 chuyến/ngày", Comparator.EQ, D("2"), None, "chuyến/ngày"),
        ("20 Mb/s", Comparator.EQ, D("20"), None, "Mb/s"),
        ("0,85", Comparator.EQ, D("0.85"), None, ""),
        ("1.093.410", Comparator.EQ, D("1093410"), None, ""),
        ("100%", Comparator.EQ, D("100"), None, "%"),
        ("đạt 100%", Comparator.EQ, D("100"), None, "%"),
        ("khoảng 40%", Comparator.APPROX, D("40"), None, "%"),
        # "khoảng" softens the bound: read like "khoảng 13 tỷ đồng" (docs/achievement.md §2).
        ("khoảng trên 13 tỷ đồng", Comparator.APPROX, D("13"), None, "tỷ đồng"),
        ("khoảng dưới 5%", Comparator.APPROX, D("5"), None, "%"),
        # Bình Thuận MT-10: a range closed by "trở lên" is at least its lower end.
        (
            "từ 1,5-2 lần tốc độ tăng trưởng GDP trở lên",
            Comparator.GTE,
            D("1.5"),
            None,
            "lần",
        ),
        ("5 - 10% trở lên", Comparator.GTE, D("5"), None, "%"),
        ("5 - 10% trở xuống", Comparator.LTE, D("10"), None, "%"),
        ("trên 80% hộ gia đình có nhu cầu", Comparator.GT, D("80"), None, "%"),
        ("khoảng 1% tổng thu ngân sách", Comparator.APPROX, D("1"), None, "%"),
        ("từ 1 Gbps trở lên", Comparator.GTE, D("1"), None, "Gbps"),
        ("trên  90 %", Comparator.GT, D("90"), None, "%"),
    ],
)
def test_reads_every_phrase_shape_of_the_seeds(phrase, comparator, value, upper, unit):
    reading = read_target(phrase)
    assert (reading.comparator, reading.value, reading.upper_value, reading.unit) == (
        comparator,
        value,
        upper,
        unit,
    )


@pytest.mark.parametrize(
    ("phrase", "unit", "qualifier"),
    [
        ("trên 80% hộ gia đình có nhu cầu", "%", "hộ gia đình có nhu cầu"),
        ("từ 1,5-2 lần tốc độ tăng trưởng GDP trở lên", "lần", "tốc độ tăng trưởng GDP"),
        ("khoảng 1% tổng thu ngân sách", "%", "tổng thu ngân sách"),
        ("20 - 30% số hộ", "%", "số hộ"),
        ("1,5 lần tốc độ tăng trưởng GDP trở lên", "lần", "tốc độ tăng trưởng GDP"),
        # Compound and unregistered units are kept whole: nothing tells where a count ends.
        ("5 – 10%/năm", "%/năm", ""),
        ("113,8 máy/100 dân", "máy/100 dân", ""),
        ("20 cơ sở dữ liệu chuyên ngành", "cơ sở dữ liệu chuyên ngành", ""),
        ("đạt 500m", "m", ""),
        ("trên 90%", "%", ""),
    ],
)
def test_text_after_a_known_unit_is_a_qualifier_not_the_unit(phrase, unit, qualifier):
    reading = read_target(phrase)
    assert (reading.unit, reading.qualifier) == (unit, qualifier)


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "trên",
        "nhiều",
        "1.5%",
        "1,234",
        "10 - 5%",
        "trên 5 - 10%",
        "từ 30%",
        "90% các xã, phường, thị trấn có điểm phục vụ bưu chính và báo chí",
        "5 - 10% và 3%",
    ],
)
def test_refuses_what_it_cannot_read_and_names_the_phrase(phrase):
    with pytest.raises(TargetPhraseError) as caught:
        read_target(phrase)
    assert f"“{phrase}”" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.093.410", D("1093410")),
        ("0,85", D("0.85")),
        ("1.234,5", D("1234.5")),
        ("6.340", D("6340")),
        ("85", D("85")),
        ("0,850", D("0.850")),
        (" 12 ", D("12")),
    ],
)
def test_parse_number_reads_vietnamese_notation(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["1.5", "1,234", "12.34", "1.2345", "1.234.5", "abc", "", "1,2,3"])
def test_parse_number_refuses_english_or_ambiguous_notation(text):
    with pytest.raises(TargetPhraseError):
        parse_number(text)


def test_parse_number_reads_ambiguous_comma_when_allowed():
    assert parse_number("1,234", allow_ambiguous=True) == D("1.234")


def vietnamese(number: Decimal) -> str:
    """Write `number` the way the documents do: dots between thousands, decimal comma."""
    whole, _, fraction = f"{number:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


numbers = st.decimals(
    min_value=0, max_value=10**12, places=3, allow_nan=False, allow_infinity=False
)
# Documents never print three decimals after a small whole number ("1,000" is refused as
# ambiguous), so phrases use at most two.
phrase_numbers = st.decimals(
    min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False
)


@given(numbers)
def test_parse_number_round_trips_vietnamese_notation(number):
    assert parse_number(vietnamese(number), allow_ambiguous=True) == number


@given(phrase_numbers, st.sampled_from(["%", "km/điểm", "máy/100 dân", "người/điểm", ""]))
def test_read_target_round_trips_any_number_above(number, unit):
    reading = read_target(f"trên {vietnamese(number)}{unit}")
    assert (reading.comparator, reading.value, reading.unit) == (Comparator.GT, number, unit)


@given(phrase_numbers, phrase_numbers)
def test_read_target_reads_any_ordered_range(low, high):
    low, high = sorted((low, high))
    reading = read_target(f"{vietnamese(low)} - {vietnamese(high)}%")
    assert (reading.value, reading.upper_value, reading.unit) == (low, high, "%")

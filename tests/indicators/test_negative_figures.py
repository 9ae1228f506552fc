"""Negative figures: a growth rate of −3% is a figure; a share, a count or an amount is not."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import Disbursement
from indicators.models import Actual, Indicator
from plans.numbers import FigureRule, TargetPhraseError, figure_text, parse_number, read_figure
from tests import factories as f
from tests.plans.conftest import World
from tests.plans.test_progress_upload import as_upload, confirm, fill, template, upload


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-3", Decimal("-3")),
        ("\u22123", Decimal("-3")),  # the typographic minus sign
        ("-3,5", Decimal("-3.5")),
        ("- 1.234,5", Decimal("-1234.5")),
        ("-0", Decimal("0")),
    ],
)
def test_parse_number_reads_a_leading_minus(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["-", "--3", "3-", "-1,234", "-1.5", "+-3"])
def test_parse_number_still_refuses_what_is_not_a_number(text):
    with pytest.raises(TargetPhraseError):
        parse_number(text)


def rule(**fields):
    defaults = {"unit": "%", "allows_negative": False, "aggregation": "level"}
    return FigureRule.for_indicator(Indicator(**{**defaults, **fields}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-3", "-3"), ("\u22123", "-3"), ("-3%", "-3"), ("-3,5%", "-3.5"), ("\u2212 0,25", "-0.25")],
)
def test_a_rate_reads_negative_figures(text, expected):
    assert read_figure(text, rule(allows_negative=True)) == Decimal(expected)


def test_a_share_refuses_negative_figures():
    from django import forms

    with pytest.raises(forms.ValidationError) as caught:
        read_figure("-3", rule())
    assert caught.value.messages == ["Số liệu không được âm."]


@pytest.mark.parametrize(
    "fields", [{"allows_negative": True}, {"aggregation": "yearly_rate"}], ids=["negative", "rate"]
)
def test_a_rate_may_exceed_100_percent(fields):
    assert read_figure("150%", rule(**fields)) == Decimal("150")


def test_a_share_in_percent_stays_between_0_and_100():
    from django import forms

    with pytest.raises(forms.ValidationError):
        read_figure("150", rule())


@pytest.mark.parametrize(
    ("value", "shown"), [("-0.5", "-0,5"), ("-1234.5", "-1.234,5"), ("-3.0000", "-3")]
)
def test_a_negative_figure_is_shown_back_with_its_sign(value, shown):
    assert figure_text(Decimal(value)) == shown


@pytest.mark.django_db
def test_a_negative_actual_passes_full_clean():
    indicator = f.indicator(f.plan(), unit="%", allows_negative=True)
    actual = Actual(indicator=indicator, year=2013, value=Decimal("-3.5"))
    actual.full_clean()
    actual.save()
    assert Actual.objects.get().value == Decimal("-3.5")


# Through the screens people use: the entry form and the upload.


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["staff_a"])
    return client


@pytest.fixture
def growth(world):
    return f.indicator(
        world.plan_a,
        code="VT-4",
        section=world.percent.section,
        name="Tăng trưởng doanh thu",
        unit="%",
        aggregation=Indicator.Aggregation.YEARLY_RATE,
        allows_negative=True,
        position=4,
    )


def post_entry(client, world, values):
    data = {}
    for indicator in world.plan_a.indicators.all():
        data[f"i{indicator.pk}-version"] = 0
    for indicator, value in values.items():
        data[f"i{indicator.pk}-value"] = value
    url = reverse("indicators:entry", args=[world.plan_a.slug, 2013])
    return client.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["-3", "\u22123", "-3%"])
def test_entry_screen_saves_a_negative_growth_rate(staff, world, growth, typed):
    response = post_entry(staff, world, {growth: typed})
    assert response.status_code == 302
    assert Actual.objects.get(indicator=growth).value == Decimal("-3")


@pytest.mark.django_db
def test_entry_screen_saves_a_growth_rate_above_100_percent(staff, world, growth):
    response = post_entry(staff, world, {growth: "150"})
    assert response.status_code == 302
    assert Actual.objects.get(indicator=growth).value == Decimal("150")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["VT-1", "VT-2"])
def test_entry_screen_refuses_a_negative_share_or_count(staff, world, growth, code):
    indicator = world.plan_a.indicators.get(code=code)
    response = post_entry(staff, world, {indicator: "-3"})
    assert response.status_code == 400
    assert "Số liệu không được âm." in response.content.decode()
    assert not Actual.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-3, "-3", "\u22123,5"])
def test_upload_saves_a_negative_growth_rate(staff, world, growth, value):
    book = template(staff, world)
    fill(book, "VT-4", "Thực hiện", value)
    preview = upload(staff, world, as_upload(book))
    assert preview.context["preview"].errors == []
    confirm(staff, world, preview)
    expected = Decimal("-3.5") if value == "\u22123,5" else Decimal("-3")
    assert Actual.objects.get(indicator=growth).value == expected


@pytest.mark.django_db
def test_upload_saves_a_negative_percent_cell_on_a_growth_rate(staff, world, growth):
    book = template(staff, world)
    fill(book, "VT-4", "Thực hiện", -0.03)
    sheet = book["Chỉ tiêu"]
    next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "VT-4")[6].number_format = "0%"
    confirm(staff, world, upload(staff, world, as_upload(book)))
    assert Actual.objects.get(indicator=growth).value == Decimal("-3")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-3, "-3", "\u22123"])
def test_upload_refuses_a_negative_count(staff, world, growth, value):
    book = template(staff, world)
    fill(book, "VT-2", "Thực hiện", value)
    response = upload(staff, world, as_upload(book))
    assert response.status_code == 400
    errors = response.context["preview"].errors
    assert any(
        e.startswith("Trang “Chỉ tiêu”, dòng 3, cột “Thực hiện”") and "không được âm" in e
        for e in errors
    ), errors
    assert not Actual.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["-10", "\u221210"])
def test_money_stays_non_negative(staff, world, typed):
    key = f"d{world.line.pk}-{world.source.pk}"
    url = reverse("budgets:entry", args=[world.plan_a.slug, 2013])
    response = staff.post(url, {f"{key}-amount": typed, f"{key}-version": 0})
    assert response.status_code == 400
    assert "không được âm" in response.content.decode()
    book = template(staff, world)
    book["Giải ngân"]["F2"] = typed
    assert upload(staff, world, as_upload(book)).status_code == 400
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN"])
def test_a_figure_beyond_any_number_is_refused_by_name(value):
    # A cell of 1e308 and more reads as infinity from a workbook: refused, never a 500.
    from django import forms

    from plans.numbers import check_figure

    with pytest.raises(forms.ValidationError, match="chữ số|digits"):
        check_figure(Decimal(value), FigureRule(negative=True))

"""The baselines page (Số liệu gốc): who may record an indicator's starting figure, Vietnamese
numbers, all-or-nothing saves, concurrent edits and the history of each change."""

from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from indicators.models import Indicator
from indicators.services import BaselineInput, baselines_save
from plans.workflow import EditConflict, EntryRefused
from tests import factories as f

pytestmark = pytest.mark.django_db


def url(world):
    return reverse("indicators:baselines", args=[world.plan_a.slug])


def version(indicator) -> int:
    last = Indicator.history.filter(id=indicator.pk).order_by("-history_id").first()
    return last.history_id if last else 0


def form_data(world, **values):
    """Return the page as a user would send it; `values` maps indicator code → fields."""
    data = {}
    for indicator in (world.percent, world.count):
        indicator.refresh_from_db()
        prefix = f"b{indicator.pk}"
        data[f"{prefix}-value"] = (
            f"{indicator.baseline_value:f}".replace(".", ",")
            if indicator.baseline_value is not None
            else ""
        )
        data[f"{prefix}-year"] = indicator.baseline_year or ""
        data[f"{prefix}-source"] = indicator.baseline_source
        data[f"{prefix}-version"] = version(indicator)
        for field, value in values.get(indicator.code, {}).items():
            data[f"{prefix}-{field}"] = value
    return data


def save(client, world, **values):
    return client.post(url(world), form_data(world, **values))


def baseline(indicator):
    indicator.refresh_from_db()
    return indicator.baseline_value, indicator.baseline_year, indicator.baseline_source


# ------------------------------------------------------------------------------- who may do what


def test_staff_records_a_baseline_in_vietnamese_notation(world, as_user):
    response = save(
        as_user(world.users["staff_a"]),
        world,
        **{
            "VT-1": {"value": "25,4", "year": "2010", "source": "Niên giám thống kê 2010"},
            "VT-2": {"value": "1.234", "year": "2010"},
        },
    )
    assert response.status_code == 302
    assert baseline(world.percent) == (Decimal("25.4"), 2010, "Niên giám thống kê 2010")
    assert baseline(world.count) == (Decimal("1234"), 2010, "")


def test_each_change_is_recorded_in_history_with_its_user(world, as_user):
    save(as_user(world.users["staff_a"]), world, **{"VT-1": {"value": "20", "year": "2010"}})
    record = Indicator.history.filter(id=world.percent.pk).latest("history_id")
    assert (record.baseline_value, record.history_user.username) == (Decimal("20"), "staff_a")


def test_administrator_records_a_baseline(world, as_user):
    response = save(
        as_user(world.users["admin"]), world, **{"VT-2": {"value": "7", "year": "2011"}}
    )
    assert response.status_code == 302
    assert baseline(world.count) == (Decimal("7"), 2011, "")


@pytest.mark.parametrize("role", ["leader_a", "national"])
def test_leaders_see_baselines_read_only(world, as_user, role):
    world.percent.baseline_value, world.percent.baseline_year = Decimal("25.4"), 2010
    world.percent.save()
    client = as_user(world.users[role])
    page = client.get(url(world))
    assert page.status_code == 200
    content = page.content.decode()
    assert "25,4" in content and "disabled" in content
    assert 'data-testid="save"' not in content
    response = save(client, world, **{"VT-1": {"value": "30", "year": "2010"}})
    assert response.status_code == 403
    assert baseline(world.percent) == (Decimal("25.4"), 2010, "")


def test_other_province_gets_not_found(world, as_user):
    client = as_user(world.users["staff_b"])
    assert client.get(url(world)).status_code == 404
    response = save(client, world, **{"VT-1": {"value": "30", "year": "2010"}})
    assert response.status_code == 404
    assert baseline(world.percent) == (None, None, "")


def test_page_title_and_rows(world, as_user):
    content = as_user(world.users["staff_a"]).get(url(world)).content.decode()
    assert "Số liệu gốc (hiện trạng)" in content
    assert 'data-indicator="VT-1"' in content and 'data-indicator="VT-2"' in content
    assert 'data-indicator="VT-3"' not in content  # qualitative objectives have no baseline


def test_dashboard_links_to_the_baselines_page(world, as_user):
    dashboard = reverse("plans:plan-dashboard", args=[world.plan_a.slug])
    content = as_user(world.users["leader_a"]).get(dashboard).content.decode()
    assert url(world) in content


def test_crafted_fields_of_another_plan_are_ignored(world, as_user):
    data = form_data(world)
    key = f"b{world.b_indicator.pk}"
    data |= {f"{key}-value": "5", f"{key}-year": "2010", f"{key}-version": 0}
    assert as_user(world.users["staff_a"]).post(url(world), data).status_code == 302
    assert baseline(world.b_indicator) == (None, None, "")


# ----------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": "20"}, "cần có năm"),
        ({"value": "20", "year": "2016"}, "từ 1990 đến 2015"),
        ({"value": "20", "year": "1989"}, "từ 1990 đến 2015"),
        ({"value": "20", "year": "2.010"}, "từ 1990 đến 2015"),
        ({"value": "abc", "year": "2010"}, "không phải là số"),
        ({"value": "-5", "year": "2010"}, "không được âm"),
        ({"value": "101", "year": "2010"}, "từ 0 đến 100"),
        ({"value": "1.5", "year": "2010"}, "dấu chấm chỉ dùng để tách hàng nghìn"),
        ({"year": "2010"}, "Nhập số liệu gốc"),
        ({"source": "Sở TT&TT"}, "Nhập số liệu gốc"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, as_user, fields, message):
    response = save(
        as_user(world.users["staff_a"]),
        world,
        **{"VT-1": fields, "VT-2": {"value": "7", "year": "2010"}},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Chưa lưu gì" in content
    assert baseline(world.count) == (None, None, "")  # the valid row is not saved either
    assert baseline(world.percent) == (None, None, "")


def test_negative_baseline_allowed_for_growth_rates(world, as_user):
    world.count.allows_negative = True
    world.count.save()
    response = save(
        as_user(world.users["staff_a"]), world, **{"VT-2": {"value": "-3,5", "year": "2010"}}
    )
    assert response.status_code == 302
    assert baseline(world.count)[0] == Decimal("-3.5")


def test_a_baseline_can_be_cleared(world, as_user):
    client = as_user(world.users["staff_a"])
    save(client, world, **{"VT-1": {"value": "20", "year": "2010", "source": "Điều tra"}})
    response = save(client, world, **{"VT-1": {"value": "", "year": "", "source": ""}})
    assert response.status_code == 302
    assert baseline(world.percent) == (None, None, "")


def test_unchanged_rows_are_not_rewritten(world, as_user):
    client = as_user(world.users["staff_a"])
    save(client, world, **{"VT-1": {"value": "20", "year": "2010"}})
    before = Indicator.history.count()
    assert save(client, world).status_code == 302
    assert Indicator.history.count() == before


# ----------------------------------------------------------------------- concurrent edits, history


def test_second_editor_does_not_silently_overwrite_the_first(world, as_user):
    client = as_user(world.users["staff_a"])
    stale = form_data(world, **{"VT-1": {"value": "30", "year": "2010"}})  # loaded by both
    save(client, world, **{"VT-1": {"value": "20", "year": "2010"}})
    response = client.post(url(world), stale)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Someone else" not in content and "thay đổi trong lúc" in content
    assert baseline(world.percent)[0] == Decimal("20")
    # The refreshed page carries the new version: saving again overwrites deliberately.
    refreshed = form_data(world, **{"VT-1": {"value": "30", "year": "2010"}})
    assert client.post(url(world), refreshed).status_code == 302
    assert baseline(world.percent)[0] == Decimal("30")


def test_a_change_to_other_fields_meanwhile_is_no_conflict(world, as_user):
    client = as_user(world.users["staff_a"])
    stale = form_data(world, **{"VT-1": {"value": "30", "year": "2010"}})
    world.percent.name = "Tỷ lệ người dùng Internet"
    world.percent.save()  # an administrator renames it meanwhile
    assert client.post(url(world), stale).status_code == 302
    assert baseline(world.percent)[0] == Decimal("30")


def test_page_shows_the_last_change_who_when_and_previous_value(world, as_user):
    save(as_user(world.users["admin"]), world, **{"VT-1": {"value": "20", "year": "2010"}})
    save(as_user(world.users["staff_a"]), world, **{"VT-1": {"value": "25,4", "year": "2011"}})
    row = next(
        r
        for r in as_user(world.users["leader_a"]).get(url(world)).context["rows"]
        if r.indicator.pk == world.percent.pk
    )
    change = row.last_change
    assert change.who.username == "staff_a"
    assert (change.previous_value, change.previous_year) == (Decimal("20"), 2010)
    content = as_user(world.users["leader_a"]).get(url(world)).content.decode()
    assert "staff_a" in content and "20 (2010)" in content


def test_page_query_count_does_not_grow(world, as_user, django_assert_max_num_queries):
    for number in range(4):
        f.target(f.indicator(world.plan_a, code=f"X-{number}", unit="%"), year=2015)
    client = as_user(world.users["staff_a"])
    for value in ("1", "2", "3"):
        save(
            client,
            world,
            **{"VT-1": {"value": value, "year": "2010"}, "VT-2": {"value": value, "year": "2010"}},
        )
    # session, user, membership, the provinces merged into the user's, permissions (user +
    # group), plan, indicators with sections, their targets, their history with users, and
    # the navigation bar's inbox count (the user's plan-years, unread notices).
    with django_assert_max_num_queries(12):
        response = client.get(url(world))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 6


# ------------------------------------------------------------------------------------- service


def test_service_refuses_a_year_after_the_plan(world):
    row = BaselineInput(
        indicator=world.percent,
        value=Decimal("1"),
        year=2016,
        source="",
        version=version(world.percent),
    )
    with pytest.raises(EntryRefused):
        baselines_save(plan=world.plan_a, user=world.users["staff_a"], rows=[row])
    assert baseline(world.percent) == (None, None, "")


def test_service_refuses_a_negative_figure_where_none_is_allowed(world):
    row = BaselineInput(
        indicator=world.count,
        value=Decimal("-1"),
        year=2010,
        source="",
        version=version(world.count),
    )
    with pytest.raises(EntryRefused):
        baselines_save(plan=world.plan_a, user=world.users["staff_a"], rows=[row])


def test_service_records_the_user_without_a_request(world):
    row = BaselineInput(
        indicator=world.count,
        value=Decimal("5"),
        year=2010,
        source="",
        version=version(world.count),
    )
    assert baselines_save(plan=world.plan_a, user=world.users["admin"], rows=[row]) == 1
    assert (
        Indicator.history.filter(id=world.count.pk).latest("history_id").history_user
        == (world.users["admin"])
    )


def test_service_reports_a_stale_version(world):
    stale = version(world.count)
    world.count.baseline_value, world.count.baseline_year = Decimal("9"), 2010
    world.count.save()
    row = BaselineInput(
        indicator=world.count, value=Decimal("5"), year=2010, source="", version=stale
    )
    with pytest.raises(EditConflict):
        baselines_save(plan=world.plan_a, user=world.users["staff_a"], rows=[row])
    assert baseline(world.count)[0] == Decimal("9")


def test_the_page_saves_when_versions_pass_a_thousand(world, as_user):
    # Versions are history ids: in production they soon pass 999, and a hidden "1.234" (the
    # Vietnamese thousands dot) was refused as not a number, so nothing could be saved again.
    history = Indicator.history.filter(id=world.percent.pk)
    history.update(history_id=F("history_id") + 123_456)
    client = as_user(world.users["staff_a"])
    page = client.get(reverse("indicators:baselines", args=[world.plan_a.slug]))
    assert f'value="{version(world.percent)}"' in page.content.decode()
    response = client.post(
        reverse("indicators:baselines", args=[world.plan_a.slug]),
        {
            **{f"b{i.pk}-version": version(i) for i in (world.percent, world.count)},
            f"b{world.percent.pk}-value": "25,4",
            f"b{world.percent.pk}-year": "2010",
        },
    )
    assert response.status_code == 302
    world.percent.refresh_from_db()
    assert world.percent.baseline_value == Decimal("25.4")

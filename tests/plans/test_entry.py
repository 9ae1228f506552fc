"""The yearly entry screens: Vietnamese numbers, all-or-nothing saves, the approval workflow,
concurrent edits and the audit trail."""

import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import Disbursement
from indicators.models import Actual
from plans.models import PlanYear

pytestmark = pytest.mark.django_db


def entry_url(world, year=2013):
    return reverse("indicators:entry", args=[world.plan_a.slug, year])


def budget_url(world, year=2013):
    return reverse("budgets:entry", args=[world.plan_a.slug, year])


def form_data(world, **values):
    """Return the entry form as a user would send it; `values` maps indicator code → fields."""
    data = {}
    for indicator in (world.percent, world.count, world.qualitative):
        current = indicator.actuals.filter(year=2013).first()
        data[f"i{indicator.pk}-version"] = current.version if current else 0
        for field, value in values.get(indicator.code, {}).items():
            data[f"i{indicator.pk}-{field}"] = value
    return data


def budget_data(world, amount="", version=None):
    current = Disbursement.objects.filter(line=world.line, year=2013).first()
    key = f"d{world.line.pk}-{world.source.pk}"
    return {
        f"{key}-amount": amount,
        f"{key}-version": version if version is not None else (current.version if current else 0),
    }


def save(client, world, **values):
    return client.post(entry_url(world), form_data(world, **values))


def test_staff_save_vietnamese_numbers_as_drafts(world, as_user):
    client = as_user(world.users["staff_a"])
    response = save(
        client,
        world,
        **{
            "VT-1": {"value": "85,5%", "note": "Số liệu VNPT", "evidence": "http://x/1"},
            "VT-2": {"value": "1.234"},
            "VT-3": {"progress": "in_progress"},
        },
    )
    assert response.status_code == 302
    figures = {a.indicator.code: a for a in Actual.objects.select_related("indicator")}
    assert figures["VT-1"].value == Decimal("85.5")
    assert (figures["VT-1"].note, figures["VT-1"].evidence) == ("Số liệu VNPT", "http://x/1")
    assert figures["VT-2"].value == Decimal("1234")
    assert figures["VT-3"].progress == "in_progress"
    assert {a.status for a in figures.values()} == {Actual.Status.DRAFT}
    assert figures["VT-1"].entered_by == world.users["staff_a"]


def test_entry_screen_shows_targets_last_year_and_vietnamese_figures(world, as_user):
    from tests import factories as f

    f.actual(world.count, year=2012, value="1234.5")
    response = as_user(world.users["staff_a"]).get(entry_url(world))
    content = response.content.decode()
    assert "trên 90%" in content
    assert "mốc 2015" in content  # the 2015 target, labelled as the next milestone
    assert "1.234,5" in content  # last year's figure in Vietnamese notation
    assert "2.013" not in content  # years are never grouped like numbers


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("VT-1", "101", "từ 0 đến 100"),
        ("VT-1", "abc", "không phải là số"),
        ("VT-2", "-5", "không được âm"),
        ("VT-2", "1,234", "không rõ nghĩa"),
        ("VT-2", "1.5", "dấu chấm chỉ dùng để tách hàng nghìn"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(
    world, as_user, code, typed, message
):
    client = as_user(world.users["staff_a"])
    response = save(
        client,
        world,
        **{"VT-3": {"progress": "done"}, code: {"value": typed}},
        **({"VT-1": {"value": "50"}} if code != "VT-1" else {"VT-2": {"value": "7"}}),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert f'value="{typed}"' in content  # what the user typed stays in the form
    assert Actual.objects.count() == 0  # all or nothing


def test_note_without_a_figure_is_refused(world, as_user):
    response = save(as_user(world.users["staff_a"]), world, **{"VT-1": {"note": "chưa có"}})
    assert response.status_code == 400
    assert Actual.objects.count() == 0


def test_a_year_outside_the_plan_is_refused(world, as_user):
    client = as_user(world.users["staff_a"])
    response = client.get(entry_url(world, year=2030))
    assert response.status_code == 404
    assert "Năm 2030 nằm ngoài thời kỳ của văn bản" in response.content.decode()
    assert client.post(entry_url(world, year=2030), {}).status_code == 404
    assert Actual.objects.count() == 0


def test_negative_disbursement_is_refused_and_nothing_written(world, as_user):
    client = as_user(world.users["staff_a"])
    response = client.post(budget_url(world), budget_data(world, "-10"))
    assert response.status_code == 400
    assert "không được âm" in response.content.decode()
    assert not Disbursement.objects.exists()


def test_disbursement_saved_in_million_dong(world, as_user):
    client = as_user(world.users["staff_a"])
    response = client.post(budget_url(world), budget_data(world, "1.234,5"))
    assert response.status_code == 302
    disbursement = Disbursement.objects.get()
    assert (disbursement.amount, disbursement.year, disbursement.status) == (
        Decimal("1234.5"),
        2013,
        Disbursement.Status.DRAFT,
    )
    page = client.get(budget_url(world)).content.decode()
    assert "1.000" in page  # planned 1000 for 2011-2015, shown in Vietnamese notation


def plan_year(world):
    return PlanYear.objects.get(plan=world.plan_a, year=2013)


def workflow(client, world, action, **data):
    return client.post(reverse(f"plans:{action}", args=[world.plan_a.slug, 2013]), data)


def test_draft_submitted_approved_locked(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    staff.post(budget_url(world), budget_data(world, "500"))
    workflow(staff, world, "submit")
    assert plan_year(world).status == PlanYear.Status.SUBMITTED
    assert set(Actual.objects.values_list("status", flat=True)) == {"submitted"}
    assert set(Disbursement.objects.values_list("status", flat=True)) == {"submitted"}
    # Submitted figures are locked for staff until reviewed.
    save(staff, world, **{"VT-1": {"value": "81"}})
    assert Actual.objects.get().value == Decimal("80")

    leader = as_user(world.users["leader_a"])
    workflow(leader, world, "approve")
    assert plan_year(world).status == PlanYear.Status.APPROVED
    assert set(Actual.objects.values_list("status", flat=True)) == {"approved"}

    staff = as_user(world.users["staff_a"])
    page = staff.get(entry_url(world)).content.decode()
    assert "disabled" in page and 'data-testid="save"' not in page
    response = save(staff, world, **{"VT-1": {"value": "99"}})
    assert response.status_code == 400
    assert "đã bị khóa" in response.content.decode()
    assert Actual.objects.get().value == Decimal("80")


def test_returned_edited_resubmitted(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    workflow(staff, world, "submit")
    leader = as_user(world.users["leader_a"])
    workflow(leader, world, "return", comment="Kiểm tra lại tỷ lệ Internet")
    assert plan_year(world).status == PlanYear.Status.RETURNED
    assert plan_year(world).comment == "Kiểm tra lại tỷ lệ Internet"

    staff = as_user(world.users["staff_a"])
    assert "Kiểm tra lại tỷ lệ Internet" in staff.get(entry_url(world)).content.decode()
    save(staff, world, **{"VT-1": {"value": "82"}})
    assert Actual.objects.get().value == Decimal("82")
    workflow(staff, world, "submit")
    assert plan_year(world).status == PlanYear.Status.SUBMITTED


def test_return_needs_a_comment(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    workflow(staff, world, "submit")
    workflow(as_user(world.users["leader_a"]), world, "return", comment="  ")
    assert plan_year(world).status == PlanYear.Status.SUBMITTED


def test_reopen_with_a_reason_unlocks_approved_figures(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    workflow(staff, world, "submit")
    leader = as_user(world.users["leader_a"])
    workflow(leader, world, "approve")
    workflow(leader, world, "reopen", reason="")
    assert plan_year(world).status == PlanYear.Status.APPROVED
    workflow(leader, world, "reopen", reason="Số liệu VNPT điều chỉnh")
    assert plan_year(world).status == PlanYear.Status.RETURNED
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "83"}})
    assert Actual.objects.get().value == Decimal("83")


def test_submitting_nothing_is_refused(world, as_user):
    workflow(as_user(world.users["staff_a"]), world, "submit")
    assert not PlanYear.objects.filter(status=PlanYear.Status.SUBMITTED).exists()


def test_approving_a_draft_is_refused(world, as_user):
    save(as_user(world.users["staff_a"]), world, **{"VT-1": {"value": "80"}})
    workflow(as_user(world.users["leader_a"]), world, "approve")
    assert plan_year(world).status == PlanYear.Status.DRAFT


def test_second_editor_does_not_silently_overwrite_the_first(world, as_user):
    first = as_user(world.users["staff_a"])
    stale_form = form_data(world, **{"VT-1": {"value": "70"}})  # both load the page now
    save(first, world, **{"VT-1": {"value": "80"}})
    response = first.post(entry_url(world), stale_form)
    assert response.status_code == 400
    content = response.content.decode()
    assert "80" in content and "70" in content  # both values shown
    assert Actual.objects.get().value == Decimal("80")
    # Saving again from the refreshed form overwrites deliberately.
    refreshed = form_data(world, **{"VT-1": {"value": "70"}})
    assert first.post(entry_url(world), refreshed).status_code == 302
    assert Actual.objects.get().value == Decimal("70")


def test_concurrent_disbursement_edit_is_detected(world, as_user):
    client = as_user(world.users["staff_a"])
    client.post(budget_url(world), budget_data(world, "100"))
    response = client.post(budget_url(world), budget_data(world, "200", version=0))
    assert response.status_code == 400
    assert Disbursement.objects.get().amount == Decimal("100")


def test_unchanged_rows_are_not_rewritten(world, as_user):
    client = as_user(world.users["staff_a"])
    save(client, world, **{"VT-1": {"value": "80"}})
    save(client, world, **{"VT-1": {"value": "80"}})
    assert Actual.objects.get().version == 1
    assert Actual.history.count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0,00001", "tối đa 4 chữ số thập phân"),
        ("123.456.789.012.345.678.901", "tối đa 16 chữ số"),
    ],
)
def test_a_figure_too_precise_or_too_large_is_a_field_error_not_a_crash(
    world, as_user, typed, message
):
    client = as_user(world.users["staff_a"])
    response = save(client, world, **{"VT-2": {"value": typed}, "VT-1": {"value": "50"}})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Actual.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0,12345", "tối đa 4 chữ số thập phân"),
        ("123.456.789.012.345.678.901", "tối đa 16 chữ số"),
    ],
)
def test_an_amount_too_precise_or_too_large_is_a_field_error_not_a_crash(
    world, as_user, typed, message
):
    client = as_user(world.users["staff_a"])
    response = client.post(budget_url(world), budget_data(world, typed))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Disbursement.objects.exists()


def test_a_long_return_comment_is_kept_whole_in_the_figures_history(world, as_user):
    # PostgreSQL refused change reasons over 100 characters (a 500 for the leader).
    comment = "Số liệu tỷ lệ Internet chưa khớp với báo cáo của doanh nghiệp viễn thông; " * 4
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    workflow(staff, world, "submit")
    response = workflow(as_user(world.users["leader_a"]), world, "return", comment=comment)
    assert response.status_code == 302
    assert plan_year(world).status == PlanYear.Status.RETURNED
    latest = Actual.history.latest("history_date")
    assert latest.history_change_reason == comment.strip()


def test_a_comment_over_the_limit_is_refused_and_changes_nothing(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    workflow(staff, world, "submit")
    response = workflow(as_user(world.users["leader_a"]), world, "return", comment="x" * 2001)
    assert response.status_code == 302
    assert plan_year(world).status == PlanYear.Status.SUBMITTED
    assert Actual.objects.get().status == Actual.Status.SUBMITTED


@pytest.mark.parametrize("field", ["note", "evidence"])
def test_a_note_over_the_limit_is_a_field_error_and_nothing_is_written(world, as_user, field):
    client = as_user(world.users["staff_a"])
    response = save(client, world, **{"VT-1": {"value": "50", field: "x" * 2001}})
    assert response.status_code == 400
    assert "2000" in response.content.decode()
    assert Actual.objects.count() == 0


def test_typed_text_is_stored_composed_and_without_invisible_characters(world, as_user):
    decomposed = unicodedata.normalize("NFD", "Đã kiểm tra số liệu")
    client = as_user(world.users["staff_a"])
    save(client, world, **{"VT-1": {"value": "50", "note": f"\u200b{decomposed}\ufeff"}})
    assert Actual.objects.get().note == "Đã kiểm tra số liệu"


def test_a_reason_of_only_invisible_characters_is_blank(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    workflow(staff, world, "submit")
    workflow(as_user(world.users["leader_a"]), world, "return", comment="\u200b \u200b")
    assert plan_year(world).status == PlanYear.Status.SUBMITTED


def test_history_reasons_are_words_not_codes(world, as_user):
    staff = as_user(world.users["staff_a"])
    save(staff, world, **{"VT-1": {"value": "80"}})
    workflow(staff, world, "submit")
    workflow(as_user(world.users["leader_a"]), world, "approve")
    reasons = list(
        Actual.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == [None, "Gửi duyệt", "Đã duyệt"]


def test_a_figure_saved_a_thousand_times_can_still_be_saved(world, as_user):
    # The hidden version is written without the thousands dot: "1.234" is not a whole number.
    client = as_user(world.users["staff_a"])
    save(client, world, **{"VT-1": {"value": "50"}})
    Actual.objects.filter(indicator=world.percent).update(version=1234)
    assert 'value="1234"' in client.get(entry_url(world)).content.decode()
    assert save(client, world, **{"VT-1": {"value": "51"}}).status_code == 302
    assert Actual.objects.get().value == Decimal("51")

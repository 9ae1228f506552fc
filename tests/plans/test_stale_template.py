"""A progress template filled from an old download never silently overwrites a newer figure.

The template carries each row's version. A row someone saved after the download is a conflict
when the file changes it (both values shown, written only when the person ticks it), and no
change at all when the file still holds what was downloaded.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import Disbursement
from budgets.services import DisbursementInput, disbursements_save
from indicators.models import Actual
from indicators.services import ActualInput, actuals_save
from plans.spreadsheets.progress import VERSION_HEADER
from tests import factories as f
from tests.plans.test_progress_upload import as_upload, fill, snapshot, template, upload

pytestmark = pytest.mark.django_db

YEAR = 2013


@pytest.fixture
def colleague(world):
    """Staff B of the same province, who saves on the entry screen while A fills the file."""
    return f.user(f.STAFF, world.province_a, "staff_b_hg")


def save_on_entry_screen(user, world, indicator, value, **fields):
    """Save one figure as the entry screen does: from the version now stored."""
    current = Actual.objects.filter(indicator=indicator, year=YEAR).first()
    row = ActualInput(
        indicator=indicator,
        value=Decimal(value),
        progress="",
        note=fields.get("note", current.note if current else ""),
        evidence="",
        version=current.version if current else 0,
    )
    actuals_save(plan=world.plan_a, year=YEAR, user=user, rows=[row])


def confirm(client, world, preview_response, overwrite=()):
    payload = preview_response.context["preview"].payload
    url = reverse("plans:progress-upload", args=[world.plan_a.slug, YEAR])
    return client.post(url, {"payload": payload, "overwrite": list(overwrite)})


def preview_row(response, code):
    return next(row for row in response.context["preview"].rows if row.label.startswith(code))


def value_of(indicator):
    return Actual.objects.get(indicator=indicator, year=YEAR).value


@pytest.fixture
def downloaded(as_user, world, colleague):
    """A holds a template in which VT-2 is 12; B then saves VT-2 = 77 on the entry screen."""
    staff = world.users["staff_a"]
    save_on_entry_screen(staff, world, world.count, "12")
    client = as_user(staff)
    book = template(client, world)
    save_on_entry_screen(colleague, world, world.count, "77")
    return client, book


def test_template_carries_each_rows_version(as_user, world):
    f.actual(world.count, year=YEAR, value="12", version=3)
    book = template(as_user(world.users["staff_a"]), world)
    sheet = book["Chỉ tiêu"]
    header = [c.value for c in sheet[1]]
    column = header.index(VERSION_HEADER)
    versions = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert versions == {"VT-1": 0, "VT-2": 3, "VT-3": 0}


def test_a_row_unchanged_in_the_file_keeps_the_newer_figure(world, downloaded):
    """The reproduction: A fills another row only; B's 77 stays, A's figure is written."""
    client, book = downloaded
    fill(book, "VT-1", "Thực hiện", 70)
    preview = upload(client, world, as_upload(book))
    shown = preview.context["preview"]
    assert shown.errors == []
    assert shown.changed_count == 1
    assert not preview_row(preview, "VT-2").changed
    confirm(client, world, preview)
    assert value_of(world.count) == Decimal("77")
    assert value_of(world.percent) == Decimal("70")


def test_a_row_changed_in_the_file_and_since_the_download_is_a_conflict(world, downloaded):
    client, book = downloaded
    fill(book, "VT-2", "Thực hiện", 15)
    preview = upload(client, world, as_upload(book))
    row = preview_row(preview, "VT-2")
    assert (row.conflict, row.old, row.new, row.saved_by) == (True, "77", "15", "staff_b_hg")
    assert preview.context["preview"].changed_count == 0
    page = preview.content.decode()
    assert "staff_b_hg" in page and 'name="overwrite"' in page


def test_a_conflict_is_not_written_unless_chosen(world, downloaded):
    client, book = downloaded
    fill(book, "VT-1", "Thực hiện", 70)
    fill(book, "VT-2", "Thực hiện", 15)
    confirm(client, world, upload(client, world, as_upload(book)))
    assert value_of(world.count) == Decimal("77")
    assert value_of(world.percent) == Decimal("70")


def test_a_ticked_conflict_overwrites_the_newer_figure(world, downloaded):
    client, book = downloaded
    fill(book, "VT-2", "Thực hiện", 15)
    preview = upload(client, world, as_upload(book))
    done = confirm(client, world, preview, overwrite=[preview_row(preview, "VT-2").key])
    assert done.status_code == 302
    assert value_of(world.count) == Decimal("15")


def test_overwriting_keeps_what_the_file_did_not_change(world, colleague, downloaded):
    """B's note survives when A overwrites only the figure."""
    client, book = downloaded
    save_on_entry_screen(colleague, world, world.count, "77", note="Theo Viettel")
    fill(book, "VT-2", "Thực hiện", 15)
    preview = upload(client, world, as_upload(book))
    confirm(client, world, preview, overwrite=[preview_row(preview, "VT-2").key])
    actual = Actual.objects.get(indicator=world.count, year=YEAR)
    assert (actual.value, actual.note) == (Decimal("15"), "Theo Viettel")


def test_a_figure_created_since_the_download_is_a_conflict(as_user, world, colleague):
    client = as_user(world.users["staff_a"])
    book = template(client, world)  # VT-1 has no figure: version 0
    save_on_entry_screen(colleague, world, world.percent, "40")
    fill(book, "VT-1", "Thực hiện", 70)
    preview = upload(client, world, as_upload(book))
    row = preview_row(preview, "VT-1")
    assert (row.conflict, row.old, row.new) == (True, "40", "70")
    confirm(client, world, preview)
    assert value_of(world.percent) == Decimal("40")


def test_a_save_between_preview_and_confirm_writes_nothing(world, colleague, downloaded):
    client, book = downloaded
    fill(book, "VT-1", "Thực hiện", 70)
    fill(book, "VT-2", "Thực hiện", 15)
    preview = upload(client, world, as_upload(book))
    save_on_entry_screen(colleague, world, world.count, "78")
    before = snapshot()
    done = confirm(client, world, preview, overwrite=[preview_row(preview, "VT-2").key])
    assert snapshot() == before
    page = client.get(done.url).content.decode()
    assert "Chưa lưu gì" in page and "VT-2" in page


def test_a_template_without_the_version_column_uploads_as_before(world, downloaded):
    """A template downloaded before versions were written: its rows are ordinary changes."""
    client, book = downloaded
    sheet = book["Chỉ tiêu"]
    header = [c.value for c in sheet[1]]
    sheet.delete_cols(header.index(VERSION_HEADER) + 1)
    fill(book, "VT-2", "Thực hiện", 15)
    preview = upload(client, world, as_upload(book))
    row = preview_row(preview, "VT-2")
    assert preview.context["preview"].errors == []
    assert (row.conflict, row.changed, row.old, row.new) == (False, True, "77", "15")
    confirm(client, world, preview)
    assert value_of(world.count) == Decimal("15")


def test_an_edited_version_is_refused(as_user, world):
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    fill(book, "VT-2", VERSION_HEADER, "mới")
    response = upload(client, world, as_upload(book))
    assert response.status_code == 400
    assert any("Phiên bản" in error for error in response.context["preview"].errors)


def test_a_disbursement_changed_since_the_download_is_a_conflict(as_user, world, colleague):
    staff = world.users["staff_a"]
    f.disbursement(world.line, amount="100", year=YEAR, source=world.source)
    client = as_user(staff)
    book = template(client, world)
    current = Disbursement.objects.get()
    row = DisbursementInput(
        line=world.line, source=world.source, amount=Decimal("300"), version=current.version
    )
    disbursements_save(plan=world.plan_a, year=YEAR, user=colleague, rows=[row])
    book["Giải ngân"]["F2"] = 250
    preview = upload(client, world, as_upload(book))
    shown = next(r for r in preview.context["preview"].rows if r.sheet == "Giải ngân")
    assert (shown.conflict, shown.old, shown.new, shown.saved_by) == (
        True,
        "300",
        "250",
        "staff_b_hg",
    )
    confirm(client, world, preview)
    assert Disbursement.objects.get().amount == Decimal("300")
    confirm(client, world, preview, overwrite=[shown.key])
    assert Disbursement.objects.get().amount == Decimal("250")


def test_an_unchanged_disbursement_keeps_the_newer_amount(as_user, world, colleague):
    f.disbursement(world.line, amount="100", year=YEAR, source=world.source)
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    current = Disbursement.objects.get()
    row = DisbursementInput(
        line=world.line, source=world.source, amount=Decimal("300"), version=current.version
    )
    disbursements_save(plan=world.plan_a, year=YEAR, user=colleague, rows=[row])
    fill(book, "VT-1", "Thực hiện", 70)
    confirm(client, world, upload(client, world, as_upload(book)))
    assert Disbursement.objects.get().amount == Decimal("300")


def preview_queries(client, world, book) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, world, as_upload(book))
    assert response.context["preview"].conflict_count > 0
    return len(queries)


def test_conflicts_cost_one_history_query_per_sheet_whatever_their_number(
    as_user, world, colleague
):
    f.disbursement(world.line, amount="100", year=YEAR, source=world.source)
    save_on_entry_screen(world.users["staff_a"], world, world.count, "12")
    client = as_user(world.users["staff_a"])
    book = template(client, world)
    save_on_entry_screen(colleague, world, world.count, "77")
    fill(book, "VT-2", "Thực hiện", 15)
    book["Giải ngân"]["F2"] = 250
    current = Disbursement.objects.get()
    row = DisbursementInput(
        line=world.line, source=world.source, amount=Decimal("300"), version=current.version
    )
    disbursements_save(plan=world.plan_a, year=YEAR, user=colleague, rows=[row])
    one = preview_queries(client, world, book)
    save_on_entry_screen(colleague, world, world.percent, "40")
    fill(book, "VT-1", "Thực hiện", 70)
    # The same requests and a history query for each sheet, with one or two indicator conflicts.
    assert preview_queries(client, world, book) == one

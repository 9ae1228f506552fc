"""Workbook bombs: small files that unpack into gigabytes or millions of cells.

Each is refused on both upload paths (progress upload, new-plan import) before a cell is
built: status 400 with a Vietnamese message, nothing written, little memory spent.
"""

import io
import random
import re
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import Disbursement
from indicators.models import Actual, Indicator, Target
from plans.models import Plan, PlanYear

pytestmark = pytest.mark.django_db

PEAK_MEMORY = 50 * 2**20  # refusing must cost far less than building the cells would


def resaved(content: bytes) -> bytes:
    """Return the workbook as a spreadsheet saves it: a <dimension> and a shared-string table."""
    buffer = io.BytesIO()
    load_workbook(io.BytesIO(content)).save(buffer)
    return buffer.getvalue()


def sheet_part(content: bytes, title: str) -> str:
    names = load_workbook(io.BytesIO(content), read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def with_part(content: bytes, name: str, change) -> bytes:
    """Return the package with part `name` replaced by change(its bytes)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        assert name in source.namelist(), name
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data) if info.filename == name else data)
    return buffer.getvalue()


SHARED_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>'
)
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def with_shared_strings(content: bytes, table: bytes) -> bytes:
    """Return the package with a shared-string table, as Excel writes (openpyxl does not)."""
    content = with_part(content, "[Content_Types].xml", sub(rb"</Types>", SHARED_STRINGS_TYPE))
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/sharedStrings.xml", table)
    return buffer.getvalue()


def sub(pattern: bytes, replacement: bytes):
    def change(data: bytes) -> bytes:
        changed, count = re.subn(pattern, replacement, data, count=1)
        assert count == 1, pattern
        return changed

    return change


def random_letters(count: int, alphabet: bytes = b"abcdefghijklmnopqrstuvwxyz") -> bytes:
    """Return `count` random letters: deflate shrinks them little (a few times for two)."""
    table = (alphabet * 256)[:256]
    return random.Random(0).randbytes(count).translate(table)


def dimension_to_xfd(content, sheets):
    # The 11 KB file of the report: a declared used range of 16,384 columns x 5,001 rows,
    # which a streaming reader takes as the width to pad every row to.
    part = sheet_part(content, sheets["table"])
    return with_part(content, part, sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD5001"'))


def cell_at_xfd(content, sheets):
    # The same reach by one real cell, the declared range left small: the old reader built
    # every cell of A2:XFD5001 (82 million) to read the rows.
    part = sheet_part(content, sheets["table"])
    row = b'<row r="5001"><c r="XFD5001" t="inlineStr"><is><t>x</t></is></c></row>'
    return with_part(content, part, sub(rb"</sheetData>", row + b"</sheetData>"))


def info_to_last_row(content, sheets):
    # An info sheet reaching row 1.048.576: read for 18 s, then accepted.
    part = sheet_part(content, sheets["info"])
    row = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return with_part(content, part, sub(rb"</sheetData>", row + b"</sheetData>"))


def huge_shared_string(content, sheets):
    # The 1,5 MB file with one huge shared string.
    text = b"<si><t>" + random_letters(2_000_000) + b"</t></si>"
    return with_shared_strings(content, SHARED_STRINGS % text)


def absurd_ratio(content, sheets):
    # 15 MB of blanks deflate about a thousand times.
    return with_shared_strings(content, SHARED_STRINGS % (b"<si><t>x</t></si>" + b" " * 15 * 2**20))


def huge_part(content, sheets):
    # 24 MB of barely compressible text in a comment: within the ratio, beyond the size.
    comment = b"<!--" + random_letters(24 * 2**20, alphabet=b"ab") + b"-->"
    part = sheet_part(content, sheets["table"])
    return with_part(content, part, sub(rb"</sheetData>", b"</sheetData>" + comment))


def too_many_cells(content, sheets):
    # 4,900 rows x 21 cells: within rows and columns, beyond the cells a worker reads in time.
    part = sheet_part(content, sheets["table"])
    rows = b"".join(
        b'<row r="%d">' % number + b"<c><v>1</v></c>" * 21 + b"</row>"
        for number in range(100, 5000)
    )
    return with_part(content, part, sub(rb"</sheetData>", rows + b"</sheetData>"))


def entity_expansion(content, sheets):
    # The "billion laughs": a few entities that expand into gigabytes of text.
    doctype = b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
    table = (SHARED_STRINGS % b"<si><t>&b;</t></si>").replace(b"\n", b"\n" + doctype, 1)
    return with_shared_strings(content, table)


def not_a_zip(content, sheets):
    return b"%PDF-1.4 a report saved under a workbook's name"


BOMBS = {
    dimension_to_xfd: "có quá 60 cột",
    cell_at_xfd: "có quá 60 cột",
    info_to_last_row: "có quá 5000 dòng",
    huge_shared_string: "dài quá 32767 ký tự",
    absurd_ratio: "nén hơn 100 lần",
    huge_part: "giải nén ra hơn 20 MB",
    too_many_cells: "hơn 100000 ô",
    entity_expansion: "bị hỏng",
    not_a_zip: "không phải là bảng tính Excel",
}


class ProgressUpload:
    sheets = {"table": "Chỉ tiêu", "info": "Thông tin"}

    def __init__(self, as_user, world):
        self.client = as_user(world.users["staff_a"])
        self.url = reverse("plans:progress-upload", args=[world.plan_a.slug, 2013])
        template = reverse("plans:progress-template", args=[world.plan_a.slug, 2013])
        self.template = b"".join(self.client.get(template).streaming_content)

    def written(self):
        return (
            Actual.objects.count(),
            Actual.history.count(),
            Disbursement.objects.count(),
            PlanYear.objects.count(),
        )


class NewPlanImport:
    sheets = {"table": "Chỉ tiêu", "info": "Văn bản"}

    def __init__(self, as_user, world):
        self.client = as_user(world.users["admin"])
        self.url = reverse("plans:new-plan")
        exported = reverse("plans:plan-workbook", args=[world.plan_a.slug])
        book = load_workbook(io.BytesIO(b"".join(self.client.get(exported).streaming_content)))
        book["Văn bản"]["B2"] = "plan-a-copy"  # a valid new plan, but for the bomb
        buffer = io.BytesIO()
        book.save(buffer)
        self.template = buffer.getvalue()

    def written(self):
        return Plan.objects.count(), Indicator.objects.count(), Target.objects.count()


@pytest.fixture(params=[ProgressUpload, NewPlanImport], ids=["progress", "new_plan"])
def path(request, as_user, world):
    return request.param(as_user, world)


def post(path, content: bytes):
    return path.client.post(path.url, {"file": SimpleUploadedFile("bao-cao.xlsx", content)})


def test_the_untouched_template_is_accepted(path):
    response = post(path, resaved(path.template))
    assert response.context["preview"].errors == []


@pytest.mark.parametrize("bomb", BOMBS, ids=lambda bomb: bomb.__name__)
def test_a_bomb_is_refused_with_a_message_and_writes_nothing(path, bomb):
    content = bomb(resaved(path.template), path.sheets)
    assert len(content) < 10 * 2**20
    before = path.written()
    response = post(path, content)
    assert response.status_code == 400
    preview = response.context["preview"]
    assert any(BOMBS[bomb] in error for error in preview.errors), preview.errors
    assert preview.payload == ""
    assert path.written() == before


@pytest.mark.parametrize("bomb", BOMBS, ids=lambda bomb: bomb.__name__)
def test_a_bomb_is_refused_within_the_memory_budget(path, bomb):
    content = bomb(resaved(path.template), path.sheets)
    tracemalloc.start()
    try:
        response = post(path, content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert peak < PEAK_MEMORY, f"{peak / 2**20:.0f} MB"


def test_the_dimension_bomb_is_small_on_disk(path):
    assert len(dimension_to_xfd(resaved(path.template), path.sheets)) < 20_000


def test_a_locked_year_is_refused_before_the_file_is_read(as_user, world):
    PlanYear.objects.create(plan=world.plan_a, year=2013, status=PlanYear.Status.APPROVED)
    client = as_user(world.users["staff_a"])
    url = reverse("plans:progress-upload", args=[world.plan_a.slug, 2013])
    # Not even a workbook: a locked year answers without opening it.
    response = client.post(url, {"file": SimpleUploadedFile("a.xlsx", b"not read")})
    assert response.status_code == 400
    assert [error for error in response.context["preview"].errors if "đã bị khóa" in error]
    assert not [e for e in response.context["preview"].errors if "Excel" in e]

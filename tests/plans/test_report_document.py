"""The yearly báo cáo as a Word document (plans.report_document), read back with python-docx.

Its heading blocks follow Nghị định 30/2020 (Phụ lục I); its targets table equals what the
database holds and the year view judges; a draft says so on every page; it is downloaded in
one click from the plan's dashboard, by whoever may see the plan.
"""

import io
import re
from decimal import Decimal

import docx
import pytest
from django.urls import reverse

from budgets.models import Disbursement
from indicators.models import Actual, Comparator
from plans.report_document import DRAFT_MARK, verdict_word
from tests import factories as f

pytestmark = pytest.mark.django_db

YEAR = 2015
APPROVED = Actual.Status.APPROVED


@pytest.fixture
def plan(db):
    can_tho = f.province("Cần Thơ", code="92")
    hau_giang = f.province("Hậu Giang", code="93", successor=can_tho)
    plan = f.plan(
        hau_giang,
        slug="kh-hg",
        first_year=2011,
        last_year=2015,
        document_number="101/KH-UBND",
        title="Kế hoạch phát triển hạ tầng số",
    )
    rows = [
        ("A", "Tỷ lệ hộ gia đình có Internet", "%", "trên 90%", Comparator.GT, "90", "95"),
        ("B", "Số trạm BTS", "trạm", "1.500 trạm", Comparator.GTE, "1500", "1234.5"),
        ("C", "Tỷ lệ hồ sơ trực tuyến", "%", "100%", Comparator.GTE, "100", None),
    ]
    for code, name, unit, phrase, comparator, value, figure in rows:
        indicator = f.indicator(plan, code=code, name=name, unit=unit)
        f.target(indicator, year=YEAR, phrase=phrase, comparator=comparator, value=value)
        if figure:
            f.actual(indicator, year=YEAR, value=figure, status=APPROVED)
    draft_target = plan.indicators.get(code="C")
    f.actual(draft_target, year=YEAR, value="77", status=Actual.Status.DRAFT)
    task = f.indicator(plan, code="Q", name="Xây dựng chính quyền số", kind="qualitative", unit="")
    f.actual(task, year=YEAR, value=None, progress=Actual.Progress.IN_PROGRESS, status=APPROVED)
    f.project(plan, code="P1", name="Trung tâm dữ liệu tỉnh", lead_agency_printed="Sở TT&TT")
    line = f.budget_line(plan, code="L1", name="Hạ tầng")
    f.allocation(line, amount="900", year_from=2011, year_to=2015)
    f.disbursement(line, amount="300", year=YEAR, status=Disbursement.Status.APPROVED)
    f.disbursement(line, amount="100", year=2014, status=Disbursement.Status.APPROVED)
    return plan


def download(client, plan, **query):
    response = client.get(reverse("plans:plan-report-docx", args=[plan.slug]), query)
    assert response.status_code == 200, response.status_code
    return response, docx.Document(io.BytesIO(b"".join(response.streaming_content)))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def leader(client, plan):
    client.force_login(f.user(f.LEADER, plan.province.successor))
    return client


def test_heading_blocks_follow_the_decree(leader, plan):
    response, document = download(leader, plan, year=YEAR)
    heading = cells(document.tables[0])[0]
    assert heading[0].split("\n")[1:] == [
        "UBND THÀNH PHỐ CẦN THƠ",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Số: …/BC-SKHCN",
    ]
    assert heading[1].split("\n")[1:] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Cần Thơ, ngày … tháng … năm …",
    ]
    body = texts(document)
    assert "BÁO CÁO" in body
    assert "Kết quả thực hiện Kế hoạch phát triển hạ tầng số năm 2015" in body
    basis = [line for line in body if line.startswith("Thực hiện văn bản 101/KH-UBND")]
    assert "Sở Khoa học và Công nghệ Cần Thơ báo cáo" in basis[0]
    for heading_text in ("V. KHÓ KHĂN, VƯỚNG MẮC", "VI. KIẾN NGHỊ, ĐỀ XUẤT"):
        assert body[body.index(heading_text) + 1] == "…"  # left for the Sở's own words
    signature = cells(document.tables[-1])[0]
    assert signature[0].startswith("Nơi nhận:") and "UBND thành phố Cần Thơ" in signature[0]
    assert "GIÁM ĐỐC" in signature[1]
    assert DRAFT_MARK not in "".join(p.text for p in document.sections[0].header.paragraphs)
    # A4 portrait, the decree's margins, Times New Roman.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm) for margin in margins] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert (
        "filename*=utf-8''B%C3%A1o%20c%C3%A1o%20101-KH-UBND%20n%C4%83m%202015.docx"
        in (response["Content-Disposition"])
    )


def test_the_targets_table_equals_the_database_and_the_year_view(leader, plan):
    _response, document = download(leader, plan, year=YEAR)
    table = cells(document.tables[1])
    assert table[0] == ["TT", "Chỉ tiêu", "Đơn vị", "Mục tiêu", "Kết quả năm 2015", "Đánh giá",
                        "% mục tiêu"]  # fmt: skip
    rows = {row[1].split(".")[0]: row for row in table[1:]}
    assert rows["A"][2:5] == ["%", "trên 90%", "95"]
    assert rows["B"][2:5] == ["trạm", "1.500 trạm", "1.234,5"]  # Vietnamese notation
    assert rows["C"][4] == ""  # the draft 77 is not an approved figure
    year_view = leader.get(reverse("plans:year-view", args=[plan.province.slug, YEAR]))
    judged = {line.code: line.status_code for line in year_view.context["rows"]}
    assert {code: row[5] for code, row in rows.items()} == {
        code: verdict_word(judged[code]) for code in rows
    }
    assert rows["A"][5] == "Đạt" and rows["B"][5] == "Không đạt"
    counted = re.search(r"Trong 3 chỉ tiêu định lượng: (.*)\.$", "\n".join(texts(document)), re.M)
    expected = {}
    for code in rows:
        expected[verdict_word(judged[code])] = expected.get(verdict_word(judged[code]), 0) + 1
    assert dict(part.split(": ") for part in counted.group(1).split("; ")) == {
        word: str(count) for word, count in expected.items()
    }


def test_tasks_projects_and_money(leader, plan):
    _response, document = download(leader, plan, year=YEAR)
    body = texts(document)
    assert "- Xây dựng chính quyền số: Đang thực hiện." in body
    assert cells(document.tables[2])[1][1:3] == ["Trung tâm dữ liệu tỉnh", "Sở TT&TT"]
    money = cells(document.tables[3])
    assert money[1][1:] == ["900", "300", "400"]  # planned, in 2015, up to 2015


def test_a_draft_is_marked_on_every_page_and_only_for_who_may_see_drafts(client, leader, plan):
    response, document = download(leader, plan, year=YEAR, figures="all")
    header = "".join(p.text for p in document.sections[0].header.paragraphs)
    assert DRAFT_MARK in header and response["Content-Disposition"].count("D%E1%BB%B1%20th%E1")
    rows = {row[1].split(".")[0]: row for row in cells(document.tables[1])[1:]}
    assert rows["C"][4] == "77"
    client.force_login(f.user(f.NATIONAL, None))
    _response, document = download(client, plan, year=YEAR, figures="all")
    assert DRAFT_MARK not in "".join(p.text for p in document.sections[0].header.paragraphs)


def test_a_year_outside_the_plan_is_not_found_and_no_year_means_the_latest(leader, plan):
    url = reverse("plans:plan-report-docx", args=[plan.slug])
    assert leader.get(url, {"year": 2030}).status_code == 404
    _response, document = download(leader, plan)
    assert "Kết quả thực hiện Kế hoạch phát triển hạ tầng số năm 2015" in texts(document)


def test_the_dashboard_offers_the_report_of_each_year(leader, plan):
    html = leader.get(reverse("plans:plan-dashboard", args=[plan.slug])).content.decode()
    form = html.split('data-testid="report-docx"')[1].split("</form>")[0]
    assert reverse("plans:plan-report-docx", args=[plan.slug]) in html
    assert re.findall(r'<option value="(\d+)"', form) == [str(y) for y in range(2011, 2016)]


def test_figures_are_not_rounded_away(leader, plan):
    Actual.objects.filter(indicator__code="A", year=YEAR).update(value=Decimal("95.25"))
    _response, document = download(leader, plan, year=YEAR)
    rows = {row[1].split(".")[0]: row for row in cells(document.tables[1])[1:]}
    assert rows["A"][4] == "95,25"


def test_a_provinces_report_holds_every_plan_in_force_merged_ones_included(leader, plan):
    can_tho = plan.province.successor
    own = f.plan(can_tho, slug="kh-ct", first_year=2014, last_year=2016, title="Kế hoạch CĐS")
    indicator = f.indicator(own, code="X", name="Tỷ lệ dịch vụ công trực tuyến", unit="%")
    f.target(indicator, year=YEAR, phrase="80%", comparator=Comparator.GTE, value="80")
    f.actual(indicator, year=YEAR, value="85", status=APPROVED)
    f.plan(can_tho, slug="kh-cu", first_year=2006, last_year=2010)  # not in force in 2015
    url = reverse("plans:year-report-docx", args=[can_tho.slug, YEAR])
    response = leader.get(url)
    assert response.status_code == 200
    assert (
        "B%C3%A1o%20c%C3%A1o%20C%E1%BA%A7n%20Th%C6%A1%20n%C4%83m%202015.docx"
        in (response["Content-Disposition"])
    )
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    body = texts(document)
    cited = [line for line in body if line.startswith("- văn bản")]
    assert len(cited) == 2
    assert any("ban hành trước khi tỉnh Hậu Giang hợp nhất vào Cần Thơ" in line for line in cited)
    headed = [line for line in body if line.startswith(("1. ", "2. "))]
    assert headed[:2] == ["1. 101/KH-UBND — Kế hoạch phát triển hạ tầng số", "2. Kế hoạch CĐS"]
    codes = [row[1].split(".")[0] for table in document.tables[1:3] for row in cells(table)[1:]]
    assert codes == ["A", "B", "C", "X"]
    assert any(line.startswith("Trong 4 chỉ tiêu định lượng:") for line in body)
    year_view = leader.get(reverse("plans:year-view", args=[can_tho.slug, YEAR])).content.decode()
    assert url in year_view


def test_projects_and_duties_carry_their_progress_of_the_year(client, leader, plan):
    from plans.models import WorkProgress

    project = plan.projects.get(code="P1")
    agency = f.agency(plan.province, name="Sở Tài chính")
    duty = f.responsibility(plan, agency, code="R1", duties="Bố trí kinh phí thực hiện")
    state = WorkProgress.State
    f.work_progress(
        project, year=YEAR, state=state.IN_PROGRESS, account="Đã lắp đặt máy chủ",
        disbursed=Decimal("1234.5"), status=APPROVED,
    )  # fmt: skip
    f.work_progress(duty, year=YEAR, state=state.STOPPED, reason="Chưa có nguồn")  # a draft
    _response, document = download(leader, plan, year=YEAR)
    projects = cells(document.tables[2])
    assert projects[0][4:] == [f"Tiến độ năm {YEAR}", f"Giải ngân năm {YEAR} (triệu đồng)"]
    assert projects[1][4:] == ["Đang triển khai: Đã lắp đặt máy chủ", "1.234,5"]
    assert "c) Nhiệm vụ của các cơ quan" in texts(document)  # after a) tasks, b) projects
    duties = cells(document.tables[3])
    assert duties[1][1:] == [
        "Sở Tài chính (Chủ trì)",
        "Bố trí kinh phí thực hiện",
        "Chưa có báo cáo",  # its progress is a draft: not in the approved báo cáo
    ]
    _response, draft = download(leader, plan, year=YEAR, figures="all")
    assert cells(draft.tables[3])[1][3] == "Dừng: Chưa có nguồn"

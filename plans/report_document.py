"""The yearly báo cáo of a plan as a Word document, in the layout of Nghị định 30/2020/NĐ-CP.

What a Sở sends upward each year: a report (Phụ lục I, form of a báo cáo) with the figures in
tables, written for the clerk to finish in Word: the number, the day, the Sở's own assessment
and proposals, and the signature are left blank. The document is always in Vietnamese, the
language of administrative documents, whatever the page's language.

Layout (Phụ lục I of the decree): A4, Times New Roman, margins top and bottom 20 mm, left
30 mm, right 15 mm; the issuing body's name under its parent body's at top left, the national
title and motto at top right, then number, place and date, "BÁO CÁO" and its summary
(trích yếu) centred; the body; "Nơi nhận" and the signature block. Page numbers at the top
centre. A draft (figures not yet approved) says DỰ THẢO at the top of every page.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import translation
from django.utils.text import Truncator
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from budgets.models import Allocation, Disbursement
from indicators.achievement import Status
from indicators.selectors import progress_of, with_progress_data
from indicators.status_look import label_of
from plans.models import Plan, Province, WorkProgress
from plans.numbers import figure_text, format_figure
from plans.work import WorkRow, work_rows

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
DRAFT_MARK = "DỰ THẢO"
# Units run directly by the central government: their people's committee is a "thành phố".
CENTRAL_CITIES = {
    "01",
    "79",
    "31",
    "48",
    "92",
    "46",
}  # Hà Nội, HCM, Hải Phòng, Đà Nẵng, Cần Thơ, Huế
# The words a report uses for the verdicts of a milestone year and of a year on the path.
VERDICT_WORDS = {
    Status.EXCEEDED: "Vượt",
    Status.ACHIEVED: "Đạt",
    Status.NOT_ACHIEVED: "Không đạt",
    Status.BEHIND: "Chậm tiến độ",
    Status.AT_RISK: "Có nguy cơ chậm tiến độ",
    Status.ON_TRACK: "Đúng tiến độ",
}


@dataclass(frozen=True)
class TargetRow:
    """One row of the targets table: a quantitative indicator judged in the report's year."""

    number: int
    code: str
    name: str
    unit: str
    target: str  # the target that applies, as printed
    figure: str  # the year's figure, in Vietnamese notation; "" without one
    verdict: str
    percent: str
    status_code: str


@dataclass(frozen=True)
class ReportDocument:
    filename: str
    content: bytes


def people_committee(province: Province, *, short: bool = False) -> str:
    """Return the province's people's committee as the heading writes it, in capitals
    ("UBND THÀNH PHỐ CẦN THƠ"), or as a list of recipients does ("UBND thành phố Cần Thơ")."""
    kind = "thành phố" if province.code in CENTRAL_CITIES else "tỉnh"
    if short:
        return f"UBND {kind} {province.name}"
    return f"UBND {kind.upper()} {province.name.upper()}"


def verdict_word(status_code: str) -> str:
    return VERDICT_WORDS.get(status_code) or label_of(status_code)


def target_rows(plan: Plan, year: int, statuses) -> tuple[list[TargetRow], list]:
    """Return the quantitative indicators judged in `year` (the year view's verdicts) and the
    qualitative ones with their progress in the year."""
    indicators = with_progress_data(
        plan.indicators.all(), statuses=statuses, up_to_year=year
    ).order_by("section__position", "section__code", "position", "code")
    rows, tasks = [], []
    for indicator in indicators:
        progress = progress_of(indicator, as_of=year, statuses=statuses)
        if indicator.is_qualitative:
            tasks.append(progress)
            continue
        status = progress.status
        actual = progress.actuals.get(year)
        assessment = status.assessment if status else None
        percent = assessment.percent if assessment else None
        rows.append(
            TargetRow(
                number=len(rows) + 1,
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                target=progress.target.phrase if progress.target else "",
                figure=format_figure(actual.value) if actual and actual.value is not None else "",
                verdict=verdict_word(progress.status_code),
                percent=f"{format_figure(round(Decimal(percent), 1))}%"
                if percent is not None
                else "",
                status_code=progress.status_code,
            )
        )
    return rows, tasks


def verdict_counts(rows: list[TargetRow]) -> dict[str, int]:
    """Return how many targets got each verdict, in the order of the statuses."""
    counts = defaultdict(int)
    for row in rows:
        counts[row.status_code] += 1
    return {code: counts[code] for code in Status.values if counts[code]}


def money_by_source(plan: Plan, year: int, statuses) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """Return (source, planned over the plan, disbursed in `year`, disbursed up to `year`)."""
    planned = dict(
        Allocation.objects.filter(line__plan=plan)
        .order_by()
        .values_list("source__name")
        .annotate(total=Sum("amount"))
    )
    in_year, to_year = defaultdict(Decimal), defaultdict(Decimal)
    rows = (
        Disbursement.objects.filter(line__plan=plan, status__in=statuses, year__lte=year)
        .order_by()
        .values_list("source__name", "year")
        .annotate(total=Sum("amount"))
    )
    for source, disbursed_year, total in rows:
        to_year[source] += total
        if disbursed_year == year:
            in_year[source] += total
    sources = sorted({*planned, *to_year})
    return [
        (source, planned.get(source, Decimal(0)), in_year[source], to_year[source])
        for source in sources
    ]


@dataclass
class PlanPart:
    """One plan's share of a report: its targets judged in the year, tasks and money."""

    plan: Plan
    rows: list[TargetRow]
    tasks: list
    money: list
    projects: list[WorkRow]  # each with its progress in the year (plans.work)
    duties: list[WorkRow]


def _part(plan: Plan, year: int, statuses) -> PlanPart:
    rows, tasks = target_rows(plan, year, statuses)
    projects, duties = work_rows(plan, year, statuses=statuses)
    return PlanPart(plan, rows, tasks, money_by_source(plan, year, statuses), projects, duties)


DUTY_WORDS = 25  # of a duty's printed text in the báo cáo's table


def work_text(progress: WorkProgress | None) -> str:
    """Return a project's or duty's progress in a year as the báo cáo writes it."""
    if progress is None:
        return "Chưa có báo cáo"
    return f"{progress.state_title}: {progress.detail}" if progress.detail else progress.state_title


def plan_year_report(plan: Plan, year: int, statuses, *, draft: bool) -> ReportDocument:
    """Return the báo cáo of `plan` for `year` on the figures `statuses` names."""
    with translation.override("vi"):
        name = plan.document_number.replace("/", "-") if plan.document_number else plan.slug
        return _build(
            [_part(plan, year, statuses)],
            year,
            plan.province.current,
            summary=f"Kết quả thực hiện {plan.title} năm {year}",
            name=f"{name} năm {year}",
            draft=draft,
        )


def province_year_report(province: Province, year: int, plans, *, draft: bool) -> ReportDocument:
    """Return the báo cáo of every plan in force in `year` of `province` (of today's map) and
    of the provinces merged into it; `plans` are (plan, statuses seen) in the year view's
    order."""
    with translation.override("vi"):
        return _build(
            [_part(plan, year, statuses) for plan, statuses in plans],
            year,
            province,
            summary="Kết quả thực hiện các kế hoạch phát triển thông tin và truyền thông "
            f"năm {year}",
            name=f"{province.name} năm {year}",
            draft=draft,
        )


def _build(parts: list[PlanPart], year, province, *, summary, name, draft) -> ReportDocument:
    document = Document()
    _page_setup(document, draft=draft)
    _heading_block(document, province)
    _title(document, summary)
    _basis(document, [part.plan for part in parts], province, year)
    _section(document, "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    for part in _labelled(document, parts):
        _targets_table(document, part.rows, year)
    _section(document, "II. NHIỆM VỤ, DỰ ÁN")
    for part in _labelled(document, parts):
        _tasks(document, part, year)
    _section(document, "III. VỐN ĐẦU TƯ")
    for part in _labelled(document, parts):
        _money_table(document, part.money, year)
    _summary_section(document, [row for part in parts for row in part.rows])
    for heading in ("V. KHÓ KHĂN, VƯỚNG MẮC", "VI. KIẾN NGHỊ, ĐỀ XUẤT"):
        _section(document, heading)
        _paragraph(document, "…")  # the Sở's own words, written in Word
    _signature(document, province)
    buffer = io.BytesIO()
    document.save(buffer)
    prefix = "Dự thảo báo cáo" if draft else "Báo cáo"
    return ReportDocument(f"{prefix} {name}.docx", buffer.getvalue())


def _labelled(document, parts: list[PlanPart]):
    """Yield each part, under a heading naming its plan when the report has several."""
    for number, part in enumerate(parts, start=1):
        if len(parts) > 1:
            plan = part.plan
            _paragraph(document, f"{number}. {_plan_name(plan)}", bold=True, italic=True)
        yield part


def _plan_name(plan: Plan) -> str:
    return f"{plan.document_number} — {plan.title}" if plan.document_number else plan.title


def _targets_table(document, rows: list[TargetRow], year: int) -> None:
    if not rows:
        _paragraph(document, "Kế hoạch không có chỉ tiêu định lượng.")
        return
    headers = ["TT", "Chỉ tiêu", "Đơn vị", "Mục tiêu", f"Kết quả năm {year}", "Đánh giá"]
    _table(
        document,
        [*headers, "% mục tiêu"],
        [
            [str(r.number), f"{r.code}. {r.name}", r.unit, r.target, r.figure, r.verdict, r.percent]
            for r in rows
        ],
        widths=[10, 52, 16, 30, 19, 22, 16],
        numeric=(4, 6),
    )


def _tasks(document, part: PlanPart, year: int) -> None:
    """Write the plan's tasks, projects and duties of agencies, each with its progress."""
    tasks, projects, duties = part.tasks, part.projects, part.duties
    letters = iter("abc")
    if tasks:
        _paragraph(document, f"{next(letters)}) Các nhiệm vụ", italic=True)
        for progress in tasks:
            actual = progress.actuals.get(year)
            state = label_of(actual.progress) if actual and actual.progress else "Chưa có báo cáo"
            note = f" {actual.note}" if actual and actual.note else ""
            _paragraph(document, f"- {progress.indicator.name}: {state}.{note}")
    if projects:
        _paragraph(document, f"{next(letters)}) Các dự án ưu tiên", italic=True)
        _table(
            document,
            [
                "TT",
                "Dự án, nhiệm vụ",
                "Cơ quan chủ trì",
                "Thời gian",
                f"Tiến độ năm {year}",
                f"Giải ngân năm {year} (triệu đồng)",
            ],
            [
                [
                    row.project.number or str(index),
                    row.project.name,
                    row.project.lead_agency_printed or str(row.project.lead_agency or ""),
                    row.project.period_printed or "",
                    work_text(row.current),
                    figure_text(row.current.disbursed) if row.current else "",
                ]
                for index, row in enumerate(projects, start=1)
            ],
            widths=[8, 55, 30, 18, 34, 20],
            numeric=(5,),
        )
    if duties:
        _paragraph(document, f"{next(letters)}) Nhiệm vụ của các cơ quan", italic=True)
        _table(
            document,
            ["TT", "Cơ quan", "Nhiệm vụ được giao", f"Tiến độ năm {year}"],
            [
                [
                    str(index),
                    f"{row.duty.agency} ({row.duty.get_role_display()})",
                    # Enough to name the duty: the plan prints it whole.
                    Truncator(row.duty.duties).words(DUTY_WORDS, truncate=" …"),
                    work_text(row.current),
                ]
                for index, row in enumerate(duties, start=1)
            ],
            widths=[8, 40, 77, 40],
        )
    if not tasks and not projects and not duties:
        _paragraph(document, "Kế hoạch không có nhiệm vụ, dự án được theo dõi.")


def _money_table(document, money: list, year: int) -> None:
    if not money:
        _paragraph(document, "Kế hoạch không có bảng vốn đầu tư.")
        return
    _table(
        document,
        [
            "Nguồn vốn",
            "Kế hoạch cả giai đoạn (triệu đồng)",
            f"Giải ngân năm {year} (triệu đồng)",
            f"Lũy kế giải ngân đến năm {year} (triệu đồng)",
        ],
        [[source, *(format_figure(amount) for amount in amounts)] for source, *amounts in money],
        widths=[53, 37, 37, 38],
        numeric=(1, 2, 3),
    )


def _summary_section(document, rows: list[TargetRow]) -> None:
    _section(document, "IV. TỔNG HỢP ĐÁNH GIÁ")
    counts = verdict_counts(rows)
    if not counts:
        _paragraph(document, "Chưa có chỉ tiêu được đánh giá trong năm.")
        return
    summary = "; ".join(f"{verdict_word(code)}: {count}" for code, count in counts.items())
    _paragraph(document, f"Trong {len(rows)} chỉ tiêu định lượng: {summary}.")


# ---------------------------------------------------------------------------------------------
# Layout


def _page_setup(document, *, draft: bool) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    # Word takes the font of Vietnamese text from these slots too.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    style.paragraph_format.space_after = Pt(6)
    # The decree numbers pages from the second one, at the top centre.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(number)
    if draft:
        for header in (section.header, section.first_page_header):
            mark = header.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(mark, DRAFT_MARK, bold=True, size=BODY_PT)


def _page_number(paragraph) -> None:
    """Add a PAGE field: Word and LibreOffice put each page's number there."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _run(paragraph, text: str, *, bold=False, italic=False, size=BODY_PT, underline=False):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    return run


def _paragraph(
    document_or_cell,
    text: str = "",
    *,
    bold=False,
    italic=False,
    size=BODY_PT,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    first_line=True,
):
    paragraph = document_or_cell.add_paragraph()
    paragraph.alignment = align
    if first_line and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _centred(cell, text: str, *, bold=False, italic=False, size=13, underline=False):
    paragraph = cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, bold=bold, italic=italic, size=size, underline=underline)
    return paragraph


def _heading_block(document, province: Province) -> None:
    """The two columns at the top: the issuing body and the number; the national title and motto
    and the place and date."""
    left, right = _two_columns(document, Mm(70), Mm(95))
    for cell in (left, right):
        cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    _centred(left, people_committee(province), size=12)
    _centred(left, "SỞ KHOA HỌC VÀ CÔNG NGHỆ", bold=True, size=12, underline=True)
    _centred(left, "Số: …/BC-SKHCN", size=13)
    _centred(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _centred(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True)
    _centred(right, f"{province.name}, ngày … tháng … năm …", italic=True, size=13)


def _two_columns(document, left_width, right_width):
    """Return the two cells of a borderless row of fixed widths (LibreOffice and Word both
    keep a fixed layout; an autofit one wraps the national title)."""
    table = document.add_table(rows=1, cols=2)
    _fix_widths(table, [left_width, right_width])
    return table.rows[0].cells


def _fix_widths(table, widths) -> None:
    """Give `table` a fixed layout with these column widths, on every cell already there."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _title(document, summary: str) -> None:
    for text, space in (("BÁO CÁO", 12), (summary, 0)):
        paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.paragraph_format.space_before = Pt(space)
        _run(paragraph, text, bold=True)
    rule = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(rule, "_" * 12, size=BODY_PT)


def _basis(document, plans: list[Plan], province: Province, year: int) -> None:
    """Name the plans reported on: what the report carries out."""
    subject = f"Sở Khoa học và Công nghệ {province.name} báo cáo kết quả thực hiện năm {year}"
    if len(plans) == 1:
        _paragraph(document, f"Thực hiện {_plan_cited(plans[0], province)}, {subject} như sau:")
        return
    if not plans:
        _paragraph(document, f"Năm {year} không có kế hoạch nào đang thực hiện.")
        return
    _paragraph(document, f"Thực hiện các văn bản sau, {subject} như sau:")
    for plan in plans:
        _paragraph(document, f"- {_plan_cited(plan, province)};")


def _plan_cited(plan: Plan, province: Province) -> str:
    """Cite a plan as a report's basis does: number, date, issuing body, title, period."""
    number = f" {plan.document_number}" if plan.document_number else ""
    issued = f" ngày {plan.issued_display}" if plan.issued_display else ""
    body = f" của {plan.issuing_body.name}" if plan.issuing_body_id else ""
    merged = (
        f", ban hành trước khi tỉnh {plan.province.name} hợp nhất vào {province.name}"
        if plan.province_id != province.pk
        else ""
    )
    return (
        f"văn bản{number}{issued}{body} về {plan.title} (giai đoạn {plan.first_year}–"
        f"{plan.last_year}{merged})"
    )


def _section(document, heading: str) -> None:
    paragraph = _paragraph(document, first_line=False)
    paragraph.paragraph_format.space_before = Pt(6)
    _run(paragraph, heading, bold=True)


def _table(document, headers: list[str], rows: list[list[str]], *, widths, numeric=()) -> None:
    """Add a bordered table; `numeric` columns align right."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header_row = table.rows[0]
    # The header row repeats at the top of each page the table runs onto.
    header_props = header_row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for cell, text in zip(header_row.cells, headers, strict=True):
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _cell_text(cell, text, align=WD_ALIGN_PARAGRAPH.RIGHT if index in numeric else None)
    _fix_widths(table, [Mm(width) for width in widths])


def _cell_text(cell, text: str, *, bold=False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    _run(paragraph, text, bold=bold, size=TABLE_PT)


def _signature(document, province: Province) -> None:
    left, right = _two_columns(document, Mm(85), Mm(80))
    recipients = left.paragraphs[0]
    _run(recipients, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in (f"- {people_committee(province, short=True)};", "- Lưu: VT."):
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, size=11)
    right.paragraphs[0].paragraph_format.space_after = Pt(0)
    _centred(right, "GIÁM ĐỐC", bold=True, size=14)
    _centred(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=12)

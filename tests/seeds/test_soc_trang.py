"""Sóc Trăng, Kế hoạch 22/KH-UBND of 10/5/2012 (CNTT-TT 2011-2015): the seed holds the document.

Every figure below is copied from the printed document (fixtures/sources/001_57a00165d86f0b40.txt);
the tests compare it with what the fixture 20_soc-trang-kh-22-2012.yaml stores.
"""

from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from budgets.models import Allocation, BudgetLine, StatedTotal
from indicators.models import Indicator, Target
from plans.models import Agency, Plan, Project, Responsibility, Section

pytestmark = pytest.mark.django_db

SLUG = "soc-trang-kh-22-2012"

# Mục tiêu cụ thể đến năm 2015 (III.2): code -> (comparator, value, upper, unit, phrase).
TARGETS_2015 = {
    "NL-01": ("gte", "30", None, "%", "Từ 30% trở lên"),
    "NL-02": ("gte", "60", None, "%", "Từ 60% trở lên"),
    "NL-03": ("gte", "50", None, "%", "Từ 50% trở lên"),
    "NL-04": ("range", "2000", "2500", "lao động", "khoảng 2.000 - 2.500 lao động"),
    "NL-05": ("eq", "40", None, "%", "40%"),
    "NL-06": ("gte", "25", None, "cán bộ", "ít nhất 25 cán bộ"),
    "NL-07": ("gt", "90", None, "%", "Trên 90%"),
    "CN-02": ("gte", "10", None, "tổ chức, doanh nghiệp", "tối thiểu 10 tổ chức, doanh nghiệp"),
    "HT-03": ("eq", "100", None, "%", "100%"),
    "PC-01": ("gt", "90", None, "%", "Trên 90%"),
    "PC-02": ("range", "20", "30", "%", "Khoảng 20% - 30%"),
    "PC-03": ("gt", "90", None, "%", "Trên 90%"),
    "PC-04": ("gt", "70", None, "%", "trên 70%"),
    "UD-02": ("gte", "30", None, "%", "tối thiểu có 30%"),
    "UD-03": ("gt", "60", None, "%", "Trên 60%"),
    "UD-05": ("gt", "90", None, "%", "Trên 90%"),
    "UD-06": ("gt", "90", None, "%", "Trên 90%"),
    "UD-07": ("gte", "50", None, "%", "ít nhất 50%"),
    "UD-08": ("gt", "90", None, "%", "trên 90%"),
    "UD-09": ("gt", "90", None, "%", "trên 90%"),
}

QUALITATIVE = [
    "TQ-01", "TQ-02", "TQ-03", "TQ-04", "TQ-05",
    "CN-01", "HT-01", "HT-02", "UD-01", "UD-04", "UD-10", "DN-01", "DN-02", "NV1-01",
]  # fmt: skip

# Annex "Danh mục các nhiệm vụ, dự án CNTT-TT ưu tiên đầu tư giai đoạn 2011-2015" (triệu đồng):
# TT -> (nhiệm vụ, lead agency code, cơ quan chủ trì as printed, thời gian as printed,
#        Tổng cộng, NSDP, NSTW, Khác), None for an empty cell. TT 18 and 32 are not printed.
ANNEX = {
    1: (1, "soc-trang-tt-cntt-tt", "Trung tâm CNTT&TT", "2012-2015", 4000, 3000, None, 1000),
    2: (1, "soc-trang-so-ldtbxh", "Sở LĐTB&XH", "2011-2015", 4000, None, 4000, None),
    3: (1, "soc-trang-so-gddt", "Sở GD&ĐT", "2011-2015", 5000, None, 5000, None),
    4: (1, "soc-trang-so-tttt", "Sở TTTT", "2012-2015", 3000, 1500, 500, 1000),
    5: (1, "soc-trang-so-gddt", "Sở GD&ĐT", "2012-2015", 3000, 1500, 500, 1000),
    6: (1, "soc-trang-so-nv", "Sở NV", "2011-2015", 5000, 2500, 2500, None),
    7: (1, "soc-trang-so-tttt", "Sở TTTT", "2012", 500, 500, None, None),
    8: (1, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 1000, 1000, None, None),
    9: (2, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 5000, 1000, 2000, 2000),
    10: (2, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 5000, 2000, 2000, 1000),
    11: (2, "soc-trang-so-tttt", "Sở TTTT", "2011", 500, 500, None, None),
    12: (2, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 300, 300, None, None),
    13: (2, "soc-trang-so-tttt", "Sở TTTT", "2012-2015", 9000, 3000, 3000, 3000),
    14: (3, "soc-trang-dn-vien-thong", "Các DN Viễn thông", "2012-2015", 20000, 5000, 2000, 13000),
    15: (3, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 9500, None, 9500, None),
    16: (3, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 1500, 1500, None, None),
    17: (3, "soc-trang-so-tttt", "Sở TTTT", "2011-2012", 400, 400, None, None),
    19: (3, "soc-trang-so-tttt", "Sở TTTT và các doanh nghiệp", "", 6000, 2000, 2000, 2000),
    20: (4, "soc-trang-so-tttt", "Sở TTTT", "", 2000, 1000, 1000, None),
    21: (4, "soc-trang-so-tttt", "Sở TTTT", "", 2000, 1000, 1000, None),
    22: (4, "soc-trang-so-tttt", "Sở TTTT", "", 15000, 5000, 5000, 5000),
    23: (4, "soc-trang-so-tttt", "Sở TTTT", "", 40000, 10000, 10000, 20000),
    24: (5, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 94600, 49400, 45200, None),
    25: (5, "soc-trang-so-gddt", "Sở GD-ĐT", "2011-2015", 9000, 3000, 3000, 3000),
    26: (5, "soc-trang-so-yt", "Sở Y tế", "2011-2015", 9000, 3000, 3000, 3000),
    27: (5, "soc-trang-so-nnptnt", "Sở NN&PTNT", "2011-2015", 9000, 3000, 3000, 3000),
    28: (5, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 9000, 3000, 3000, 3000),
    29: (5, "soc-trang-so-tttt", "Sở TTTT", "2011-2015", 3000, 2000, None, 1000),
    30: (6, "soc-trang-so-tttt", "Sở TTTT", "2011", 100, 100, None, None),
    31: (6, "soc-trang-so-khcn", "Sở KHCN", "2012-2015", 1000, 1000, None, None),
    33: (6, "soc-trang-so-khcn", "Sở KHCN", "2012-2015", 55000, 5000, 50000, None),
}

# Printed subtotal rows "Nhiệm vụ 1" … "Nhiệm vụ 6": (Tổng cộng, NSDP, NSTW, Khác).
TASK_TOTALS = {
    1: (25500, 10000, 12500, 3000),
    2: (19800, 6800, 7000, 6000),
    3: (37400, 8900, 13500, 15000),
    4: (59000, 17000, 17000, 25000),
    5: (133600, 63400, 57200, 13000),
    6: (56100, 6100, 50000, 0),  # the Khác cell of Nhiệm vụ 6 is blank
}
# Printed row "TỔNG CỘNG" of the annex.
GRAND_TOTAL = (331400, 112200, 157200, 62000)
SOURCES = ("nsdp", "nstw", "khac")


def _allocations():
    return Allocation.objects.filter(line__plan__slug=SLUG)


def _sum(queryset):
    return queryset.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def test_plan_metadata(seeded):
    plan = Plan.objects.get(slug=SLUG)
    assert plan.province.code == "94"
    assert plan.kind == Plan.Kind.ACTION_PLAN
    assert plan.document_number == "22/KH-UBND"
    assert plan.title.startswith("Phát triển công nghệ thông tin và truyền thông giai đoạn")
    assert "1755/QĐ-TTg ngày 22/9/2010" in plan.title
    assert (plan.issued_year, plan.issued_month, plan.issued_day) == (2012, 5, 10)
    assert plan.issued_display == "10/05/2012"
    assert plan.issuing_body.code == "soc-trang-ubnd"
    assert plan.signer == "Quách Việt Tùng"
    assert (plan.first_year, plan.last_year, plan.horizon_year) == (2011, 2015, None)
    assert plan.status == Plan.Status.ENDED
    assert "Quyết định số 1755/QĐ-TTg, ngày 22/9/2010" in plan.based_on
    assert len(plan.based_on.splitlines()) == 7  # the seven Quyết định of II. Căn cứ pháp lý
    assert plan.source_file == "001_57a00165d86f0b40.txt"
    assert "DANH MỤC CÁC NHIỆM VỤ, DỰ ÁN CNTT-TT" in plan.source_text


def test_counts(seeded):
    indicators = Indicator.objects.filter(plan__slug=SLUG)
    projects = Project.objects.filter(plan__slug=SLUG)
    assert Section.objects.filter(plan__slug=SLUG).count() == 29
    assert indicators.filter(kind=Indicator.Kind.QUANTITATIVE).count() == 20
    assert indicators.filter(kind=Indicator.Kind.QUALITATIVE).count() == 14
    assert Target.objects.filter(indicator__plan__slug=SLUG).count() == 20
    assert projects.count() == 37
    assert projects.filter(parent__isnull=True).count() == 6
    assert projects.filter(parent__isnull=False).count() == 31
    assert BudgetLine.objects.filter(plan__slug=SLUG).count() == 31
    assert _allocations().count() == 64
    assert StatedTotal.objects.filter(plan__slug=SLUG).count() == 4
    assert Responsibility.objects.filter(plan__slug=SLUG).count() == 21
    referenced = Agency.objects.filter(
        Q(issued_plans__slug=SLUG)
        | Q(led_projects__plan__slug=SLUG)
        | Q(responsibilities__plan__slug=SLUG)
    ).distinct()
    assert referenced.count() == 20
    assert set(referenced.values_list("province__code", flat=True)) == {"94"}


def test_sections_follow_the_document(seeded):
    sections = Section.objects.filter(plan__slug=SLUG)
    top = list(sections.filter(parent__isnull=True).values_list("code", flat=True))
    assert top == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "PL"]
    assert sections.filter(parent__code="III.2").count() == 6
    assert sections.filter(parent__code="V").count() == 6
    assert sections.filter(parent__code="PL").count() == 6
    assert sections.get(code="III.2.3").sector.code == "vien-thong"
    assert sections.get(code="PL.IV").title == (
        "Nhiệm vụ 4: Xây dựng và triển khai các giải pháp hỗ trợ phù hợp để phổ cập thông tin "
        "đến các hộ gia đình"
    )
    positions = list(sections.order_by("position").values_list("position", flat=True))
    assert positions == sorted(set(positions))


def test_every_2015_target(seeded):
    targets = Target.objects.filter(indicator__plan__slug=SLUG).select_related("indicator")
    stored = {
        t.indicator.code: (
            t.year,
            t.comparator,
            t.value,
            t.upper_value,
            t.unit,
            t.phrase,
        )
        for t in targets
    }
    expected = {
        code: (
            2015,
            comparator,
            Decimal(value),
            Decimal(upper) if upper else None,
            unit,
            phrase,
        )
        for code, (comparator, value, upper, unit, phrase) in TARGETS_2015.items()
    }
    assert stored == expected


def test_indicator_details(seeded):
    indicators = Indicator.objects.filter(plan__slug=SLUG)
    qualitative = indicators.filter(kind=Indicator.Kind.QUALITATIVE)
    assert sorted(qualitative.values_list("code", flat=True)) == sorted(QUALITATIVE)
    assert set(qualitative.values_list("due_year", flat=True)) == {2015}
    assert not Target.objects.filter(indicator__in=qualitative).exists()
    # "Giai đoạn 2011 - 2015, cung cấp … khoảng 2.000 - 2.500 lao động" accumulates.
    assert indicators.get(code="NL-04").aggregation == Indicator.Aggregation.INCREMENT
    assert indicators.get(code="NL-06").aggregation == Indicator.Aggregation.INCREMENT
    assert indicators.get(code="NL-07").scope == "cấp tỉnh, huyện và xã"
    concepts = dict(indicators.filter(concept__isnull=False).values_list("code", "concept__code"))
    assert concepts == {
        "NL-07": "civil-servants-it-trained-pct",
        "HT-03": "mobile-coverage-pct",
        "PC-02": "households-with-computer-pct",
        "UD-06": "edocs-exchanged-pct",
        "UD-08": "civil-servants-using-email-pct",
    }


def test_tasks(seeded):
    tasks = Project.objects.filter(plan__slug=SLUG, parent__isnull=True).order_by("position")
    assert list(tasks.values_list("code", "number", "section__code")) == [
        (f"NV{n}", str(n), f"V.{n}") for n in range(1, 7)
    ]
    assert tasks[0].name == "Phát triển nguồn nhân lực công nghệ thông tin"
    assert tasks[5].name.endswith("từng bước sáng tạo ra công nghệ cho chế tạo sản phẩm mới")
    # VIII.4 and VIII.5 name who leads nhiệm vụ 1 and 2; the others have no lead printed.
    leads = {
        t.code: (t.lead_agency_id and t.lead_agency.code, t.lead_agency_printed) for t in tasks
    }
    assert leads == {
        "NV1": ("soc-trang-so-gddt", "Sở Giáo dục và Đào tạo"),
        "NV2": ("soc-trang-so-ct", "Sở Công Thương"),
        "NV3": (None, ""),
        "NV4": (None, ""),
        "NV5": (None, ""),
        "NV6": (None, ""),
    }
    assert tasks[2].content.count("\n- ") == 3  # four bullets under V.3
    assert "Trung tâm tích hợp dữ liệu của tỉnh" in tasks[2].content


def test_annex_projects(seeded):
    children = Project.objects.filter(plan__slug=SLUG, parent__isnull=False)
    assert sorted(int(n) for n in children.values_list("number", flat=True)) == sorted(ANNEX)
    for number, (task, lead, printed, period, *_amounts) in ANNEX.items():
        project = children.select_related("parent", "lead_agency").get(number=str(number))
        assert project.code == f"DA{number:02d}"
        assert project.parent.code == f"NV{task}"
        assert project.section.code == f"PL.{['I', 'II', 'III', 'IV', 'V', 'VI'][task - 1]}"
        assert project.lead_agency.code == lead, number
        assert project.lead_agency_printed == printed, number
        assert project.period_printed == period, number
        years = [int(y) for y in period.split("-")] if period else [None]
        assert (project.first_year, project.last_year) == (years[0], years[-1]), number
        assert project.content, number
    assert children.get(number="17").name == "Quy hoạch hạ tầng kỹ thuật viễn thông thư động"
    assert children.get(number="24").content.startswith("- Đầu tư hạ tầng kỹ thuật CNTT")


def test_one_budget_line_per_project_with_its_period(seeded):
    for number, (_task, _lead, _printed, period, *_amounts) in ANNEX.items():
        line = BudgetLine.objects.get(plan__slug=SLUG, project__number=str(number))
        assert line.project.parent is not None
        assert line.code == line.project.code
        assert line.name == line.project.name
        assert line.printed_unit == BudgetLine.PrintedUnit.MILLION
        years = [int(y) for y in period.split("-")] if period else [2011, 2015]
        spans = set(line.allocations.values_list("year_from", "year_to"))
        assert spans == {(years[0], years[-1])}, number
    assert BudgetLine.objects.filter(plan__slug=SLUG, project__isnull=True).count() == 0


def test_each_project_row_by_source(seeded):
    for number, (_task, _lead, _printed, _period, total, *cells) in ANNEX.items():
        allocations = _allocations().filter(line__project__number=str(number))
        for source, cell in zip(SOURCES, cells, strict=True):
            stored = allocations.filter(source__code=source)
            if cell is None:
                assert not stored.exists(), (number, source)
            else:
                assert stored.get().amount == cell, (number, source)
        # The printed "Tổng cộng" column of each row.
        assert _sum(allocations) == total, number


def test_task_subtotals_by_source(seeded):
    for task, (total, *by_source) in TASK_TOTALS.items():
        allocations = _allocations().filter(line__project__parent__code=f"NV{task}")
        assert _sum(allocations) == total, task
        for source, printed in zip(SOURCES, by_source, strict=True):
            assert _sum(allocations.filter(source__code=source)) == printed, (task, source)


def test_grand_total_by_source(seeded):
    # Annex row "TỔNG CỘNG": 331.400 = 112.200 + 157.200 + 62.000 (triệu đồng).
    total, *by_source = GRAND_TOTAL
    assert _sum(_allocations()) == total
    for source, printed in zip(SOURCES, by_source, strict=True):
        assert _sum(_allocations().filter(source__code=source)) == printed
    assert _sum(_allocations().filter(source__code="chung")) == 0


def test_stated_totals_agree_with_the_table(seeded):
    # VII. Kinh phí: "Tổng kinh phí ước tính thực hiện Kế hoạch: 331.400.000.000 đồng" etc.
    stated = {
        s.source.code if s.source else None: s
        for s in StatedTotal.objects.filter(plan__slug=SLUG).select_related("source")
    }
    assert {key: s.amount for key, s in stated.items()} == {
        None: 331400,
        "nsdp": 112200,
        "nstw": 157200,
        "khac": 62000,
    }
    assert stated[None].phrase == (
        "Tổng kinh phí ước tính thực hiện Kế hoạch: 331.400.000.000 đồng"
    )
    assert all((s.year_from, s.year_to) == (2011, 2015) for s in stated.values())
    assert stated[None].amount == _sum(_allocations())
    for source in SOURCES:
        assert stated[source].amount == _sum(_allocations().filter(source__code=source))


def test_every_duty_of_every_agency(seeded):
    rows = Responsibility.objects.filter(plan__slug=SLUG).order_by("position")
    assert [(r.agency.code, r.role) for r in rows] == [
        ("soc-trang-so-tttt", "lead"),  # VIII.1
        ("soc-trang-so-ban-nganh", "support"),
        ("soc-trang-ubnd-cap-huyen", "support"),
        ("soc-trang-dn-cntt-tt", "support"),
        ("soc-trang-so-khdt", "lead"),  # VIII.2
        ("soc-trang-so-tc", "support"),
        ("soc-trang-so-tttt", "support"),
        ("soc-trang-so-tc", "lead"),  # VIII.3
        ("soc-trang-so-gddt", "lead"),  # VIII.4
        ("soc-trang-so-tttt", "support"),
        ("soc-trang-so-ban-nganh", "support"),
        ("soc-trang-so-ct", "lead"),  # VIII.5
        ("soc-trang-so-tttt", "support"),
        ("soc-trang-tt-xttm", "support"),
        ("soc-trang-bo-chqs", "lead"),  # VIII.6
        ("soc-trang-cong-an", "lead"),
        ("soc-trang-so-ban-nganh", "lead"),  # VIII.7
        ("soc-trang-doan-the", "lead"),
        ("soc-trang-ubnd-cap-huyen", "lead"),  # VIII.8
        ("soc-trang-so-ban-nganh", "support"),
        ("soc-trang-dn-cntt-tt", "lead"),  # VIII.9
    ]
    assert all(r.section.code == "VIII" for r in rows)
    lead_tttt = rows[0].duties
    assert lead_tttt.startswith("- Xây dựng kế hoạch và dự toán kinh phí chi tiết theo từng năm")
    assert lead_tttt.count("\n- ") == 3  # the four bullets of VIII.1
    assert rows[4].duties == rows[5].duties == rows[6].duties
    assert rows[7].duties.startswith("Sở Tài chính hướng dẫn thống nhất giữa các cấp ngân sách")
    assert "thực hiện nhiệm vụ 1" in rows[8].duties
    assert "thực hiện nhiệm vụ 2" in rows[11].duties


def test_agencies_and_successors(seeded):
    tttt = Agency.objects.get(code="soc-trang-so-tttt")
    assert tttt.successor.code == "soc-trang-so-khcn"
    assert tttt.succeeded_on.isoformat() == "2025-03-01"
    ubnd = Agency.objects.get(code="soc-trang-ubnd")
    assert (ubnd.kind, ubnd.successor.code) == (Agency.Kind.PEOPLES_COMMITTEE, "can-tho-ubnd")
    assert tttt.successor.successor.code == "can-tho-so-khcn"
    assert Agency.objects.get(code="soc-trang-ubnd-cap-huyen").kind == Agency.Kind.DISTRICT
    assert Agency.objects.get(code="soc-trang-dn-vien-thong").kind == Agency.Kind.ENTERPRISE

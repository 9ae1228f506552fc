"""Hậu Giang, Kế hoạch phát triển hạ tầng số giai đoạn 2023 - 2025 (10/2023, number left blank).

Every figure below is copied from the printed document (fixtures/sources/003_37d1ecece0b100da.txt);
the tests compare it with what the fixture 40_hau-giang-kh-ha-tang-so-2023-2025.yaml stores.
The document prints no investment table and no amount (V. Kinh phí thực hiện is text only), so
there are no budget lines, allocations or stated totals and no printed sums to check.
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, Q

from budgets.models import Allocation, BudgetLine, StatedTotal
from indicators.models import Indicator, Target
from indicators.targets import read_target
from plans.models import Agency, Plan, Project, Responsibility, Section
from plans.text import normalise_space

pytestmark = pytest.mark.django_db

SLUG = "hau-giang-kh-ha-tang-so-2023-2025"

# II.2 "Mục tiêu cụ thể đến 2025", every target (all for 2025):
# code -> (section, comparator, value, upper, unit, phrase, concept).
TARGETS_2025 = {
    # a) Hạ tầng viễn thông băng rộng
    "HT-01": ("II.2.a", "eq", "100", None, "%", "đạt 100%", "mobile-coverage-pct"),
    "HT-02": ("II.2.a", "eq", "100", None, "%", "đạt 100%", None),
    "HT-03": ("II.2.a", "eq", "10", None, "%", "đạt 10%", None),
    "HT-04": ("II.2.a", "eq", "50", None, "%", "đạt 50%", None),
    "HT-05": ("II.2.a", "eq", "10", None, "%", "đạt 10%", None),
    "HT-06": ("II.2.a", "eq", "100", None, "%", "đạt 100%", None),
    # b) Sử dụng dịch vụ viễn thông
    "DV-01": (
        "II.2.b",
        "eq",
        "85",
        None,
        "thuê bao",
        "đạt 85 thuê bao",
        "mobile-broadband-per-100",
    ),
    "DV-02": ("II.2.b", "eq", "85", None, "%", "đạt 85%", None),
    "DV-03": ("II.2.b", "eq", "80", None, "%", "đạt 80%", "internet-users-pct"),
    "DV-04": ("II.2.b", "eq", "25", None, "thuê bao", "đạt 25 thuê bao", "fixed-broadband-per-100"),
    "DV-05": ("II.2.b", "eq", "80", None, "%", "đạt 80%", "households-fiber-pct"),
    "DV-06": ("II.2.b", "eq", "95", None, "%", "đạt 95%", "smartphone-users-pct"),
    "DV-07": ("II.2.b", "eq", "90", None, "%", "đạt 90%", None),
    "DV-08": ("II.2.b", "eq", "70", None, "Mb/s", "đạt 70Mb/s", None),
    "DV-09": ("II.2.b", "eq", "100", None, "Mb/s", "đạt 100Mb/s", None),
    "DV-10": ("II.2.b", "eq", "100", None, "%", "100%", None),
    "DV-11": ("II.2.b", "eq", "100", None, "%", "100%", None),
    # c) Hạ tầng điện toán đám mây
    "DM-01": ("II.2.c", "eq", "100", None, "%", "100%", None),
    "DM-02": ("II.2.c", "eq", "70", None, "%", "70%", "cloud-adoption-pct"),
    # đ) Nền tảng số: "100% cơ quan, tổ chức nhà nước, 70% doanh nghiệp sử dụng nền tảng số"
    "NT-01": ("II.2.đ", "eq", "100", None, "%", "100%", None),
    "NT-02": ("II.2.đ", "eq", "70", None, "%", "70%", None),
}

# Qualitative objectives: II.1 a)-c), II.2.d (two bullets), II.2.đ (second bullet).
QUALITATIVE = {
    "MT-01": "II.1",
    "MT-02": "II.1",
    "MT-03": "II.1",
    "CN-01": "II.2.d",
    "CN-02": "II.2.d",
    "NT-03": "II.2.đ",
}

# III. Nhiệm vụ: task -> (section, printed heading, lettered items as printed).
TASKS = {
    "NV1": ("III.1", "Phát triển hạ tầng viễn thông băng rộng", "a b c d đ e g h"),
    "NV2": ("III.2", "Phát triển hạ tầng điện toán đám mây", "a b"),
    "NV3": ("III.3", "Phát triển hạ tầng công nghệ số", "a b c d"),
    "NV4": ("III.4", "Phát triển nền tảng số", "a b c"),
}

# VI. Tổ chức thực hiện, the 10 numbered bodies (plus IV.4.b addressed to the enterprises):
# section -> [(agency, role), ...] in reading order, one per lettered paragraph.
DUTIES = {
    "IV.4": [("hau-giang-dn-vien-thong", "lead")],
    "VI.1": [
        ("hau-giang-so-tttt", "lead"),
        ("hau-giang-so-tttt", "lead"),
        ("hau-giang-so-tttt", "support"),
        ("hau-giang-so-tttt", "support"),
        ("hau-giang-so-tttt", "lead"),
        ("hau-giang-so-tttt", "lead"),
    ],
    "VI.2": [("hau-giang-so-khdt", "lead")],
    "VI.3": [("hau-giang-so-tc", "support")],
    "VI.4": [("hau-giang-so-xd", "lead"), ("hau-giang-so-xd", "lead")],
    "VI.5": [("hau-giang-so-khcn", "lead"), ("hau-giang-so-khcn", "lead")],
    "VI.6": [("hau-giang-so-ban-nganh", "lead"), ("hau-giang-so-ban-nganh", "lead")],
    "VI.7": [("hau-giang-ubnd-cap-huyen", "lead")] * 3,
    "VI.8": [
        ("hau-giang-dn-vien-thong", "lead"),
        ("hau-giang-dn-vien-thong", "lead"),
        ("hau-giang-dn-vien-thong", "support"),
        ("hau-giang-dn-vien-thong", "lead"),
    ],
    "VI.9": [("hau-giang-cuc-qltt", "lead")],
    "VI.10": [("hau-giang-bao-hau-giang", "lead"), ("hau-giang-dai-ptth", "lead")],
}

# The shared Hậu Giang records, field for field as both Hậu Giang fixtures define them.
SHARED_AGENCIES = {
    "hau-giang-ubnd": (
        "Ủy ban nhân dân tỉnh Hậu Giang",
        "UBND tỉnh Hậu Giang",
        "peoples_committee",
    ),
    "hau-giang-so-khcn": (
        "Sở Khoa học và Công nghệ tỉnh Hậu Giang",
        "Sở KH&CN Hậu Giang",
        "department",
    ),
    "hau-giang-so-tttt": (
        "Sở Thông tin và Truyền thông tỉnh Hậu Giang",
        "Sở TT&TT Hậu Giang",
        "department",
    ),
    "hau-giang-so-khdt": (
        "Sở Kế hoạch và Đầu tư tỉnh Hậu Giang",
        "Sở KH&ĐT Hậu Giang",
        "department",
    ),
    "hau-giang-so-tc": ("Sở Tài chính tỉnh Hậu Giang", "Sở Tài chính Hậu Giang", "department"),
    "hau-giang-ubnd-cap-huyen": (
        "Ủy ban nhân dân các huyện, thị xã, thành phố tỉnh Hậu Giang",
        "UBND cấp huyện Hậu Giang",
        "district",
    ),
}


def _plan():
    return Plan.objects.get(slug=SLUG)


def _counts():
    plan = _plan()
    return {
        "sections": Section.objects.filter(plan=plan).count(),
        "indicators": Indicator.objects.filter(plan=plan).count(),
        "targets": Target.objects.filter(indicator__plan=plan).count(),
        "projects": Project.objects.filter(plan=plan).count(),
        "responsibilities": Responsibility.objects.filter(plan=plan).count(),
        "budget_lines": BudgetLine.objects.filter(plan=plan).count(),
        "allocations": Allocation.objects.filter(line__plan=plan).count(),
        "stated_totals": StatedTotal.objects.filter(plan=plan).count(),
    }


def test_plan_metadata(seeded):
    plan = _plan()
    assert plan.province.code == "93"
    assert plan.kind == Plan.Kind.ACTION_PLAN
    # "Số:          /KH-UBND": the number is left blank.
    assert plan.document_number == ""
    assert plan.title == (
        "Kế hoạch phát triển hạ tầng số trên địa bàn tỉnh Hậu Giang giai đoạn 2023 - 2025"
    )
    # "Hậu Giang, ngày         tháng 10 năm 2023": the day is left blank.
    assert (plan.issued_year, plan.issued_month, plan.issued_day) == (2023, 10, None)
    assert plan.issued_display == "10/2023"
    assert plan.issuing_body.code == "hau-giang-ubnd"
    assert plan.signer == ""
    assert (plan.first_year, plan.last_year, plan.horizon_year) == (2023, 2025, None)
    # In force through 2025 and ended since: derived from the years, not a stored word.
    assert plan.status_on(datetime.date(2024, 6, 1)) == Plan.Status.IN_FORCE
    assert plan.status_on(datetime.date(2026, 11, 26)) == Plan.Status.ENDED
    assert plan.superseded_by is None
    for basis in (
        "749/QĐ-TTg",
        "411/QĐ-TTg",
        "885/QĐ-BTTTT",
        "3115/BTTTT-CVT",
        "02-NQ/TU",
    ):
        assert basis in plan.based_on
    assert plan.source_file == "003_37d1ecece0b100da.txt"
    assert "KẾ HOẠCH" in plan.source_text


def test_counts(seeded):
    plan = _plan()
    assert _counts() == {
        "sections": 35,
        "indicators": 27,
        "targets": 21,
        "projects": 21,
        "responsibilities": 25,
        "budget_lines": 0,
        "allocations": 0,
        "stated_totals": 0,
    }
    indicators = Indicator.objects.filter(plan=plan)
    assert indicators.filter(kind=Indicator.Kind.QUANTITATIVE).count() == 21
    assert indicators.filter(kind=Indicator.Kind.QUALITATIVE).count() == 6
    assert Project.objects.filter(plan=plan, parent__isnull=True).count() == 4
    assert Project.objects.filter(plan=plan, parent__isnull=False).count() == 17
    referenced = Agency.objects.filter(
        Q(responsibilities__plan=plan) | Q(issued_plans=plan)
    ).distinct()
    assert referenced.count() == 12


def test_sections_follow_the_document(seeded):
    plan = _plan()
    tops = Section.objects.filter(plan=plan, parent__isnull=True).order_by("position")
    assert [(s.number, s.title) for s in tops] == [
        ("I.", "MỤC ĐÍCH, YÊU CẦU"),
        ("II.", "MỤC TIÊU"),
        ("III.", "NHIỆM VỤ"),
        ("IV.", "GIẢI PHÁP"),
        ("V.", "KINH PHÍ THỰC HIỆN"),
        ("VI.", "TỔ CHỨC THỰC HIỆN"),
    ]
    sectors = dict(Section.objects.filter(plan=plan).values_list("code", "sector__code"))
    assert sectors["II.2.a"] == "ha-tang-so"
    assert sectors["II.2.b"] == "dich-vu-so"
    assert sectors["II.2.c"] == "ha-tang-so"
    assert sectors["II.2.đ"] == "nen-tang-so"
    assert sectors["IV.4"] == "an-toan-thong-tin"
    children = Section.objects.filter(plan=plan, parent__code="II.2").order_by("position")
    assert [s.number for s in children] == ["a)", "b)", "c)", "d)", "đ)"]
    assert Section.objects.filter(plan=plan, parent__code="VI").count() == 10
    positions = list(Section.objects.filter(plan=plan).values_list("position", flat=True))
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    source = normalise_space(plan.source_text)
    for section in Section.objects.filter(plan=plan):
        assert f"{section.number} {section.title}" in source, section.code


def test_every_2025_target(seeded):
    plan = _plan()
    stored = {
        t.indicator.code: t
        for t in Target.objects.filter(indicator__plan=plan).select_related(
            "indicator__section", "indicator__concept"
        )
    }
    assert set(stored) == set(TARGETS_2025)
    for code, (section, comparator, value, upper, unit, phrase, concept) in TARGETS_2025.items():
        target = stored[code]
        indicator = target.indicator
        assert target.year == 2025, code
        assert target.comparator == comparator, code
        assert target.value == Decimal(value), code
        assert target.upper_value == (None if upper is None else Decimal(upper)), code
        assert target.unit == unit, code
        assert target.phrase == phrase, code
        reading = read_target(target.phrase)
        assert (reading.comparator, reading.value, reading.unit) == (
            target.comparator,
            target.value,
            target.unit,
        ), code
        assert indicator.kind == Indicator.Kind.QUANTITATIVE, code
        assert indicator.section.code == section, code
        assert (indicator.concept.code if indicator.concept else None) == concept, code
        assert indicator.aggregation == Indicator.Aggregation.LEVEL, code
        assert indicator.direction == "higher", code


def test_spot_checks_inside_the_text(seeded):
    def target(code):
        return Target.objects.select_related("indicator").get(
            indicator__plan__slug=SLUG, indicator__code=code, year=2025
        )

    # "Số thuê bao băng rộng di động/100 dân đạt 85 thuê bao"
    t = target("DV-01")
    assert t.indicator.unit == "thuê bao/100 dân"
    assert (t.comparator, t.value, t.unit) == ("eq", Decimal("85"), "thuê bao")
    # "Mạng băng rộng di động (4G) với tốc độ trung bình đạt 70Mb/s"
    t = target("DV-08")
    assert (t.value, t.unit, t.phrase) == (Decimal("70"), "Mb/s", "đạt 70Mb/s")
    # "Mạng băng rộng cố định với tốc độ trung bình đạt 100Mb/s"
    assert target("DV-09").phrase == "đạt 100Mb/s"
    # "Tỷ lệ dùng chung cột treo cáp đạt 50%"
    assert (target("HT-04").value, target("HT-04").unit) == (Decimal("50"), "%")
    # "Tỷ lệ UBND cấp xã kết nối mạng truyền số liệu chuyên dùng đạt 100%"
    t = target("HT-06")
    assert (t.indicator.scope, t.value) == ("cấp xã", Decimal("100"))
    # "70% doanh nghiệp trên địa bàn Tỉnh sử dụng dịch vụ điện toán đám mây do doanh nghiệp
    # trong nước cung cấp"
    t = target("DM-02")
    assert (t.value, t.phrase, t.indicator.concept.code) == (
        Decimal("70"),
        "70%",
        "cloud-adoption-pct",
    )
    # "100% cơ quan, tổ chức nhà nước, 70% doanh nghiệp sử dụng nền tảng số": two scopes.
    assert (target("NT-01").indicator.scope, target("NT-01").value) == (
        "cơ quan, tổ chức nhà nước",
        Decimal("100"),
    )
    assert (target("NT-02").indicator.scope, target("NT-02").value) == (
        "doanh nghiệp",
        Decimal("70"),
    )
    # "Tỷ lệ dân số trưởng thành có điện thoại thông minh đạt 95%"
    assert target("DV-06").value == Decimal("95")
    # "Tỷ lệ dùng chung vị trí trạm BTS đạt 10%" and "cống bể cáp đạt 10%"
    assert target("HT-03").value == target("HT-05").value == Decimal("10")


def test_qualitative_objectives(seeded):
    plan = _plan()
    qualitative = Indicator.objects.filter(plan=plan, kind=Indicator.Kind.QUALITATIVE)
    assert dict(qualitative.values_list("code", "section__code")) == QUALITATIVE
    assert set(qualitative.values_list("due_year", flat=True)) == {2025}
    assert set(qualitative.values_list("unit", flat=True)) == {""}
    assert not Target.objects.filter(indicator__in=qualitative).exists()
    source = normalise_space(plan.source_text)
    for indicator in qualitative:
        assert normalise_space(indicator.name) in source, indicator.code
    assert qualitative.get(code="CN-01").name.startswith("Ứng dụng Trí tuệ nhân tạo (AI)")


def test_tasks(seeded):
    plan = _plan()
    for code, (section, heading, letters) in TASKS.items():
        task = Project.objects.get(plan=plan, code=code)
        assert (task.section.code, task.name, task.parent) == (section, heading, None)
        items = Project.objects.filter(parent=task).order_by("position")
        assert [p.number for p in items] == [f"{letter})" for letter in letters.split()]
        assert {p.section.code for p in items} == {section}
    projects = Project.objects.filter(plan=plan)
    # The document names no lead agency and no period for any task.
    assert not projects.filter(lead_agency__isnull=False).exists()
    assert set(projects.values_list("lead_agency_printed", flat=True)) == {""}
    assert not projects.filter(Q(first_year__isnull=False) | Q(last_year__isnull=False)).exists()
    ipv6 = Project.objects.get(plan=plan, code="NV1.đ")
    assert ipv6.name == (
        "Sử dụng địa chỉ giao thức Internet thế hệ mới (Ipv6) đối với toàn bộ hệ thống "
        "ứng dụng của Tỉnh."
    )


def test_duties_of_the_ten_bodies(seeded):
    plan = _plan()
    rows = Responsibility.objects.filter(plan=plan).select_related("agency", "section")
    stored = {}
    for row in rows.order_by("position"):
        stored.setdefault(row.section.code, []).append((row.agency.code, row.role))
    assert stored == DUTIES
    per_agency = dict(
        rows.values("agency__code").annotate(n=Count("id")).values_list("agency__code", "n")
    )
    assert per_agency == {
        "hau-giang-so-tttt": 6,
        "hau-giang-so-khdt": 1,
        "hau-giang-so-tc": 1,
        "hau-giang-so-xd": 2,
        "hau-giang-so-khcn": 2,
        "hau-giang-so-ban-nganh": 2,
        "hau-giang-ubnd-cap-huyen": 3,
        "hau-giang-dn-vien-thong": 5,
        "hau-giang-cuc-qltt": 1,
        "hau-giang-bao-hau-giang": 1,
        "hau-giang-dai-ptth": 1,
    }
    # One paragraph addressed to the newspaper and the broadcaster jointly.
    joint = rows.filter(section__code="VI.10")
    assert len({r.duties for r in joint}) == 1
    assert joint.first().duties.startswith("Đẩy mạnh tuyên truyền nội dung Kế hoạch này")
    assert rows.get(code="R02").duties.startswith("Chủ trì, hướng dẫn UBND các huyện")
    assert "i-Speed" in rows.get(section__code="VI.7", duties__contains="2G").duties
    source = normalise_space(plan.source_text)
    for row in rows:
        assert normalise_space(row.duties) in source, row.code


def test_agencies(seeded):
    for code, (name, short_name, kind) in SHARED_AGENCIES.items():
        agency = Agency.objects.get(code=code)
        assert (agency.name, agency.short_name, agency.kind) == (name, short_name, kind), code
        assert agency.province.code == "93", code
    tttt = Agency.objects.get(code="hau-giang-so-tttt")
    assert tttt.successor.code == "hau-giang-so-khcn"
    assert str(tttt.succeeded_on) == "2025-03-01"
    assert Agency.objects.get(code="hau-giang-ubnd").successor.code == "can-tho-ubnd"
    assert Agency.objects.get(code="hau-giang-dn-vien-thong").kind == "enterprise"
    assert Agency.objects.get(code="hau-giang-bao-hau-giang").kind == "media"
    assert Agency.objects.get(code="hau-giang-dai-ptth").kind == "media"


def test_no_money_is_invented(seeded):
    plan = _plan()
    # "Kinh phí thực hiện: Ngân sách nhà nước thực hiện theo quy định phân cấp ngân sách, ..."
    # states no amount, so nothing is stored.
    assert "Ngân sách nhà nước thực hiện theo quy định phân cấp ngân sách" in plan.source_text
    assert not BudgetLine.objects.filter(plan=plan).exists()
    assert not StatedTotal.objects.filter(plan=plan).exists()

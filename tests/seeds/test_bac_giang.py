"""Bắc Giang, Quyết định 1005/QĐ-UBND of 27/7/2012: the adjusted BC-VT-CNTT master plan.

Source: fixtures/sources/002_339327099ff39217.txt. The document prints no investment table and
states no amount of money, so the plan has no budget lines, allocations or stated totals; the
only "sums" it prints are none. Its targets sit in running text (2012, 2013, 2015) and in phases
(Giai đoạn 2012 – 2013, 2013/2014 – 2015); the only 2020 aim is qualitative.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from budgets.models import Allocation, BudgetLine, StatedTotal
from indicators.models import Indicator, Target
from plans.models import Agency, Plan, Project, Responsibility, Section

pytestmark = pytest.mark.django_db

SLUG = "bac-giang-qd-1005-2012"
FIXTURE = "fixtures/30_bac-giang-qd-1005-2012.yaml"


@pytest.fixture
def plan(seeded):
    return Plan.objects.select_related("province", "issuing_body").get(slug=SLUG)


def _target(code, year):
    return Target.objects.get(indicator__plan__slug=SLUG, indicator__code=code, year=year)


def _counts():
    return {
        "sections": Section.objects.filter(plan__slug=SLUG).count(),
        "indicators": Indicator.objects.filter(plan__slug=SLUG).count(),
        "targets": Target.objects.filter(indicator__plan__slug=SLUG).count(),
        "responsibilities": Responsibility.objects.filter(plan__slug=SLUG).count(),
        "agencies": Agency.objects.filter(code__startswith="bac-giang-").count(),
    }


def test_plan_metadata(plan):
    assert plan.document_number == "1005/QĐ-UBND"
    assert plan.kind == Plan.Kind.PLAN_ADJUSTMENT
    # QĐ 19/2025/QĐ-TTg gave Bắc Giang's code 24 to today's Bắc Ninh, the unit it joined.
    assert plan.province.code == "24-2004"
    assert (plan.province.successor.code, plan.province.successor.name) == ("24", "Bắc Ninh")
    assert (plan.issued_year, plan.issued_month, plan.issued_day) == (2012, 7, 27)
    assert plan.issued_display == "27/07/2012"
    assert plan.issuing_body.code == "bac-giang-ubnd"
    assert plan.issuing_body.kind == Agency.Kind.PEOPLES_COMMITTEE
    # Printed under "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", kept as printed.
    assert plan.signer == "Đổi Văn Hạnh"
    assert (plan.first_year, plan.last_year, plan.horizon_year) == (2012, 2015, 2020)
    assert plan.status == Plan.Status.ENDED
    assert plan.title.startswith("Về việc phê duyệt điều chỉnh Quy hoạch phát triển bưu chính")
    assert "Thông tư số 05/2003/TT-BKH" in plan.based_on
    assert plan.source_file == "002_339327099ff39217.txt"
    assert "Mật độ điện thoại 113,8 máy/100 dân" in plan.source_text
    assert plan.covers_year(2020)


def test_counts(plan):
    assert plan.sections.count() == 48
    assert plan.sections.filter(parent__isnull=True).count() == 3  # Điều 1, Điều 2, Điều 4
    indicators = plan.indicators
    assert indicators.count() == 91
    assert indicators.filter(kind=Indicator.Kind.QUANTITATIVE).count() == 44
    assert indicators.filter(kind=Indicator.Kind.QUALITATIVE).count() == 47
    assert Target.objects.filter(indicator__plan=plan).count() == 45
    # Every quantitative indicator has a target, no qualitative one has.
    assert not indicators.filter(kind="quantitative", targets__isnull=True).exists()
    assert not Target.objects.filter(indicator__plan=plan, indicator__kind="qualitative").exists()
    assert not indicators.filter(kind="qualitative", due_year__isnull=True).exists()
    # No investment table, no amount stated in the text.
    assert Project.objects.filter(plan=plan).count() == 0
    assert BudgetLine.objects.filter(plan=plan).count() == 0
    assert Allocation.objects.filter(line__plan=plan).count() == 0
    assert StatedTotal.objects.filter(plan=plan).count() == 0
    assert Responsibility.objects.filter(plan=plan).count() == 14


def test_targets_by_year_and_qualitative_due_years(plan):
    by_year = dict(
        Target.objects.filter(indicator__plan=plan)
        .values_list("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    # 2012: sóng di động and Internet băng rộng to every thôn; 2013: the 2012 – 2013 phase.
    assert by_year == {2012: 2, 2013: 2, 2015: 41}
    due = dict(
        plan.indicators.filter(kind="qualitative")
        .values_list("due_year")
        .annotate(n=Count("id"))
        .values_list("due_year", "n")
    )
    assert due == {2013: 6, 2015: 40, 2020: 1}
    aim_2020 = plan.indicators.get(due_year=2020)
    assert aim_2020.code == "CNTT-Q04"
    assert aim_2020.section.code == "D1.I.2.c"


def test_agencies_referenced(plan):
    referenced = set(
        Responsibility.objects.filter(plan=plan).values_list("agency__code", flat=True)
    ) | {plan.issuing_body.code}
    assert referenced == {
        "bac-giang-ubnd",
        "bac-giang-so-tttt",
        "bac-giang-so-khdt",
        "bac-giang-so-tc",
        "bac-giang-so-ldtbxh",
        "bac-giang-so-ct",
        "bac-giang-so-ban-nganh",
        "bac-giang-ubnd-cap-huyen",
    }
    assert all(code.startswith("bac-giang-") for code in referenced)
    assert not Agency.objects.filter(code__in=referenced).exclude(province__code="24-2004").exists()
    so_tttt = Agency.objects.get(code="bac-giang-so-tttt")
    assert so_tttt.successor.code == "bac-giang-so-khcn"
    assert str(so_tttt.succeeded_on) == "2025-03-01"
    assert Agency.objects.get(code="bac-giang-ubnd").successor.code == "bac-ninh-ubnd"
    assert so_tttt.successor.successor.code == "bac-ninh-so-khcn"
    assert Agency.objects.get(code="bac-giang-ubnd-cap-huyen").kind == Agency.Kind.DISTRICT


@pytest.mark.parametrize(
    ("code", "year", "comparator", "value", "upper", "unit", "phrase"),
    [
        # Điều 1 › I.2.a: "Đến 2015 bán kính phục vụ bình quân là 2,14km/điểm phục vụ."
        ("BC-01", 2015, "eq", "2.14", None, "km/điểm phục vụ", "2,14km/điểm phục vụ"),
        # I.2.a: "Số dân phục vụ bình quân dưới 6.340 người/điểm phục vụ."
        ("BC-02", 2015, "lt", "6340", None, "người/điểm phục vụ", "dưới 6.340 người/điểm phục vụ"),
        # II.1.a restates it as "đạt 6.340 người/điểm phục vụ" (the document disagrees).
        ("BC-09", 2015, "eq", "6340", None, "người/điểm phục vụ", "đạt 6.340 người/điểm phục vụ"),
        # I.2.a: "Dịch vụ bưu chính truyền thống: tốc độ tăng trưởng 5 – 10%/năm."
        ("BC-05", 2015, "range", "5", "10", "%/năm", "5 – 10%/năm"),
        # II.1.c: "Duy trì các tuyến đường thư cấp 2 với tần suất 1- 2 chuyến/ngày."
        ("BC-11", 2015, "range", "1", "2", "chuyến/ngày", "1- 2 chuyến/ngày"),
        # II.2: "+ Năm 2012, đảm bảo 100% số thôn, bản có sóng di động đạt chất lượng."
        ("VT-02", 2012, "eq", "100", None, "%", "100%"),
        # II.2: "+ Mật độ điện thoại 113,8 máy/100 dân."
        ("VT-04", 2015, "eq", "113.8", None, "máy/100 dân", "113,8 máy/100 dân"),
        # II.2: "+ Mật độ internet 7,27 thuê bao/100 dân."
        ("VT-05", 2015, "eq", "7.27", None, "thuê bao/100 dân", "7,27 thuê bao/100 dân"),
        # II.2: "+ Phát triển thêm 500 trạm BTS."
        ("VT-06", 2015, "eq", "500", None, "trạm BTS", "500 trạm BTS"),
        # II.2.c: "Giai đoạn 2012 – 2013: ngầm hóa 15 - 20% hạ tầng mạng ngoại vi …"
        ("VT-07", 2013, "range", "15", "20", "%", "15 - 20%"),
        # II.2.c: "Giai đoạn 2013 – 2015: ngầm hóa 30 - 40% (thành phố Bắc Giang … đạt 65%)."
        ("VT-07", 2015, "range", "30", "40", "%", "30 - 40%"),
        ("VT-08", 2015, "eq", "65", None, "%", "65%"),
        # II.2.d: "tại khu vực nông thôn quy định khoảng cách từ 1.000 – 1.500m."
        ("VT-11", 2015, "range", "1000", "1500", "m", "từ 1.000 – 1.500m"),
        # II.2.e: "Giai đoạn 2012 – 2013: … Internet băng rộng tới 100% các thôn …"
        ("VT-12", 2013, "eq", "100", None, "%", "100%"),
        # II.2.e: "Giai đoạn 2013 – 2015: … phục vụ 189.500 thuê bao ADSL."
        ("VT-13", 2015, "eq", "189500", None, "thuê bao ADSL", "189.500 thuê bao ADSL"),
        # II.3.a: "mỗi đơn vị tiến hành xây dựng từ 1-3 hệ thống thông tin …"
        ("CNTT-02", 2015, "range", "1", "3", "hệ thống thông tin", "từ 1-3 hệ thống thông tin"),
        # II.3.a: "… 100% dịch vụ công mức 2 và 15% dịch vụ công mức 3"
        ("CNTT-04", 2015, "eq", "15", None, "%", "15%"),
        # II.3.a: "tập trung xây dựng 04 cơ sở dữ liệu trọng điểm"
        (
            "CNTT-06",
            2015,
            "eq",
            "4",
            None,
            "cơ sở dữ liệu trọng điểm",
            "04 cơ sở dữ liệu trọng điểm",
        ),
        # II.3.b: "… 30% các trường tiểu học có phòng máy."
        ("CNTT-13", 2015, "eq", "30", None, "%", "30%"),
        # II.3.c: "Đến 2015, … trên 80% cán bộ ở các xã/phường được đào tạo cơ bản về tin học"
        ("CNTT-19", 2015, "gt", "80", None, "%", "trên 80%"),
    ],
)
def test_spot_check_targets(plan, code, year, comparator, value, upper, unit, phrase):
    target = _target(code, year)
    assert target.comparator == comparator
    assert target.value == Decimal(value)
    assert target.upper_value == (Decimal(upper) if upper is not None else None)
    assert target.unit == unit
    assert target.phrase == phrase


def test_indicator_metadata(plan):
    density = plan.indicators.get(code="VT-04")
    assert density.name == "Mật độ điện thoại"
    assert density.concept.code == "telephone-density"
    assert density.section.code == "D1.II.2"
    assert density.section.sector.code == "vien-thong"
    radius = plan.indicators.get(code="BC-01")
    assert radius.direction == "lower"
    assert radius.concept.code == "postal-service-radius"
    assert radius.section.sector.code == "buu-chinh"
    assert plan.indicators.get(code="VT-06").aggregation == "increment"
    assert plan.indicators.get(code="BC-10").aggregation == "yearly_rate"
    assert plan.indicators.get(code="CNTT-04").concept.code == "online-services-level-3-pct"
    lower_secondary = plan.indicators.filter(name="Trường có phòng máy")
    assert set(lower_secondary.values_list("scope", flat=True)) == {
        "trường trung học cơ sở",
        "trường tiểu học",
    }
    # Indicators are tied to the section they are printed in, in reading order.
    positions = list(plan.indicators.order_by("position").values_list("code", flat=True))
    assert positions[:2] == ["BC-01", "BC-02"]
    assert positions[-1] == "CNTT-Q29"
    assert plan.indicators.get(code="VT-Q07").due_year == 2013  # Giai đoạn 2012 – 2013


def test_responsibilities(plan):
    duties = Responsibility.objects.filter(plan=plan).select_related("agency", "section")
    by_agency = {}
    for duty in duties:
        by_agency.setdefault(duty.agency.code, []).append((duty.role, duty.section.code))
    assert sorted(by_agency["bac-giang-so-tttt"]) == [("lead", "D2.1"), ("support", "D2.2")]
    assert sorted(by_agency["bac-giang-so-khdt"]) == [("lead", "D2.2")]
    assert sorted(by_agency["bac-giang-so-tc"]) == [("lead", "D2.3"), ("support", "D2.2")]
    assert by_agency["bac-giang-so-ldtbxh"] == [("lead", "D1.II.3.a.3")]
    assert by_agency["bac-giang-so-ct"] == [("lead", "D1.II.3.a.3")]
    assert sorted(by_agency["bac-giang-so-ban-nganh"]) == [
        ("lead", "D2.4"),
        ("lead", "D4"),
        ("support", "D2.1"),
        ("support", "D2.3"),
    ]
    assert sorted(by_agency["bac-giang-ubnd-cap-huyen"]) == [
        ("lead", "D2.4"),
        ("lead", "D4"),
        ("support", "D2.1"),
    ]
    assert duties.filter(role="support").count() == 5
    lead_tttt = duties.get(agency__code="bac-giang-so-tttt", role="lead")
    # "truyền truyền" is the document's own typo, kept.
    assert lead_tttt.duties.startswith("Chủ trì, phối hợp với các ngành, địa phương, truyền truyền")
    joint = set(duties.filter(section__code="D2.2").values_list("duties", flat=True))
    assert len(joint) == 1
    assert duties.filter(Q(duties__contains="40% các doanh nghiệp vừa và nhỏ")).count() == 1


def test_loading_the_fixture_again_changes_nothing(plan):
    before = _counts()
    call_command("loaddata", FIXTURE, verbosity=0)
    assert _counts() == before

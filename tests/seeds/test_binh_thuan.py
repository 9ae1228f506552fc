"""Bình Thuận: Kế hoạch tiếp tục thực hiện Nghị quyết 03-NQ/TU về phát triển BCVT&CNTT đến 2015.

Source: fixtures/sources/004_87413292be0c9f8a.txt. The document prints no number, date, signer,
investment table or money figure, so the plan holds targets, tasks and duties only.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count

from budgets.models import Allocation, BudgetLine, StatedTotal
from indicators.models import Indicator, Target
from indicators.targets import read_target
from plans.models import Agency, Plan, Project, Responsibility, Section
from plans.services import FIXTURES_DIR
from plans.text import normalise_space

pytestmark = pytest.mark.django_db

SLUG = "binh-thuan-kh-nq03-2015"
FIXTURE = "50_binh-thuan-kh-nq03-2015.yaml"


@pytest.fixture
def plan(seeded):
    return Plan.objects.get(slug=SLUG)


def test_plan_metadata(plan):
    assert plan.province.code == "60"
    assert plan.kind == Plan.Kind.ACTION_PLAN
    # No number, no date and no signer are printed in the document.
    assert plan.document_number == ""
    assert (plan.issued_year, plan.issued_month, plan.issued_day) == (None, None, None)
    assert plan.signer == ""
    assert plan.title.startswith("Kế hoạch tiếp tục thực hiện Nghị quyết số 03-NQ/TU")
    assert plan.issuing_body.code == "binh-thuan-ubnd"
    assert plan.issuing_body.kind == Agency.Kind.PEOPLES_COMMITTEE
    # "Trong giai đoạn 2011-2015" … "từ nay đến năm 2015".
    assert (plan.first_year, plan.last_year, plan.horizon_year) == (2011, 2015, None)
    assert plan.status == Plan.Status.ENDED
    assert "Kết luận số 141-KL/TU ngày 18/11/2011" in plan.based_on
    assert "Nghị quyết số 03-NQ/TU" in plan.based_on
    assert plan.source_file == "004_87413292be0c9f8a.txt"
    assert "CÁC MỤC TIÊU, CHỈ TIÊU CHỦ YẾU" in plan.source_text


def test_counts(plan):
    indicators = Indicator.objects.filter(plan=plan)
    assert Section.objects.filter(plan=plan).count() == 19
    assert indicators.count() == 40
    assert indicators.filter(kind=Indicator.Kind.QUANTITATIVE).count() == 25
    assert indicators.filter(kind=Indicator.Kind.QUALITATIVE).count() == 15
    assert Target.objects.filter(indicator__plan=plan).count() == 29
    assert Project.objects.filter(plan=plan).count() == 28
    assert Project.objects.filter(plan=plan, parent=None).count() == 5
    assert Responsibility.objects.filter(plan=plan).count() == 20
    # No investment table and no money figure anywhere in the document.
    assert BudgetLine.objects.filter(plan=plan).count() == 0
    assert Allocation.objects.filter(line__plan=plan).count() == 0
    assert StatedTotal.objects.filter(plan=plan).count() == 0


def test_agencies_referenced(plan):
    referenced = set(
        Responsibility.objects.filter(plan=plan).values_list("agency__code", flat=True)
    ) | {plan.issuing_body.code}
    assert referenced == {
        "binh-thuan-ubnd",
        "binh-thuan-so-tttt",
        "binh-thuan-so-tc",
        "binh-thuan-so-khdt",
        "binh-thuan-so-nv",
        "binh-thuan-so-gddt",
        "binh-thuan-so-ban-nganh",
        "binh-thuan-ubnd-cap-huyen",
        "binh-thuan-dn-bcvt-cntt",
    }
    assert Agency.objects.filter(code__startswith="binh-thuan-").count() == 10
    assert not Agency.objects.filter(code__startswith="binh-thuan-").exclude(province__code="60")
    tttt = Agency.objects.get(code="binh-thuan-so-tttt")
    assert tttt.successor.code == "binh-thuan-so-khcn"
    assert str(tttt.succeeded_on) == "2025-03-01"
    assert Agency.objects.get(code="binh-thuan-ubnd").successor.code == "lam-dong-ubnd"
    assert tttt.successor.successor.code == "lam-dong-so-khcn"
    assert Agency.objects.get(code="binh-thuan-ubnd-cap-huyen").kind == Agency.Kind.DISTRICT


def test_sections_follow_the_document(plan):
    sections = Section.objects.filter(plan=plan)
    assert list(sections.filter(parent=None).values_list("code", flat=True)) == ["I", "II", "III"]
    assert list(
        sections.filter(parent__code="I.2").values_list("number", "title", "sector__code")
    ) == [
        ("a)", "Về hạ tầng viễn thông băng rộng", "vien-thong"),
        ("b)", "Về nguồn nhân lực công nghệ thông tin", "cntt-nhan-luc"),
        ("c)", "Về ứng dụng công nghệ thông tin", "cntt-ung-dung"),
        # The document goes from c) to đ); there is no d).
        ("đ)", "Về phổ cập thông tin", "pho-cap-thong-tin"),
    ]
    assert sections.filter(parent__code="II").count() == 5
    assert sections.filter(parent__code="III").count() == 5
    positions = list(sections.values_list("position", flat=True))
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_indicators_per_section(plan):
    per_section = dict(
        Indicator.objects.filter(plan=plan)
        .values_list("section__code")
        .annotate(n=Count("id"))
        .values_list("section__code", "n")
    )
    assert per_section == {"I.1": 11, "I.2.a": 11, "I.2.b": 5, "I.2.c": 7, "I.2.dd": 6}
    # Every target of section I.2 is a 2015 target ("Các chỉ tiêu chủ yếu đến năm 2015").
    years = set(
        Target.objects.filter(indicator__plan=plan, indicator__section__code__startswith="I.2")
        .values_list("year", flat=True)
        .distinct()
    )
    assert years == {2015}
    # Qualitative objectives carry no target and are due by the end of the plan.
    qualitative = Indicator.objects.filter(plan=plan, kind=Indicator.Kind.QUALITATIVE)
    assert not Target.objects.filter(indicator__in=qualitative).exists()
    assert set(qualitative.values_list("due_year", flat=True)) == {2015}
    # Every quantitative indicator has at least one target.
    quantitative = Indicator.objects.filter(plan=plan, kind=Indicator.Kind.QUANTITATIVE)
    assert not quantitative.filter(targets=None).exists()


def _target(code, year=2015):
    return Target.objects.get(indicator__plan__slug=SLUG, indicator__code=code, year=year)


@pytest.mark.parametrize(
    ("code", "year", "comparator", "value", "upper", "unit", "phrase"),
    [
        # I.1: "Tốc độ tăng trưởng doanh thu từ BCVT&CNTT hằng năm đạt từ 1,5-2 lần … trở lên"
        (
            "MT-10",
            2013,
            "gte",
            "1.5",
            None,
            "lần",
            "từ 1,5-2 lần tốc độ tăng trưởng GDP trở lên",
        ),
        # I.1: "tỷ trọng BCVT&CNTT đóng góp vào GDP đạt từ 6 - 8%"
        ("MT-11", 2015, "range", "6", "8", "%", "từ 6 - 8%"),
        # I.2.a: "Bán kính các điểm phục vụ BCVT bình quân đạt dưới 1,4 km/điểm"
        ("HT-01", 2015, "lt", "1.4", None, "km/điểm", "dưới 1,4 km/điểm"),
        # I.2.a: "100% xã, phường, thị trấn có thư, báo đến trong ngày"
        ("HT-02", 2015, "eq", "100", None, "%", "100%"),
        # I.2.a: "phủ sóng thông tin di động băng rộng đến 80% dân cư"
        ("HT-05", 2015, "eq", "80", None, "%", "80%"),
        # I.2.a: "Nâng mật độ thuê bao điện thoại lên 135 thuê bao/100 dân"
        ("HT-06", 2015, "eq", "135", None, "thuê bao/100 dân", "135 thuê bao/100 dân"),
        # I.2.a: "tỷ lệ người sử dụng internet đạt 40%"
        ("HT-07", 2015, "eq", "40", None, "%", "40%"),
        # I.2.a: "… và 80% xã, thị trấn kết nối với mạng diện rộng của UBND tỉnh"
        ("HT-09", 2015, "eq", "80", None, "%", "80%"),
        # I.2.a: "tỷ lệ CBCC cấp huyện có máy tính làm việc đạt 1 máy/CBCC"
        ("HT-11", 2015, "eq", "1", None, "máy/CBCC", "1 máy/CBCC"),
        # I.2.b: "80% cán bộ cấp xã có đủ kiến thức …"
        ("NL-05", 2015, "eq", "80", None, "%", "80%"),
        # I.2.c: "Có 60% sở, ban, ngành triển khai ứng dụng phần mềm điện tử một cửa liên thông"
        ("UD-04", 2015, "eq", "60", None, "%", "60%"),
        # I.2.c: "có 60% doanh nghiệp thực hiện giao dịch thương mại điện tử …"
        ("UD-06", 2015, "eq", "60", None, "%", "60%"),
        # I.2.đ: "có ít nhất 20% số hộ gia đình trên toàn tỉnh có máy tính …"
        ("PC-01", 2015, "gte", "20", None, "%", "ít nhất 20%"),
        # I.2.đ: "trên 95% số hộ có máy thu hình"
        ("PC-04", 2015, "gt", "95", None, "%", "trên 95%"),
        # I.2.đ: "trong đó 50% xem được truyền hình số …, 30% xem được truyền hình cáp"
        ("PC-05", 2015, "eq", "50", None, "%", "50%"),
        ("PC-06", 2015, "eq", "30", None, "%", "30%"),
    ],
)
def test_target_spot_checks(seeded, code, year, comparator, value, upper, unit, phrase):
    target = _target(code, year)
    assert target.comparator == comparator
    assert target.value == Decimal(value)
    assert target.upper_value == (Decimal(upper) if upper is not None else None)
    assert target.unit == unit
    assert target.phrase == phrase


def test_indicator_details(plan):
    radius = Indicator.objects.get(plan=plan, code="HT-01")
    assert radius.direction == "lower"
    assert radius.concept.code == "postal-service-radius"
    growth = Indicator.objects.get(plan=plan, code="MT-10")
    assert growth.aggregation == Indicator.Aggregation.YEARLY_RATE
    # "hằng năm" in the 2011-2015 plan: one target for each year.
    assert list(growth.targets.values_list("year", flat=True)) == [2011, 2012, 2013, 2014, 2015]
    wan = Indicator.objects.filter(plan=plan, code__in=["HT-08", "HT-09"])
    assert dict(wan.values_list("scope", "targets__phrase")) == {
        "sở, ban, ngành, huyện, thị xã, thành phố": "100%",
        "xã, thị trấn": "80%",
    }
    trained = Indicator.objects.filter(plan=plan, concept__code="civil-servants-it-trained-pct")
    assert dict(trained.values_list("scope", "targets__phrase")) == {
        "CBCC, VC cấp tỉnh và huyện": "100%",
        "cán bộ cấp xã": "80%",
    }
    concepts = dict(
        Indicator.objects.filter(plan=plan, concept__isnull=False).values_list(
            "code", "concept__code"
        )
    )
    assert concepts == {
        "HT-01": "postal-service-radius",
        "HT-05": "mobile-coverage-pct",
        "HT-06": "telephone-density",
        "HT-07": "internet-users-pct",
        "HT-11": "computers-per-civil-servant",
        "NL-04": "civil-servants-it-trained-pct",
        "NL-05": "civil-servants-it-trained-pct",
        "UD-02": "edocs-exchanged-pct",
        "PC-01": "households-with-computer-pct",
    }
    schools = Indicator.objects.get(plan=plan, code="HT-04")
    assert schools.kind == Indicator.Kind.QUALITATIVE
    assert schools.name == "Kết nối Internet băng rộng đến tất cả các trường học"


def test_target_phrases_are_verbatim_and_read(plan):
    source = normalise_space(plan.source_text)
    for target in Target.objects.filter(indicator__plan=plan):
        assert target.phrase in source
        reading = read_target(target.phrase)
        assert (target.comparator, target.value, target.upper_value, target.unit) == (
            reading.comparator,
            reading.value,
            reading.upper_value,
            reading.unit,
        )


def test_tasks(plan):
    tasks = Project.objects.filter(plan=plan, parent=None)
    assert list(tasks.values_list("code", "name", "section__code")) == [
        ("NV1", "Nâng cao nhận thức", "II.1"),
        ("NV2", "Tăng cường đầu tư hoàn thiện hạ tầng BCVT&CNTT", "II.2"),
        ("NV3", "Phát triển nguồn nhân lực", "II.3"),
        ("NV4", "Đẩy mạnh phát triển ứng dụng công nghệ thông tin", "II.4"),
        ("NV5", "Tăng cường công tác quản lý nhà nước", "II.5"),
    ]
    children = {task.code: task.children.count() for task in tasks}
    # Printed bullets: II.1 is one paragraph; II.2 has 9, II.3 4, II.4 7, II.5 3.
    assert children == {"NV1": 0, "NV2": 9, "NV3": 4, "NV4": 7, "NV5": 3}
    source = normalise_space(plan.source_text)
    for project in Project.objects.filter(plan=plan):
        assert normalise_space(project.name) in source
        assert normalise_space(project.content) in source
    internet = Project.objects.get(plan=plan, code="NV2.7")
    assert "Nâng cao khả năng sử dụng máy tính và truy nhập Internet công cộng" in internet.name
    assert Project.objects.get(plan=plan, code="NV2.6").lead_agency_printed == (
        "Các doanh nghiệp BCVT, các sở, ngành, các địa phương"
    )


def test_responsibilities(plan):
    rows = Responsibility.objects.filter(plan=plan)
    per_agency = dict(rows.values_list("agency__code").annotate(n=Count("id")))
    assert per_agency == {
        "binh-thuan-so-ban-nganh": 5,
        "binh-thuan-ubnd-cap-huyen": 4,
        "binh-thuan-dn-bcvt-cntt": 2,
        "binh-thuan-so-tttt": 3,
        "binh-thuan-so-khdt": 2,
        "binh-thuan-so-tc": 2,
        "binh-thuan-so-nv": 1,
        "binh-thuan-so-gddt": 1,
    }
    assert rows.filter(role="support").count() == 5
    per_section = dict(rows.values_list("section__code").annotate(n=Count("id")))
    assert per_section == {
        "II.1": 2,
        "II.2": 3,
        "III.1": 4,
        "III.2": 2,
        "III.3": 3,
        "III.4": 1,
        "III.5": 2,
        "III": 3,
    }
    tttt = rows.get(section__code="III.1", agency__code="binh-thuan-so-tttt")
    assert tttt.role == "lead"
    # The five bullets of III.1, from the first to the last.
    assert tttt.duties.startswith("- Triển khai xây dựng và thực hiện các Quy hoạch")
    assert tttt.duties.endswith("để quản lý, theo dõi và tổng hợp.")
    assert tttt.duties.count("\n- ") == 4
    home = rows.get(agency__code="binh-thuan-so-nv")
    assert home.role == "lead" and home.duties.startswith("Chủ trì, phối hợp với Sở Thông tin")
    assert set(
        rows.filter(section__code="III.3", role="support").values_list("agency__code", flat=True)
    ) == {"binh-thuan-so-tttt", "binh-thuan-so-ban-nganh"}
    joint = rows.filter(section__code="III.2")
    assert set(joint.values_list("agency__code", flat=True)) == {
        "binh-thuan-so-tc",
        "binh-thuan-so-khdt",
    }
    assert len(set(joint.values_list("duties", flat=True))) == 1
    assert rows.get(agency__code="binh-thuan-so-gddt").duties.startswith(
        "Thực hiện dùng chức năng quản lý nhà nước"
    )
    source = normalise_space(plan.source_text)
    for row in rows:
        assert normalise_space(row.duties) in source


def test_loading_this_fixture_again_changes_nothing(plan):
    def counts():
        return (
            Agency.objects.count(),
            Section.objects.filter(plan=plan).count(),
            Indicator.objects.filter(plan=plan).count(),
            Target.objects.filter(indicator__plan=plan).count(),
            Project.objects.filter(plan=plan).count(),
            Responsibility.objects.filter(plan=plan).count(),
        )

    before = counts()
    call_command("loaddata", str(FIXTURES_DIR / FIXTURE), verbosity=0)
    assert counts() == before

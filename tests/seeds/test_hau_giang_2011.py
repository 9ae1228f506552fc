"""Hậu Giang 2011: Quy hoạch phát triển BC, VT và CNTT tỉnh Hậu Giang đến năm 2020.

Source: fixtures/sources/000_ccc4a988f28d92bc.txt. Every figure below is written as the document
prints it; the source mixes precomposed and decomposed accents, so texts are compared in NFC.
"""

import unicodedata
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from budgets.models import Allocation, BudgetLine, StatedTotal
from indicators.models import Indicator, Target
from plans.models import Agency, Plan, Project, Responsibility, Section
from plans.services import FIXTURES_DIR

pytestmark = pytest.mark.django_db

SLUG = "hau-giang-qh-bcvt-cntt-2020"
FIXTURE = "10_hau-giang-qh-bcvt-cntt-2020.yaml"
YEARS = range(2011, 2021)


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


def plan():
    return Plan.objects.get(slug=SLUG)


def allocations(**filters):
    return Allocation.objects.filter(line__plan__slug=SLUG, **filters)


def total(**filters):
    return allocations(**filters).aggregate(s=Sum("amount"))["s"]


def target(code, year):
    return Target.objects.get(indicator__plan__slug=SLUG, indicator__code=code, year=year)


# ---------------------------------------------------------------- plan metadata


def test_plan_metadata(seeded):
    p = plan()
    assert p.province.code == "93"
    assert p.kind == Plan.Kind.MASTER_PLAN
    assert p.document_number == ""  # no number printed
    assert p.title.startswith("V/V PHÊ DUYỆT QUY HOẠCH PHÁT TRIỂN BƯU CHÍNH, VIỄN THÔNG")
    assert p.title.endswith("TỈNH HẬU GIANG ĐẾN NĂM 2020")
    assert (p.issued_year, p.issued_month, p.issued_day) == (2011, None, None)
    assert p.issued_display == "2011"
    assert p.issuing_body.code == "hau-giang-ubnd"
    assert p.signer == ""  # no signer printed
    assert (p.first_year, p.last_year, p.horizon_year) == (2011, 2020, None)
    assert p.status == Plan.Status.ENDED
    assert "Tờ trình số 240/TTr.SKH&ĐT-KT ngày 18 tháng 5 năm 2011" in p.based_on
    assert "Quyết định số 246/2005/QĐ-TTg" in p.based_on
    assert "Công văn số 2096/UBND-NCTH" in p.based_on
    assert p.source_file == "000_ccc4a988f28d92bc.txt"
    assert "Phần 2. Khái toán đầu tư" in p.source_text


def test_so_tttt_succeeded_by_so_khcn(seeded):
    tttt = Agency.objects.get(code="hau-giang-so-tttt")
    assert tttt.successor.code == "hau-giang-so-khcn"
    assert tttt.succeeded_on.isoformat() == "2025-03-01"
    # On 1/7/2025 Hậu Giang joined Cần Thơ: its People's Committee and Sở KH&CN were
    # succeeded by the city's.
    khcn = tttt.successor
    assert (khcn.successor.code, str(khcn.succeeded_on)) == ("can-tho-so-khcn", "2025-07-01")
    assert Agency.objects.get(code="hau-giang-ubnd").successor.code == "can-tho-ubnd"


# ---------------------------------------------------------------- counts


def test_counts(seeded):
    p = plan()
    assert Section.objects.filter(plan=p).count() == 89
    indicators = Indicator.objects.filter(plan=p)
    assert indicators.filter(kind=Indicator.Kind.QUANTITATIVE).count() == 37
    assert indicators.filter(kind=Indicator.Kind.QUALITATIVE).count() == 22
    assert Target.objects.filter(indicator__plan=p).count() == 58
    assert not Target.objects.filter(indicator__plan=p, indicator__kind="qualitative").exists()
    assert all(i.targets.exists() for i in indicators.filter(kind="quantitative"))
    assert Project.objects.filter(plan=p).count() == 3
    assert BudgetLine.objects.filter(plan=p).count() == 11
    assert allocations().count() == 112
    assert allocations(line__code="CNTT").count() == 30
    assert allocations(line__code__startswith="BC-").count() == 30
    assert allocations(line__code__startswith="VT-").count() == 52
    assert StatedTotal.objects.filter(plan=p).count() == 3
    duties = Responsibility.objects.filter(plan=p)
    assert duties.count() == 60
    assert duties.filter(role="lead").count() == 43
    assert duties.filter(role="support").count() == 17
    referenced = set(duties.values_list("agency__code", flat=True)) | {p.issuing_body.code}
    assert len(referenced) == 18


def test_sections_nest_in_reading_order(seeded):
    sections = list(Section.objects.filter(plan__slug=SLUG).order_by("position"))
    seen = set()
    for section in sections:
        assert section.parent_id is None or section.parent_id in seen, section.code
        seen.add(section.pk)
    top = [s.code for s in sections if s.parent_id is None]
    assert top == ["D1", "D2", "D3"]
    assert Section.objects.get(plan__slug=SLUG, code="P1.III.2.1").sector.code == "cntt-ha-tang"
    assert Section.objects.get(plan__slug=SLUG, code="P3.II.2.5").parent.code == "P3.II.2"
    # Phần 3 › II.2 prints no 2.2: the numbering jumps from 2.1 to 2.3.
    numbers = [s.number for s in Section.objects.filter(plan__slug=SLUG, parent__code="P3.II.2")]
    assert numbers[:2] == ["2.1.", "2.3."]


# ---------------------------------------------------------------- targets in running text


@pytest.mark.parametrize(
    "code, year, comparator, value, upper, unit, phrase",
    [
        # Phần 1 › I.2.1 (2015)
        ("BC-01", 2015, "eq", "100", None, "%", "100%"),
        ("BC-02", 2015, "eq", "100", None, "%", "100%"),
        ("BC-03", 2015, "eq", "2", None, "chuyến/ngày", "2 chuyến/ngày"),
        ("BC-04", 2015, "range", "5", "10", "%", "5 - 10%"),
        ("BC-05", 2015, "range", "30", "50", "%", "30 - 50%"),
        ("BC-06", 2015, "approx", "13", None, "tỷ đồng", "khoảng trên 13 tỷ đồng"),
        # Phần 1 › I.2.2 (2020)
        ("BC-06", 2020, "approx", "43", None, "tỷ đồng", "khoảng trên 43 tỷ đồng"),
        # Phần 1 › I.3 (quy hoạch đến 2020)
        ("BC-10", 2020, "eq", "20", None, "bưu cục", "20 bưu cục"),
        ("BC-13", 2020, "range", "2", "3", "chuyến/ngày", "2-3 chuyến/ngày"),
        ("BC-16", 2020, "eq", "100", None, "%", "100%"),
        # Phần 1 › II.2 * Chỉ tiêu phát triển
        ("VT-04", 2011, "eq", "100", None, "%", "100%"),
        ("VT-05", 2011, "eq", "100", None, "%", "100%"),
        ("VT-06", 2012, "eq", "100", None, "%", "100%"),
        ("VT-07", 2012, "eq", "100", None, "%", "100%"),
        ("VT-08", 2020, "eq", "70", None, "%", "70%"),
        ("VT-09", 2020, "eq", "85", None, "%", "85%"),
        ("VT-10", 2020, "range", "60", "70", "%", "60 - 70%"),
        # Phần 3 › I.2.5.1 (hàng năm)
        (
            "GP-01",
            2020,
            "approx",
            "1",
            None,
            "%",
            "khoảng 1% tổng thu ngân sách",
        ),
    ],
)
def test_running_text_targets(seeded, code, year, comparator, value, upper, unit, phrase):
    t = target(code, year)
    assert t.comparator == comparator
    assert t.value == Decimal(value)
    assert t.upper_value == (Decimal(upper) if upper else None)
    assert nfc(t.unit) == unit
    assert nfc(t.phrase) == phrase


def test_running_text_indicators_by_year(seeded):
    years = set(Target.objects.filter(indicator__plan__slug=SLUG).values_list("year", flat=True))
    assert years == {2011, 2012, 2015, 2020}
    assert Indicator.objects.get(plan__slug=SLUG, code="VT-08").concept.code == "internet-users-pct"
    assert Indicator.objects.get(plan__slug=SLUG, code="VT-06").concept.code == (
        "communes-with-broadband-pct"
    )
    assert Indicator.objects.get(plan__slug=SLUG, code="BC-04").aggregation == "yearly_rate"
    assert Indicator.objects.get(plan__slug=SLUG, code="BC-10").direction == "keep"
    assert Indicator.objects.get(plan__slug=SLUG, code="VT-10").scope == "toàn tỉnh"


def test_qualitative_objectives(seeded):
    qual = Indicator.objects.filter(plan__slug=SLUG, kind="qualitative")
    assert set(qual.values_list("due_year", flat=True)) == {2012, 2020}
    assert qual.filter(due_year=2012).count() == 2  # phân kỳ 2011 - 2012 (Phần 3 › I.2.7.1)
    assert qual.filter(code="BC-08", name__startswith="Cung cấp tất cả").exists()
    assert qual.filter(code="VT-12", name__contains="loại bỏ hoàn toàn mạng TDM").exists()
    assert all(i.unit == "" for i in qual)


# ---------------------------------------------------------------- IT target tables, every cell

IT_TABLE = [
    # Phần 1 › III.2.1 Chỉ tiêu phát triển cơ sở hạ tầng
    ("HT-01", "Số máy tính/1 cán bộ", "Cấp sở, ban, ngành tỉnh, các huyện", "0,85", "0,9"),
    ("HT-02", "Số máy tính/1 cán bộ", "Cấp xã", "0,5", "0,75"),
    ("HT-03", "Triển khai mạng chuyên dụng", "Cấp sở, ban, ngành tỉnh, các huyện", "100%", "100%"),
    ("HT-04", "Triển khai mạng chuyên dụng", "Cấp xã", "100%", "100%"),
    ("HT-05", "cho các đơn vị cơ quan nhà nước", "Cấp xã", "100%", "100%"),
    ("HT-06", "cho các đơn vị giáo dục", "Cấp tiểu học đến phổ thông trung học", "100%", "100%"),
    # Phần 1 › III.2.2 Chỉ tiêu ứng dụng CNTT — trong nội bộ cơ quan Nhà nước
    ("UD-01", "dưới dạng điện tử", "Sở, ban, ngành tỉnh, các huyện", "70%", "90%"),
    ("UD-02", "thư điện tử", "Sở, ban, ngành, huyện, xã", "90%", "100%"),
    ("UD-03", "cơ sở dữ liệu lớn", "Sở, ban, ngành tỉnh, các huyện, xã", "15", "20"),
    ("UD-04", "hệ thống thông tin", "Sở, ban, ngành tỉnh, các huyện", "15", "33"),
    ("UD-05", "an toàn thông tin", "Sở, ban, ngành tỉnh, các huyện", "100%", "100%"),
    # — phục vụ người dân và doanh nghiệp
    ("UD-06", "cổng thông tin điện tử", "Sở, ban, ngành tỉnh, các huyện", "100%", "100%"),
    ("UD-07", "hộ chiếu điện tử", "Toàn tỉnh", "100%", "100%"),
    ("UD-08", "chứng minh nhân dân", "Toàn tỉnh", "30%", "100%"),
    ("UD-09", "giấy phép xây dựng", "Toàn tỉnh", "30%", "100%"),
    ("UD-10", "giao dịch trực tuyến", "Sở, ban, ngành tỉnh, các huyện", "15", "30"),
    ("UD-11", "giảng dạy và quản lý giáo dục", "Toàn tỉnh", "100%", "100%"),
    # Phần 1 › III.2.3 Chỉ tiêu phát triển nguồn nhân lực CNTT
    ("NL-01", "cán bộ chuyên trách", "Sở, ban, ngành tỉnh, các huyện", "100%", "100%"),
    ("NL-02", "cán bộ lãnh đạo", "Sở, ban, ngành tỉnh, các huyện", "100%", "100%"),
    ("NL-03", "thành thạo", "Sở, ban, ngành tỉnh, các huyện", "100%", "100%"),
]


@pytest.mark.parametrize("code, name_part, scope, phrase_2015, phrase_2020", IT_TABLE)
def test_it_target_table_cells(seeded, code, name_part, scope, phrase_2015, phrase_2020):
    indicator = Indicator.objects.get(plan__slug=SLUG, code=code)
    assert name_part in indicator.name
    assert indicator.scope == scope
    assert indicator.kind == "quantitative"
    phrases = {t.year: nfc(t.phrase) for t in indicator.targets.all()}
    assert phrases == {2015: phrase_2015, 2020: phrase_2020}


def test_it_target_table_values(seeded):
    assert target("HT-01", 2015).value == Decimal("0.85")
    assert target("HT-01", 2020).value == Decimal("0.9")
    assert target("HT-02", 2020).value == Decimal("0.75")
    assert target("UD-04", 2020).value == Decimal("33")
    assert target("UD-08", 2015).value == Decimal("30")
    hte = Indicator.objects.get(plan__slug=SLUG, code="HT-01")
    assert hte.concept.code == "computers-per-civil-servant"
    assert Indicator.objects.filter(plan__slug=SLUG, section__code="P1.III.2.2.B").count() == 6
    assert Indicator.objects.filter(plan__slug=SLUG, section__code="P1.III.2.2.A").count() == 5


# ---------------------------------------------------------------- investment: CNTT (tỷ đồng)

# Phần 2 › 1 "Tổng hợp nguồn vốn đầu tư CNTT đến 2020": (NSTW, NSĐP, Nguồn khác, Tổng), tỷ đồng.
IT_ROWS = {
    2011: (10, 10, 1, 21),
    2012: (10, 10, 2, 22),
    2013: (9, 20, 5, 34),
    2014: (7, 20, 4, 31),
    2015: (8, 20, 4, 32),
    2016: (5, 10, 1, 16),
    2017: (2, 10, 1, 13),
    2018: (5, 10, 1, 16),
    2019: (2, 10, 2, 14),
    2020: (4, 10, 3, 17),
}


def test_it_investment_cells_and_row_totals(seeded):
    line = BudgetLine.objects.get(plan__slug=SLUG, code="CNTT")
    assert line.printed_unit == "tỷ đồng"
    for year, (nstw, nsdp, khac, printed_total) in IT_ROWS.items():
        for source, cell in (("nstw", nstw), ("nsdp", nsdp), ("khac", khac)):
            a = allocations(line=line, year_from=year, year_to=year, source__code=source).get()
            assert a.amount == cell * 1000
            assert a.amount_printed == str(cell)
        assert total(line=line, year_from=year) == printed_total * 1000, year


def test_it_investment_column_totals(seeded):
    # Row "Tổng" of the table: 62 / 130 / 24 / 216 tỷ đồng.
    assert total(line__code="CNTT", source__code="nstw") == 62_000
    assert total(line__code="CNTT", source__code="nsdp") == 130_000
    assert total(line__code="CNTT", source__code="khac") == 24_000
    assert total(line__code="CNTT") == 216_000


def test_it_text_says_200_but_table_sums_to_140_for_2011_2015(seeded):
    # Phần 1 › III.3: "Giai đoạn 2011-2015 đầu tư 200 tỷ đồng … 100 tỷ đồng … và 100 tỷ đồng …"
    stated = StatedTotal.objects.get(plan__slug=SLUG, code="TT-1")
    assert (stated.year_from, stated.year_to, stated.source) == (2011, 2015, None)
    assert stated.amount == 200_000
    assert "200 tỷ đồng" in stated.phrase
    table = total(line__code="CNTT", year_from__gte=2011, year_to__lte=2015)
    assert table == 140_000
    assert stated.amount != table
    parts = StatedTotal.objects.filter(plan__slug=SLUG, code__in=["TT-2", "TT-3"])
    assert [p.amount for p in parts] == [100_000, 100_000]
    assert sum(p.amount for p in parts) == stated.amount


# ---------------------------------------------------------------- investment: bưu chính

# Phần 2 › 2.1 "Tổng vốn đầu tư bưu chính giai đoạn đến 2020" (triệu đồng):
# (Thư viện tại điểm BĐVHX, Mạng vận chuyển, Dự án ứng dụng công nghệ mới, Tổng đầu tư).
POSTAL_ROWS = {
    2011: (50, 1500, 2000, 3550),
    2012: (75, 1000, 4000, 5075),
    2013: (85, 0, 2000, 2085),
    2014: (0, 0, 2000, 2000),
    2015: (0, 0, 1000, 1000),
    2016: (0, 0, 1000, 1000),
    2017: (0, 0, 3000, 3000),
    2018: (0, 0, 1000, 1000),
    2019: (0, 0, 1000, 1000),
    2020: (0, 0, 1000, 1000),
}
POSTAL_LINES = ("BC-TV", "BC-VC", "BC-CNM")


def test_postal_investment_cells_and_row_totals(seeded):
    for year, row in POSTAL_ROWS.items():
        for code, cell in zip(POSTAL_LINES, row[:3], strict=True):
            a = allocations(line__code=code, year_from=year, source__code="chung").get()
            assert a.amount == cell
        assert total(line__code__in=POSTAL_LINES, year_from=year) == row[3], year


def test_postal_investment_column_totals(seeded):
    # Row "Tổng": 210 / 2.500 / 18.000 / 20.710 triệu đồng.
    assert total(line__code="BC-TV") == 210
    assert total(line__code="BC-VC") == 2_500
    assert total(line__code="BC-CNM") == 18_000
    assert total(line__code__in=POSTAL_LINES) == 20_710
    assert BudgetLine.objects.get(plan__slug=SLUG, code="BC-CNM").project.code == "DA-01"


# ---------------------------------------------------------------- investment: viễn thông

# Phần 2 › 2.2 "Tổng vốn đầu tư viễn thông giai đoạn đến 2020" (triệu đồng): (Mạng ngoại vi,
# Thiết bị chuyển mạch, Internet, Thuê bao NGN, Điện thoại di động, Truyền dẫn, Trung tâm thông
# tin cơ sở, Tổng đầu tư cho viễn thông); None = blank cell.
TELECOM_ROWS = {
    2011: (60_000, 12_000, 2_000, 75_000, 104_000, 4_800, 4_300, 262_100),
    2012: (66_500, None, None, 78_750, 86_400, 3_420, 150, 235_220),
    2013: (45_250, None, None, 50_750, 45_500, 3_240, 150, 144_890),
    2014: (34_400, None, None, 36_600, 23_600, 4_080, 850, 99_530),
    2015: (40_750, None, None, 41_250, 21_200, 4_320, 150, 107_670),
    2016: (31_000, None, None, 29_800, 19_200, 1_380, 150, 81_530),
    2017: (22_050, None, None, 20_100, 12_900, 880, 850, 56_780),
    2018: (14_000, None, None, 12_100, 11_700, 1_260, 150, 39_210),
    2019: (13_300, None, None, 10_900, 10_500, 1_600, 150, 36_450),
    2020: (12_600, None, None, 9_800, 6_400, 380, 850, 30_030),
}
TELECOM_LINES = ("VT-NV", "VT-CM", "VT-INT", "VT-NGN", "VT-DD", "VT-TD", "VT-TTCS")


def test_telecom_investment_cells_and_row_totals(seeded):
    for year, row in TELECOM_ROWS.items():
        for code, cell in zip(TELECOM_LINES, row[:7], strict=True):
            found = allocations(line__code=code, year_from=year, source__code="chung")
            if cell is None:
                assert not found.exists(), (code, year)
            else:
                assert found.get().amount == cell, (code, year)
        assert total(line__code__in=TELECOM_LINES, year_from=year) == row[7], year


def test_telecom_investment_column_totals(seeded):
    # Row "Tổng": 339.850 / 12.000 / 2.000 / 365.050 / 341.400 / 25.360 / 7.750 / 1.093.410.
    printed = (339_850, 12_000, 2_000, 365_050, 341_400, 25_360, 7_750)
    for code, column_total in zip(TELECOM_LINES, printed, strict=True):
        assert total(line__code=code) == column_total, code
    assert total(line__code__in=TELECOM_LINES) == 1_093_410
    assert allocations(line__code="VT-NV", year_from=2011).get().amount_printed == "60.000"


def test_all_tables_are_single_years(seeded):
    assert not allocations().exclude(year_from=F("year_to")).exists()
    assert set(allocations().values_list("year_from", flat=True)) == set(YEARS)


# ---------------------------------------------------------------- responsibilities


def duties_of(agency, section=None):
    rows = Responsibility.objects.filter(plan__slug=SLUG, agency__code=agency)
    if section:
        rows = rows.filter(section__code=section)
    return rows


def test_duties_per_agency(seeded):
    expected = {
        "hau-giang-so-tttt": 19,  # 1 + 1 (giải pháp) + 6 (II.1.1) + 9 (II.2.1) + Điều 2 + Điều 3
        "hau-giang-so-khdt": 5,  # II.1.2, 3 × II.2.3, Điều 3
        "hau-giang-so-tc": 5,  # II.1.3, 3 × II.2.4, Điều 3
        "hau-giang-so-gtvt": 1,
        "hau-giang-so-khcn": 4,  # 2 × II.1.5, 2 × II.2.6
        "hau-giang-so-nnptnt": 1,
        "hau-giang-cong-an": 1,
        "hau-giang-so-xd": 2,
        "hau-giang-so-ban-nganh": 3,  # II.1.9, II.2.11 last bullet, Điều 3
        "hau-giang-ubnd-cap-huyen": 6,  # 2 × II.1.10, 3 × II.2.10, II.2.11 last bullet
        "hau-giang-so-nv": 3,
        "hau-giang-so-gddt": 1,
        "hau-giang-so-ct": 3,
        "hau-giang-vp-ubnd": 2,  # II.2.9, Điều 3
        "hau-giang-dn-cntt": 2,
        "hau-giang-dn-bcvt": 1,
        "hau-giang-bcd-cntt": 1,
    }
    for agency, count in expected.items():
        assert duties_of(agency).count() == count, agency
    assert sum(expected.values()) == 60


def test_duty_texts_and_roles(seeded):
    tttt = [nfc(r.duties) for r in duties_of("hau-giang-so-tttt", "P3.II.1.1")]
    assert tttt[0].startswith("Chịu trách nhiệm tổ chức triển khai và theo dõi thực hiện Quy hoạch")
    assert tttt[-1].startswith("Phối hợp với các sở, ban, ngành liên quan, đề xuất UBND tỉnh")
    roles = list(duties_of("hau-giang-so-tttt", "P3.II.1.1").values_list("role", flat=True))
    assert roles == ["lead", "support", "support", "lead", "lead", "support"]
    nn = nfc(duties_of("hau-giang-so-nnptnt").get().duties)
    assert "“Thư viện kỹ thuật nông nghiệp”" in nn and "“Hệ thống thông tin cơ sở”" in nn
    assert duties_of("hau-giang-so-nnptnt").get().role == "support"
    assert duties_of("hau-giang-so-tc", "P3.II.1.3").get().role == "lead"
    cio = nfc(duties_of("hau-giang-so-nv", "P3.II.2.5")[1].duties)
    assert "Giám đốc công nghệ thông tin (CIO)" in cio
    ct = [nfc(r.duties) for r in duties_of("hau-giang-so-ct")]
    assert "sàn giao dịch thương mại điện tử của Hậu Giang" in ct[0]
    huyen = list(duties_of("hau-giang-ubnd-cap-huyen", "P3.II.2.10").values_list("role", flat=True))
    assert huyen == ["support", "lead", "lead"]
    dieu2 = nfc(duties_of("hau-giang-so-tttt", "D2").get().duties)
    assert "theo Luật Đấu thầu, kế hoạch vốn" in dieu2
    dieu3 = Responsibility.objects.filter(plan__slug=SLUG, section__code="D3")
    assert dieu3.count() == 5
    assert len({r.duties for r in dieu3}) == 1


def test_every_implementation_section_has_duties(seeded):
    sections = Section.objects.filter(plan__slug=SLUG, parent__code__in=["P3.II.1", "P3.II.2"])
    assert sections.count() == 20
    for section in sections:
        assert section.responsibilities.exists(), section.code


# ---------------------------------------------------------------- projects


def test_projects(seeded):
    projects = Project.objects.filter(plan__slug=SLUG).order_by("position")
    assert [p.code for p in projects] == ["DA-01", "DA-02", "DA-03"]
    first = projects[0]
    assert (first.first_year, first.last_year, first.period_printed) == (2011, 2020, "2011 - 2020")
    assert "máy xóa tem tự động" in nfc(first.content)


# ---------------------------------------------------------------- idempotent loading


def test_loading_this_fixture_again_changes_nothing(seeded):
    models = [Section, Indicator, Target, Project, BudgetLine, Allocation, StatedTotal]
    before = [m.objects.count() for m in models] + [Responsibility.objects.count()]
    call_command("loaddata", str(FIXTURES_DIR / FIXTURE), verbosity=0)
    after = [m.objects.count() for m in models] + [Responsibility.objects.count()]
    assert after == before

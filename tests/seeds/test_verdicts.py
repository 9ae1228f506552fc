"""Verdicts on the seed plans: the figures a new user tried give the status a planner would sign.

Each case enters approved figures on a real seed indicator and reads the status the dashboards
read (progress_of over with_progress_data), then the pages and the workbook that show it.
"""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from indicators.achievement import Status
from indicators.charts import indicator_figure
from indicators.models import Actual, Indicator
from indicators.selectors import APPROVED_ONLY, progress_of, with_progress_data
from tests import factories as f

pytestmark = pytest.mark.django_db

HG = "hau-giang-qh-bcvt-cntt-2020"
ST = "soc-trang-kh-22-2012"
BG = "bac-giang-qd-1005-2012"
BT = "binh-thuan-kh-nq03-2015"


def report(plan_slug: str, code: str, figures: dict[int, str]) -> Indicator:
    indicator = Indicator.objects.get(plan__slug=plan_slug, code=code)
    for year, value in figures.items():
        f.actual(indicator, year=year, value=value, status=Actual.Status.APPROVED)
    return indicator


def judged(indicator: Indicator, year: int):
    [loaded] = with_progress_data(Indicator.objects.filter(pk=indicator.pk))
    return progress_of(loaded, as_of=year, statuses=APPROVED_ONLY)


@pytest.mark.parametrize(
    ("plan", "code", "figures", "year", "expected"),
    [
        # Ranges no longer punish over-achievement.
        (HG, "VT-10", {2020: "80"}, 2020, Status.EXCEEDED),  # ngầm hóa "60 - 70%"
        (HG, "VT-10", {2020: "65"}, 2020, Status.ACHIEVED),
        (HG, "VT-10", {2020: "55"}, 2020, Status.NOT_ACHIEVED),
        (HG, "BC-13", {2020: "4"}, 2020, Status.EXCEEDED),  # "2-3 chuyến/ngày"
        (HG, "BC-04", {2014: "12"}, 2014, Status.EXCEEDED),  # tăng trưởng "5 - 10%"
        (HG, "BC-04", {2014: "-3"}, 2014, Status.NOT_ACHIEVED),  # a negative rate is judged
        (ST, "PC-02", {2015: "35"}, 2015, Status.EXCEEDED),  # "Khoảng 20% - 30%"
        (ST, "NL-04", {2012: "900", 2013: "900", 2015: "1000"}, 2015, Status.EXCEEDED),
        (BG, "VT-07", {2015: "45"}, 2015, Status.EXCEEDED),  # "30 - 40%"
        (BG, "CNTT-02", {2015: "4"}, 2015, Status.EXCEEDED),  # "từ 1-3 hệ thống thông tin"
        (BT, "MT-11", {2015: "9"}, 2015, Status.EXCEEDED),  # "từ 6 - 8%"
    ],
)
def test_seed_figures_get_the_verdict_a_planner_would_sign(
    seeded, plan, code, figures, year, expected
):
    progress = judged(report(plan, code, figures), year)
    assert progress.status_code == expected


def test_a_rate_set_until_2015_has_no_target_in_2018(seeded):
    progress = judged(report(HG, "BC-04", {2018: "7"}), 2018)
    assert progress.status_code == Status.NO_TARGET
    assert progress.target is None


def test_two_and_a_half_times_gdp_growth_meets_mt_10(seeded):
    # "từ 1,5-2 lần tốc độ tăng trưởng GDP trở lên": at least 1,5 times.
    progress = judged(report(BT, "MT-10", {2013: "2.5"}), 2013)
    assert progress.status_code in (Status.ACHIEVED, Status.EXCEEDED)


def test_a_first_figure_without_baseline_is_not_behind(seeded):
    # Internet users 25,4% in 2013 against 70% in 2020, with no baseline and nothing earlier.
    progress = judged(report(HG, "VT-08", {2013: "25.4"}), 2013)
    assert progress.status_code == Status.INSUFFICIENT_BASIS
    assert progress.status.figure == Decimal("25.4")
    assert progress.status.assessment.percent == Decimal("36.29")


def test_status_chart_and_workbook_tell_one_story(seeded, client, django_user_model):
    """The status's expected value, the web chart's path and the workbook's column agree."""
    indicator = report(HG, "VT-08", {2012: "20", 2013: "24", 2015: "33"})
    indicator.baseline_value, indicator.baseline_year = Decimal("10"), 2011
    indicator.save()
    years = range(2012, 2021)
    statuses = {year: judged(indicator, year).status for year in years}

    progress = judged(indicator, 2015)
    figure = indicator_figure(progress, first_year=2011)
    [path] = [trace for trace in figure["data"] if trace.get("line", {}).get("dash") == "dash"]
    points = list(zip(path["x"], path["y"], strict=True))
    assert points[0] == (2011, 10.0)  # the path starts at the baseline, not at a figure

    def on_chart(year):
        for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
            if y0 <= year <= y1:
                return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
        return None

    admin = django_user_model.objects.create_superuser("one-story", password="pw")
    client.force_login(admin)
    response = client.get(reverse("plans:plan-report", args=[HG]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Biểu đồ"]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith("VT-08."))
    in_workbook = {row[0]: row[1] for row in rows[start + 2 :] if isinstance(row[0], int)}

    for year in years:
        expected = statuses[year].expected
        assert expected is not None, year
        assert float(expected) == pytest.approx(on_chart(year)), year
        assert float(expected) == pytest.approx(in_workbook[year]), year
    # 2013: the path 10 → 70 (2011 → 2020) expects 16,67; 24 is ahead of it.
    assert statuses[2013].status == Status.ON_TRACK


def test_the_plan_workbook_writes_exceeded_with_its_own_word_and_fill(
    seeded, client, django_user_model
):
    report(HG, "VT-10", {2020: "80"})
    client.force_login(django_user_model.objects.create_superuser("excel", password="pw"))
    response = client.get(reverse("plans:plan-report", args=[HG]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Chỉ tiêu"]
    header = [cell.value for cell in sheet[1]]
    [row] = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "VT-10"]
    status = row[header.index("Trạng thái")]
    assert status.value == "Vượt chỉ tiêu"
    assert status.fill.fgColor.rgb.endswith("A9D08E")
    assert row[header.index("% mục tiêu")].value == pytest.approx(80 / 60, abs=1e-4)

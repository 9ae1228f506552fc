"""The national picture: today's 34 units × shared concepts, merged provinces kept apart."""

from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.achievement import Status
from indicators.charts import ranking_figure
from indicators.models import Actual, Comparator, Indicator, IndicatorConcept
from indicators.national import ASC, DESC, PROVINCE, national_matrix
from plans import dashboards
from plans.models import Province
from plans.services import seed_plans_load
from tests import factories as f

pytestmark = pytest.mark.django_db

APPROVED = Actual.Status.APPROVED
YEAR = 2015
HG = "hau-giang-qh-bcvt-cntt-2020"  # Hậu Giang "93", now Cần Thơ
ST = "soc-trang-kh-22-2012"  # Sóc Trăng "94", now Cần Thơ
BG = "bac-giang-qd-1005-2012"  # Bắc Giang "24-2004", now Bắc Ninh
BT = "binh-thuan-kh-nq03-2015"  # Bình Thuận "60", now Lâm Đồng
EDOCS = "edocs-exchanged-pct"  # measured by HG UD-01, ST UD-06 and BT UD-02, not by BG


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Load every fixture once for the module (as tests/seeds/conftest.py does for its package)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            seed_plans_load()
            yield
            transaction.set_rollback(True)


def report(plan_slug: str, code: str, year: int, value: str, status=APPROVED) -> Indicator:
    indicator = Indicator.objects.get(plan__slug=plan_slug, code=code)
    f.actual(indicator, year=year, value=value, status=status)
    return indicator


@pytest.fixture
def figures(seeded):
    """Approved figures on e-documents in 2015, and a few more that must not count."""
    report(HG, "UD-01", YEAR, "75.5")
    report(ST, "UD-06", YEAR, "60")
    report(BT, "UD-02", YEAR, "95")
    report(HG, "UD-02", 2013, "80")  # a level reported in 2013: still the figure of 2015
    report(HG, "VT-08", YEAR, "99", status=Actual.Status.SUBMITTED)  # not approved: not shown
    report(BG, "VT-02", 2012, "100")


@pytest.fixture
def national(seeded):
    return f.user(f.NATIONAL, None)


def row_of(matrix, origin_code: str):
    return next(r for r in matrix.rows if r.origin and r.origin.code == origin_code)


def cell_of(matrix, origin_code: str, concept_code: str):
    index = next(n for n, c in enumerate(matrix.columns) if c.concept.code == concept_code)
    return row_of(matrix, origin_code).cells[index]


def origins(matrix) -> list[str | None]:
    return [r.origin.code if r.origin else None for r in matrix.rows]


def test_every_current_province_has_a_row(figures):
    matrix = national_matrix(YEAR)
    shown = {row.province.pk for row in matrix.rows}
    assert shown == set(Province.objects.current().values_list("pk", flat=True))
    assert len(shown) == 34


def test_provinces_without_a_plan_are_shown_as_such(figures, client, national):
    matrix = national_matrix(YEAR)
    hanoi = next(r for r in matrix.rows if r.province.code == "01")
    assert (hanoi.origin, hanoi.has_plans) == (None, False)
    client.force_login(national)
    page = client.get(reverse("indicators:national"), {"year": YEAR}).content.decode()
    assert "Chưa có kế hoạch trong hệ thống" in page


def test_a_province_whose_only_plan_ended_says_none_is_in_force(figures):
    lam_dong = next(r for r in national_matrix(2024).rows if r.province.code == "68")
    assert (lam_dong.origin, lam_dong.has_plans) == (None, True)


def test_can_tho_has_one_row_per_merged_province(figures):
    matrix = national_matrix(YEAR)
    rows = [r for r in matrix.rows if r.province.code == "92"]
    assert [r.origin.code for r in rows] == ["93", "94"]
    assert [r.label for r in rows] == [
        "Cần Thơ — theo kế hoạch của Hậu Giang (nay thuộc Cần Thơ)",
        "Cần Thơ — theo kế hoạch của Sóc Trăng (nay thuộc Cần Thơ)",
    ]
    assert [[p.slug for p in r.plans] for r in rows] == [[HG], [ST]]
    assert [e.figure for e in cell_of(matrix, "93", EDOCS).entries] == [Decimal("75.5")]
    assert [e.figure for e in cell_of(matrix, "94", EDOCS).entries] == [Decimal(60)]


def test_only_plans_in_force_in_the_year_count(figures):
    # Hậu Giang's 2023-2025 plan is not in force in 2015; in 2024 the 2011-2020 one no more.
    assert [p.slug for p in row_of(national_matrix(YEAR), "93").plans] == [HG]
    assert [p.slug for p in row_of(national_matrix(2024), "93").plans] == [
        "hau-giang-kh-ha-tang-so-2023-2025"
    ]


def test_cells_agree_with_the_year_view(figures, national):
    matrix = national_matrix(YEAR)
    entries = {e.indicator.pk: e for row in matrix.rows for cell in row.cells for e in cell.entries}
    can_tho = Province.objects.get(code="92")
    rows = dashboards.year_view(national, can_tho, YEAR, show_unapproved=False)
    compared = [row for row in rows if row.progress.indicator.concept_id]
    assert len(compared) == 18  # every concept-linked indicator of HG's and ST's plans
    for row in compared:
        entry = entries[row.progress.indicator.pk]
        figure = row.progress.status.figure if row.progress.status else None
        assert entry.figure == figure, row.progress.indicator
        assert entry.status_code == row.progress.status_code, row.progress.indicator
        assert (entry.target.pk if entry.target else None) == (
            row.target.pk if row.target else None
        ), row.progress.indicator
    assert entries[Indicator.objects.get(plan__slug=HG, code="UD-02").pk].figure_year == 2013


def test_a_figure_not_approved_is_not_shown(figures):
    [entry] = cell_of(national_matrix(YEAR), "93", "internet-users-pct").entries
    assert entry.figure is None
    assert entry.status_code == Status.NO_DATA


def test_a_concept_no_plan_of_the_province_measures_is_empty(figures):
    assert cell_of(national_matrix(YEAR), "24-2004", EDOCS).entries == []


def test_two_indicators_of_one_concept_are_shown_apart(figures):
    cell = cell_of(national_matrix(YEAR), "93", "computers-per-civil-servant")
    assert [e.indicator.code for e in cell.entries] == ["HT-01", "HT-02"]
    assert all(e.detail for e in cell.entries)


@pytest.fixture
def stray(figures):
    """An indicator of Sóc Trăng counted in stations but linked to a percent concept."""
    plan = Indicator.objects.get(plan__slug=ST, code="UD-06").plan
    indicator = f.indicator(
        plan, code="X-1", unit="trạm", concept=IndicatorConcept.objects.get(code=EDOCS)
    )
    f.actual(indicator, year=YEAR, value="500", status=APPROVED)
    return indicator


def test_a_unit_that_does_not_convert_is_marked_and_not_ranked(stray, client, national):
    matrix = national_matrix(YEAR)
    entry = next(e for e in cell_of(matrix, "94", EDOCS).entries if e.indicator.pk == stray.pk)
    assert (entry.convertible, entry.own_figure, entry.figure) == (False, Decimal(500), None)
    index = [c.concept.code for c in matrix.columns].index(EDOCS)
    assert [bar.figure for bar in matrix.ranking(index)] == [
        Decimal(95),
        Decimal("75.5"),
        Decimal(60),
    ]
    client.force_login(national)
    page = client.get(reverse("indicators:national"), {"year": YEAR}).content.decode()
    assert "đơn vị không quy đổi được (“trạm”)" in page


def test_ranking_chart_draws_bars_best_first_with_targets(stray):
    matrix = national_matrix(YEAR)
    index = [c.concept.code for c in matrix.columns].index(EDOCS)
    figure = ranking_figure(matrix.columns[index].concept, matrix.ranking(index))
    go.Figure(figure)  # raises on anything plotly would not draw
    bars, targets = figure["data"]
    assert bars["x"] == [95.0, 75.5, 60.0]
    assert bars["y"][1] == "Cần Thơ — theo kế hoạch của Hậu Giang (nay thuộc Cần Thơ)"
    assert targets["text"] == ["100%", "70%", "Trên 90%"]


def test_sorting_by_a_concept_puts_cells_without_a_figure_last(stray):
    desc = national_matrix(YEAR, sort=EDOCS, order=DESC)
    asc = national_matrix(YEAR, sort=EDOCS, order=ASC)
    # Sóc Trăng's stray 500 "trạm" does not convert: its row sorts by its 60%.
    assert origins(desc)[:3] == ["60", "93", "94"]
    assert origins(asc)[:3] == ["94", "93", "60"]
    for matrix in (desc, asc):
        column = [c.concept.code for c in matrix.columns].index(EDOCS)
        assert all(r.cells[column].sort_value is None for r in matrix.rows[3:])
        # The rest by name in both orders: An Giang (no plan), then Bắc Ninh (no such figure).
        assert [r.province.name for r in matrix.rows[3:5]] == ["An Giang", "Bắc Ninh"]


def test_sorting_by_province_follows_vietnamese_order(figures):
    names = [r.province.name for r in national_matrix(YEAR, sort=PROVINCE).rows]
    assert names.index("Cần Thơ") < names.index("Đà Nẵng") < names.index("Gia Lai")
    reversed_names = [r.province.name for r in national_matrix(YEAR, order=DESC).rows]
    assert reversed_names[0] == "Vĩnh Long"
    assert reversed_names[-1] == "An Giang"


def test_a_first_click_on_a_concept_asks_for_the_best_first(figures):
    matrix = national_matrix(YEAR)
    by_code = {c.concept.code: c for c in matrix.columns}
    assert by_code[EDOCS].next_order == DESC
    assert by_code["postal-service-radius"].next_order == ASC  # lower is better
    assert (matrix.sort, matrix.order, matrix.province_aria_sort) == (PROVINCE, ASC, "ascending")


def test_the_year_defaults_to_the_latest_approved_figure(figures):
    report(HG, "UD-01", 2016, "80", status=Actual.Status.DRAFT)
    assert national_matrix(None).year == YEAR


def test_page_shows_figures_in_vietnamese_notation_and_links_cells(figures, client, national):
    client.force_login(national)
    response = client.get(reverse("indicators:national"), {"year": YEAR, "sort": EDOCS})
    page = response.content.decode()
    assert response.status_code == 200
    assert "75,5" in page
    assert reverse("plans:plan-dashboard", args=[HG]) in page
    assert 'aria-sort="descending"' in page
    assert ">Toàn quốc</a>" in page  # the navigation link


@pytest.mark.parametrize("role", [f.STAFF, f.LEADER])
def test_provincial_users_are_refused(seeded, client, role):
    client.force_login(f.user(role, Province.objects.get(code="92")))
    response = client.get(reverse("indicators:national"))
    assert response.status_code == 403
    home = client.get(reverse("plans:home")).content.decode()
    assert reverse("indicators:national") not in home  # no navigation link either


def grow(n: int) -> None:
    """Add n provinces merged into Cần Thơ, each with a plan measuring n new concepts."""
    can_tho = Province.objects.get(code="92")
    for _ in range(n):
        province = f.province("Tỉnh cũ", successor=can_tho)
        plan = f.plan(province, first_year=2011, last_year=2020)
        section = f.section(plan)
        for _ in range(n):
            indicator = f.indicator(plan, section=section, concept=f.concept(unit="%"))
            f.target(indicator, year=2015, phrase="80%", comparator=Comparator.EQ, value="80")
            f.target(indicator, year=2020, phrase="90%", comparator=Comparator.EQ, value="90")
            f.actual(indicator, year=2014, value="70", status=APPROVED)
            f.actual(indicator, year=YEAR, value="85", status=APPROVED)


def test_queries_do_not_grow_with_provinces_plans_indicators_and_figures(
    figures, client, national, django_assert_max_num_queries
):
    client.force_login(national)
    url = reverse("indicators:national")

    def rows_shown() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"year": YEAR})
        return len(response.context["matrix"].rows), len(queries)

    # The first reader judges every plan in force, stores the entries and the rendered page.
    small_rows, cold_queries = rows_shown()
    # The next ones: session, user, user and group permissions (reach), the country's version,
    # the stored page, its concepts.
    assert rows_shown() == (small_rows, 7)
    grow(4)
    # Four new plans, their provinces and concepts: the page is rendered again, and only the
    # four plans' entries are judged: the same queries as the first time, whatever the size.
    with django_assert_max_num_queries(cold_queries):
        response = client.get(url, {"year": YEAR})
    assert len(response.context["matrix"].rows) == small_rows + 4
    assert rows_shown() == (small_rows + 4, 7)
    # Without a year, one more: the latest year with an approved figure.
    with django_assert_max_num_queries(10):
        assert client.get(url).context["matrix"].year == YEAR


def test_a_stored_entry_is_never_shown_after_its_data_changed(figures, monkeypatch):
    """Entries are kept per plan and year; a new figure, or other rules, judge them again."""
    from indicators import national as module

    def edocs_of_hau_giang():
        [entry] = cell_of(national_matrix(YEAR), "93", EDOCS).entries
        return entry.own_figure, entry.status_code

    before = edocs_of_hau_giang()
    assert before[0] == Decimal("75.5")
    actual = Actual.objects.get(indicator__plan__slug=HG, indicator__code="UD-01", year=YEAR)
    actual.value = Decimal("20")
    actual.save()  # a single save, as the entry screen and the admin make
    assert edocs_of_hau_giang()[0] == Decimal("20")
    # Snapshots stored under other rules are not used: the stored figure is made wrong on
    # purpose, and only judging again shows the real one.
    snapshot = actual.indicator.plan.concept_snapshots.get(year=YEAR)
    snapshot.entries = [
        [*item[:7], "999", *item[8:]] if item[0] == actual.indicator_id else item
        for item in snapshot.entries
    ]
    snapshot.save()
    assert edocs_of_hau_giang()[0] == Decimal("999")  # the same version and rules: kept
    monkeypatch.setattr(module, "NATIONAL_RULES", "other-rules")
    assert edocs_of_hau_giang()[0] == Decimal("20")


def test_the_stored_page_follows_every_change_it_shows(figures, client, national):
    """The rendered page is reused only while nothing it shows has changed."""
    client.force_login(national)
    url = reverse("indicators:national")

    def page() -> str:
        return client.get(url, {"year": YEAR}).content.decode()

    assert "75,5" in page()
    actual = Actual.objects.get(indicator__plan__slug=HG, indicator__code="UD-01", year=YEAR)
    actual.value = Decimal("42.25")
    actual.save()
    shown = page()
    assert "42,25" in shown and "75,5" not in shown
    province = Province.objects.get(code="93")
    province.name = "Hậu Giang mới"
    province.save()
    assert "Hậu Giang mới" in page()
    concept = IndicatorConcept.objects.get(code=EDOCS)
    concept.name = "Văn bản điện tử (tên mới)"
    concept.save()
    assert "Văn bản điện tử (tên mới)" in page()
    # The English page is kept apart from the Vietnamese one.
    client.cookies["django_language"] = "en"
    english = client.get(url, {"year": YEAR}).content.decode()
    assert "No plan in the system yet" in english  # a row rendered in English
    assert "No plan in the system yet" not in shown


def test_drafts_keep_the_stored_page_and_an_approved_figure_renders_it_again(
    figures, client, national
):
    """Drafts, written as the entry screen writes them, leave the page as it was: it rests on
    the country's approved version (plans.models.CountryVersion)."""
    from plans.models import NationalMatrixPage
    from plans.workflow import FigureEdit, figures_save_versioned

    client.force_login(national)
    url = reverse("indicators:national")
    client.get(url, {"year": YEAR})
    kept = NationalMatrixPage.objects.get(year=YEAR)
    indicator = Indicator.objects.get(plan__slug=ST, code="UD-06")
    edit = FigureEdit(indicator.pk, None, Actual(indicator=indicator, year=2016, value=1), 0)
    figures_save_versioned([edit], fields=("value",), user=None)
    assert Actual.objects.get(indicator=indicator, year=2016).status == Actual.Status.DRAFT
    client.get(url, {"year": YEAR})
    assert NationalMatrixPage.objects.get(year=YEAR).computed_at == kept.computed_at
    stored = Actual.objects.get(indicator=indicator, year=YEAR)
    stored.value = Decimal("65")
    stored.save()  # the approved figure judged in 2015: the page is rendered again
    page = client.get(url, {"year": YEAR}).content.decode()
    assert NationalMatrixPage.objects.get(year=YEAR).fingerprint != kept.fingerprint
    assert ">65<" in page.replace(" ", "")


def test_rankings_after_the_first_are_fetched_on_demand(figures, client, national):
    """The page carries the first ranking's figure; the others come from national-ranking."""
    submitted = Actual.objects.get(indicator__plan__slug=HG, indicator__code="VT-08", year=YEAR)
    submitted.status = APPROVED
    submitted.save()  # internet users, approved: a second ranked concept
    client.force_login(national)
    page = client.get(reverse("indicators:national"), {"year": YEAR})
    charts = page.context["matrix"].charts
    assert len(charts) >= 2
    blob = page.content.decode().split('id="chart-figures"')[1].split("</script>")[0]
    first, second = charts[0]["id"], charts[1]["id"]
    assert first in blob and second not in blob
    url = reverse("indicators:national-ranking", args=[second.removeprefix("ranking-")])
    assert f'data-chart-url="{url}?year={YEAR}"' in page.content.decode()
    fetched = client.get(url, {"year": YEAR}).json()
    assert fetched == page.context["matrix"].figures[second]
    assert fetched["data"][0]["y"]  # one bar per province row with a figure
    missing = reverse("indicators:national-ranking", args=["no-such-concept"])
    assert client.get(missing, {"year": YEAR}).status_code == 404

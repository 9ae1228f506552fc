"""Query counts of the entry, compare, upload and download pages: a bigger viewed object adds
rows to the response, never queries.

Each test makes one request on a small object, grows that same object, and asserts the same
request makes no more queries than before and shows every grown row. The small object is
already a plan with every kind of row, so a relation followed lazily shows up as growth.
"""

import io
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import Allocation, Disbursement
from indicators.models import Actual, Comparator, Indicator, Target
from plans.models import PlanYear
from tests import factories as f
from tests.plans.test_progress_upload import as_upload

pytestmark = pytest.mark.django_db

YEAR = 2013
APPROVED = Actual.Status.APPROVED


def grow(plan, n):
    """Add n indicators and n objectives with figures, and n budget lines with money, to `plan`.

    Every relation a page follows grows with them: sections, sectors, concepts, targets, this and
    last year's figures, projects and their agencies, allocations and disbursements of two
    funding sources, a line without money, duties.
    """
    section = f.section(plan, sector=f.sector())
    lead = f.agency(plan.province)
    local = f.funding_source("nsdp", "NSĐP")
    for _ in range(n):
        measured = f.indicator(plan, section=section, concept=f.concept())
        f.target(measured, year=2012, phrase="50%", comparator=Comparator.EQ, value="50")
        f.target(measured, year=2015)
        f.actual(measured, year=YEAR - 1, value="40")
        f.actual(measured, year=YEAR, value="50")
        objective = f.indicator(
            plan, section=section, kind=Indicator.Kind.QUALITATIVE, unit="", due_year=2015
        )
        f.actual(objective, year=YEAR, value=None, progress=Actual.Progress.IN_PROGRESS)
        line = f.budget_line(plan, section=section, project=f.project(plan, lead_agency=lead))
        f.allocation(line, year_from=2011, year_to=2015)
        f.allocation(line, year_from=YEAR, year_to=YEAR, source=local)
        f.disbursement(line, year=YEAR)
        f.disbursement(line, year=YEAR, source=local)
    f.budget_line(plan, section=section)  # no money yet: entered as "not split by source"
    f.responsibility(plan, lead, section=section)
    return plan


@pytest.fixture
def plan(db):
    plan = grow(f.rich_plan(), 1)
    # Stored before the first request, so that no request creates it and they all do alike.
    PlanYear.objects.create(plan=plan, year=YEAR)
    return plan


@pytest.fixture
def staff(client, plan):
    client.force_login(f.user(f.STAFF, plan.province))
    return client


def measure(call):
    """Return what `call()` returns, and the queries it made."""
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, queries.captured_queries


def indicator_codes(plan) -> set[str]:
    return set(plan.indicators.values_list("code", flat=True))


def line_codes(plan) -> set[str]:
    return set(plan.budget_lines.values_list("code", flat=True))


def page_data(response) -> dict:
    """Return an entry page's forms as the browser sends them back untouched."""
    context = response.context
    forms = [row.form for group in context.get("groups", []) for row in group.rows]
    forms += [cell.form for row in context.get("rows", []) for cell in row.cells]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form.initial.get(name)
            data[form.add_prefix(name)] = "" if value is None else value
    return data


def with_figures(data: dict, value: str, *, limit: int | None = None) -> dict:
    """Return `data` with the first `limit` figures (all by default) typed as `value`."""
    changed = dict(data)
    keys = [k for k in data if k.endswith(("-value", "-amount"))]
    for key in keys[:limit]:
        changed[key] = value
    return changed


def sheet_column(content: bytes, sheet: str) -> list:
    """Return the first column of `sheet` below its header."""
    rows = load_workbook(io.BytesIO(content))[sheet].iter_rows(min_row=2, values_only=True)
    return [row[0] for row in rows if row and row[0] is not None]


# ---------------------------------------------------------------------------------------------
# Entry pages


def entry_rows_shown(response) -> set[str]:
    return set(re.findall(r'data-indicator="([^"]+)"', response.content.decode()))


def budget_cells_shown(response) -> set[tuple[str, str]]:
    return set(re.findall(r'data-line="([^"]+)" data-source="([^"]+)"', response.content.decode()))


def money_cells(plan) -> set[tuple[str, str]]:
    """Return (line, source) of every amount planned or disbursed in the plan."""
    planned = Allocation.objects.filter(line__plan=plan)
    disbursed = Disbursement.objects.filter(line__plan=plan)
    return {
        *planned.values_list("line__code", "source__code"),
        *disbursed.values_list("line__code", "source__code"),
    }


def budget_cells(plan) -> set[tuple[str, str]]:
    """Return the entry page's rows: money_cells(), and (line, "chung") for a line without."""
    cells = money_cells(plan)
    without_money = line_codes(plan) - {line for line, _source in cells}
    return cells | {(line, "chung") for line in without_money}


def test_indicator_entry_queries_do_not_grow_with_the_plan(
    staff, plan, django_assert_max_num_queries
):
    url = reverse("indicators:entry", args=[plan.slug, YEAR])
    _response, small = measure(lambda: staff.get(url))
    grow(plan, 4)
    staff.get(url)  # the navigation bar's count, kept between two writes, kept again
    # 11: session, user, plan, the user's and the groups' permissions, membership, plan-year;
    # indicators with sections, their targets, the figures of this and last year (with who
    # entered them); the province in the page header.
    with django_assert_max_num_queries(len(small)):
        response = staff.get(url)
    assert response.status_code == 200
    assert entry_rows_shown(response) == indicator_codes(plan)


def test_budget_entry_queries_do_not_grow_with_the_plan(staff, plan, django_assert_max_num_queries):
    url = reverse("budgets:entry", args=[plan.slug, YEAR])
    _response, small = measure(lambda: staff.get(url))
    grow(plan, 4)
    # 12: session, user, plan, permissions (user's, groups'), membership, plan-year; budget
    # lines with section, sector and project, their allocations and this year's disbursements,
    # each with its funding source; the "not split by source" funding source, once for every
    # line without money; the province in the header.
    with django_assert_max_num_queries(len(small)):
        response = staff.get(url)
    assert response.status_code == 200
    assert budget_cells_shown(response) == budget_cells(plan)


ENTRY_PAGES = ["indicators:entry", "budgets:entry"]


@pytest.mark.parametrize("page", ENTRY_PAGES)
def test_saving_the_whole_entry_page_queries_do_not_grow_with_its_rows(
    staff, plan, page, django_assert_max_num_queries
):
    """Every row is sent back and validated; two figures change, in the small and big plan."""
    url = reverse(page, args=[plan.slug, YEAR])
    data = with_figures(page_data(staff.get(url)), "61", limit=2)
    response, small = measure(lambda: staff.post(url, data))
    assert response.status_code == 302
    grow(plan, 4)
    data = with_figures(page_data(staff.get(url)), "62", limit=2)
    rows = indicator_codes(plan) if page == "indicators:entry" else budget_cells(plan)
    assert sum(key.endswith("-version") for key in data) == len(rows)  # every row is sent
    # 36 (indicators) or 39 (budget): the page's reads as on GET but the header's province;
    # then in one transaction (a savepoint here) the plan-year and the year's figures locked,
    # and for each of the two changed figures 11 or 12 queries to validate and save it
    # (foreign keys, uniqueness, two checks in savepoints, update or insert, history record).
    with django_assert_max_num_queries(len(small)):
        response = staff.post(url, data)
    assert response.status_code == 302
    saved = (
        Actual.objects.filter(indicator__plan=plan, year=YEAR, value=62)
        if page == "indicators:entry"
        else Disbursement.objects.filter(line__plan=plan, year=YEAR, amount=62)
    )
    assert saved.count() == 2


@pytest.mark.parametrize("page", ENTRY_PAGES)
def test_saving_every_figure_of_the_entry_page_queries_do_not_grow(
    staff, plan, page, django_assert_max_num_queries
):
    url = reverse(page, args=[plan.slug, YEAR])
    data = with_figures(page_data(staff.get(url)), "61")
    response, small = measure(lambda: staff.post(url, data))
    assert response.status_code == 302
    grow(plan, 4)
    data = with_figures(page_data(staff.get(url)), "62")
    with django_assert_max_num_queries(len(small)):
        response = staff.post(url, data)
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------------
# Compare


def measuring(concept, province, n, *, unit="%"):
    """Add a plan in `province` with n indicators of `concept`, each with targets and figures."""
    plan = f.plan(province, first_year=2011, last_year=2015)
    for _ in range(n):
        indicator = f.indicator(plan, concept=concept, unit=unit, section=f.section(plan))
        f.target(indicator, year=2012, phrase="50%", comparator=Comparator.EQ, value="50")
        f.target(indicator, year=2015)
        f.actual(indicator, year=2012, value="40", status=APPROVED)
        f.actual(indicator, year=2013, value="55")
    return plan


def test_compare_queries_do_not_grow_with_the_concepts_indicators(
    client, django_assert_max_num_queries
):
    concept = f.concept("internet-users-pct")
    home = f.province("Hậu Giang")
    measuring(concept, home, 1)
    client.force_login(f.user(f.ADMIN, None))
    url = reverse("indicators:concept-compare", args=[concept.code]) + "?figures=all"
    _response, small = measure(lambda: client.get(url))
    # The concept gains indicators in a second plan of the same province, in plans of two other
    # provinces, and one in a unit that does not convert.
    measuring(concept, home, 2)
    for name in ("Sóc Trăng", "Bình Thuận"):
        measuring(concept, f.province(name), 2)
    measuring(concept, f.province("Bắc Giang"), 1, unit="trạm")
    # 10: session, user, concept, permissions (user's, groups'), membership, the plans the user
    # reaches with their provinces, the concept's indicators (with plan, section, sector,
    # concept), their targets, their figures.
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["series"]) == 8
    page = response.content.decode()
    assert all(name in page for name in ("Hậu Giang", "Sóc Trăng", "Bình Thuận", "Bắc Giang"))


# ---------------------------------------------------------------------------------------------
# Progress template, upload and confirm


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_progress_template_queries_do_not_grow_with_the_plan(
    staff, plan, django_assert_max_num_queries
):
    url = reverse("plans:progress-template", args=[plan.slug, YEAR])
    _content, small = measure(lambda: download(staff, url))
    grow(plan, 4)
    # 15: session, user, plan, permissions (user's, groups'), membership, plan-year; the entry
    # page's indicators, targets and figures; its budget lines, allocations, disbursements and
    # the unsplit funding source; the plan's province for the info sheet.
    with django_assert_max_num_queries(len(small)):
        content = download(staff, url)
    assert set(sheet_column(content, "Chỉ tiêu")) == indicator_codes(plan)
    budget = load_workbook(io.BytesIO(content))["Giải ngân"].iter_rows(min_row=2, values_only=True)
    assert {(row[0], row[2]) for row in budget} == budget_cells(plan)


def measured_codes(plan) -> set[str]:
    return set(
        plan.indicators.exclude(kind=Indicator.Kind.QUALITATIVE).values_list("code", flat=True)
    )


def filled_template(client, plan, value, *, limit=None):
    """Return the plan's progress template with its first `limit` figures (all) typed as `value`."""
    content = download(client, reverse("plans:progress-template", args=[plan.slug, YEAR]))
    book = load_workbook(io.BytesIO(content))
    measured = measured_codes(plan)
    cells = [
        *(row[6] for row in book["Chỉ tiêu"].iter_rows(min_row=2) if row[0].value in measured),
        *(row[5] for row in book["Giải ngân"].iter_rows(min_row=2)),
    ]
    for cell in cells[:limit]:
        cell.value = value
    return book


def preview(client, plan, book):
    url = reverse("plans:progress-upload", args=[plan.slug, YEAR])
    return client.post(url, {"file": as_upload(book)})


def test_upload_preview_queries_do_not_grow_with_the_rows_of_the_file(
    staff, plan, django_assert_max_num_queries
):
    book = filled_template(staff, plan, 70)
    response, small = measure(lambda: preview(staff, plan, book))
    assert response.context["preview"].errors == []
    grow(plan, 4)
    book = filled_template(staff, plan, 71)  # also keeps the navigation bar's count again
    sheets = (book["Chỉ tiêu"], book["Giải ngân"], book["Dự án, nhiệm vụ"])
    rows = sum(sheet.max_row - 1 for sheet in sheets)
    # 17: session, user, plan, permissions (user's, groups'), membership, plan-year (for the
    # header, again for the lock check); the plan's indicators and this year's figures; its
    # budget lines, every funding source and this year's disbursements; its projects, duties
    # and this year's progress; the header's province.
    with django_assert_max_num_queries(len(small)):
        response = preview(staff, plan, book)
    assert response.status_code == 200
    shown = response.context["preview"]
    assert shown.errors == []
    assert len(shown.rows) == rows
    assert shown.changed_count == len(measured_codes(plan)) + len(budget_cells(plan))


def confirm(client, plan, response):
    url = reverse("plans:progress-upload", args=[plan.slug, YEAR])
    return client.post(url, {"payload": response.context["preview"].payload})


def test_upload_confirm_queries_do_not_grow_with_the_rows_of_the_file(
    staff, plan, django_assert_max_num_queries
):
    """Every row of the plan is in the file; two figures change, in the small and big plan."""
    previewed = preview(staff, plan, filled_template(staff, plan, 70, limit=2))
    response, small = measure(lambda: confirm(staff, plan, previewed))
    assert response.status_code == 302
    grow(plan, 4)
    previewed = preview(staff, plan, filled_template(staff, plan, 71, limit=2))
    work = plan.projects.count() + plan.responsibilities.count()  # the projects and duties sheet
    assert (
        len(previewed.context["preview"].rows)
        == len(indicator_codes(plan)) + len(budget_cells(plan)) + work
    )
    # 38: session, user, plan, permissions (user's, groups'), membership, plan-year; then in
    # one transaction the plan's indicators, budget lines and funding sources, the plan-year
    # and this year's figures locked, and 11 queries for each of the two changed figures (see
    # the entry page above).
    with django_assert_max_num_queries(len(small)):
        response = confirm(staff, plan, previewed)
    assert response.status_code == 302
    assert Actual.objects.filter(indicator__plan=plan, year=YEAR, value=71).count() == 2


# ---------------------------------------------------------------------------------------------
# Plan workbook and plan report


def test_plan_workbook_queries_do_not_grow_with_the_plan(
    staff, plan, django_assert_max_num_queries
):
    url = reverse("plans:plan-workbook", args=[plan.slug])
    _content, small = measure(lambda: download(staff, url))
    grow(plan, 4)
    # 20: session, user, plan, permissions (user's, groups'), membership; the sectors and the
    # funding sources the guide lists; the plan's province and issuing body; its sections,
    # indicators (section, concept), their targets, projects, budget lines, their allocations,
    # the allocations' sources, duties; the agencies named; stated totals.
    with django_assert_max_num_queries(len(small)):
        content = download(staff, url)
    assert set(sheet_column(content, "Chỉ tiêu")) == indicator_codes(plan)
    assert Counter(sheet_column(content, "Mục tiêu")) == Counter(
        Target.objects.filter(indicator__plan=plan).values_list("indicator__code", flat=True)
    )
    assert set(sheet_column(content, "Đầu tư")) == line_codes(plan)
    assert len(sheet_column(content, "Kế hoạch vốn")) == (
        Allocation.objects.filter(line__plan=plan).count()
    )
    assert set(sheet_column(content, "Dự án")) == set(plan.projects.values_list("code", flat=True))
    assert set(sheet_column(content, "Phân công")) == set(
        plan.responsibilities.values_list("code", flat=True)
    )


def test_plan_report_queries_do_not_grow_with_the_plan(staff, plan, django_assert_max_num_queries):
    url = reverse("plans:plan-report", args=[plan.slug]) + "?figures=all"
    _content, small = measure(lambda: download(staff, url))
    grow(plan, 4)
    # 15: session, user, plan (province, its successor, issuing body), permissions (user's,
    # groups'), membership; indicators (section, sector, plan, concept), their targets, their
    # figures; budget lines (section, sector, project), allocations and disbursements with
    # sources; duties with agencies; projects with lead agency and parent; stated totals.
    with django_assert_max_num_queries(len(small)):
        content = download(staff, url)
    assert set(sheet_column(content, "Chỉ tiêu")) == indicator_codes(plan)
    subtotals = [c for c in sheet_column(content, "Đầu tư") if c.startswith("Tổng phụ")]
    assert len(subtotals) == len({line for line, _source in money_cells(plan)})
    book = load_workbook(io.BytesIO(content))
    assert book["Dự án"].max_row - 1 == plan.projects.count()
    assert book["Phân công"].max_row - 1 == plan.responsibilities.count()

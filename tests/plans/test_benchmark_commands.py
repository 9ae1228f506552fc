"""benchmark_data builds valid, audited, removable data; benchmark measures every page on it."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from budgets.models import Allocation, BudgetLine, Disbursement, FundingSource
from indicators.models import Actual, Indicator, Target
from plans.management.commands.benchmark import COLUMNS
from plans.management.commands.benchmark_data import PREFIX, UPLOAD_PLAN, bench_counts
from plans.management.commands.loadtest import leaders, percentile
from plans.models import Agency, Membership, Plan, PlanYear, Province, Section
from tests import factories as f

pytestmark = pytest.mark.django_db

TINY = {
    "provinces": 2,
    "plans_per_province": 1,
    "indicators": 3,
    "years": 2,
    "lines": 2,
    "upload_rows": 10,
    "national_leaders": 1,
}
MODELS = [Province, Agency, Plan, Section, Indicator, Target, Actual, BudgetLine, Allocation]
MODELS += [Disbursement, PlanYear, Membership, FundingSource]


@pytest.fixture
def tiny(settings):
    settings.DEBUG = True  # the command refuses to create its accounts otherwise
    f.concept("internet-users-pct", unit="%")
    f.concept("households-fiber-pct", name="Tỷ lệ hộ có cáp quang", unit="%")
    before = {model: model.objects.count() for model in MODELS}
    call_command("benchmark_data", stdout=io.StringIO(), **TINY)
    return before


def bench_plans():
    return Plan.objects.filter(slug__startswith=PREFIX).exclude(slug=UPLOAD_PLAN)


def test_benchmark_data_creates_the_requested_sizes(tiny):
    assert bench_plans().count() == 2
    assert Province.objects.filter(name__startswith="Tỉnh thử").count() == 2
    assert Indicator.objects.filter(plan__in=bench_plans()).count() == 2 * 3
    # 2 plans × 3 indicators × 2 years, every one approved
    assert Actual.objects.filter(indicator__plan__in=bench_plans()).count() == 12
    assert not Actual.objects.exclude(status=Actual.Status.APPROVED).exists()
    # 2 plans × 2 lines × 2 sources × 2 years, planned and disbursed
    assert Allocation.objects.filter(line__plan__in=bench_plans()).count() == 16
    assert Disbursement.objects.filter(line__plan__in=bench_plans()).count() == 16
    assert set(
        PlanYear.objects.filter(plan__in=bench_plans()).values_list("status", flat=True)
    ) == {PlanYear.Status.APPROVED}


def test_benchmark_data_upload_plan_has_the_requested_rows_and_an_open_year(tiny):
    plan = Plan.objects.get(slug=UPLOAD_PLAN)
    cells = Allocation.objects.filter(line__plan=plan).values("line", "source").distinct()
    assert plan.indicators.count() + cells.count() == 10
    assert plan.plan_years.get().status == PlanYear.Status.DRAFT


def test_benchmark_data_links_indicators_to_concepts(tiny):
    assert Indicator.objects.filter(plan__in=bench_plans(), concept__isnull=False).exists()


def test_benchmark_data_creates_a_leader_and_staff_per_province_and_national_users(tiny):
    users = get_user_model().objects.filter(username__startswith=PREFIX)
    names = set(users.values_list("username", flat=True))
    assert {"bench-national-1", "bench-admin"} <= names
    assert len([n for n in names if n.startswith("bench-leader-")]) == 2
    assert len([n for n in names if n.startswith("bench-staff-")]) == 2
    national = users.get(username="bench-national-1")
    assert national.has_perm("plans.view_all_provinces")
    assert national.membership.province is None


def test_benchmark_data_rows_pass_full_clean(tiny):
    for model in (Plan, Section, Indicator, Target, Actual, BudgetLine, Allocation, Disbursement):
        for row in model.objects.all()[:20]:
            row.full_clean()
    for row in PlanYear.objects.all():
        row.full_clean()


def test_benchmark_data_records_history(tiny):
    for model in (Plan, Indicator, Target, Allocation, PlanYear, Membership):
        assert model.history.count() == model.objects.count(), model
    # Figures carry the review trail: entered as a draft, submitted, approved.
    actual = Actual.objects.filter(indicator__plan__in=bench_plans()).first()
    trail = actual.history.order_by("history_date").values_list("history_type", "status")
    assert list(trail) == [("+", "draft"), ("~", "submitted"), ("~", "approved")]
    disbursement = Disbursement.objects.filter(line__plan__in=bench_plans()).first()
    assert disbursement.history.count() == 3


def test_benchmark_data_refuses_to_load_twice(tiny):
    with pytest.raises(Exception, match="--clear"):
        call_command("benchmark_data", stdout=io.StringIO(), **TINY)


def test_clear_removes_everything_benchmark_data_made(tiny):
    call_command("benchmark_data", clear=True, stdout=io.StringIO())
    assert not any(bench_counts().values()), bench_counts()
    assert {model: model.objects.count() for model in MODELS} == tiny


def test_benchmark_data_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG"):
        call_command("benchmark_data", stdout=io.StringIO(), **TINY)


def test_benchmark_prints_a_row_per_page_with_numbers(tiny):
    out = io.StringIO()
    call_command("benchmark", same_db=True, repeat=1, warmup=0, slow_repeat=1, stdout=out)
    lines = out.getvalue().splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("page "))
    assert [cell.strip() for cell in lines[header].split("|")] == [t for _k, t, _f in COLUMNS]
    rows = {}
    for line in lines[header + 2 :]:
        if not line.strip():
            break
        cells = [cell.strip() for cell in line.split("|")]
        rows[cells[0]] = cells[1:]
    pages = [
        "home, national leader",
        "home, provincial leader",
        "plan dashboard",
        "year view",
        "compare, provincial leader",
        "compare, national leader",
        "agency list, provincial leader",
        "agency list, national leader",
        "national matrix",
        "floor: a page without data",
        "national workbook",
        "progress template (10 rows)",
        "upload preview",
        "upload confirm",
        "upload preview + confirm",
        "admin export of figures, xlsx",
        "admin export of figures, csv",
    ]
    assert list(rows) == pages
    for page, cells in rows.items():
        if page in ("floor: a page without data", "national workbook"):
            # Nothing to aggregate, or measured against its bounds: no raw SQL to compare with.
            cells = cells[:3] + cells[5:]
        assert all(re.fullmatch(r"\d+(\.\d+)?", cell) for cell in cells), (page, cells)


def test_benchmark_upload_saves_every_row_as_draft(tiny):
    call_command(
        "benchmark",
        same_db=True,
        repeat=1,
        warmup=0,
        slow_repeat=1,
        only=["upload"],
        stdout=io.StringIO(),
    )
    plan = Plan.objects.get(slug=UPLOAD_PLAN)
    drafts = Actual.objects.filter(indicator__plan=plan, status=Actual.Status.DRAFT)
    assert drafts.count() == plan.indicators.count()
    assert Disbursement.objects.filter(line__plan=plan).count() == 2


def test_clear_after_a_benchmark_removes_what_the_pages_derived_too(tiny):
    # Pages may keep rows derived from a plan (caches): clearing must not trip over them.
    call_command(
        "benchmark",
        same_db=True,
        repeat=1,
        warmup=0,
        only=["home, national leader"],
        stdout=io.StringIO(),
    )
    call_command("benchmark_data", clear=True, stdout=io.StringIO())
    assert not any(bench_counts().values())
    assert {model: model.objects.count() for model in MODELS} == tiny


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert [percentile(values, p) for p in (50, 95, 99)] == [50.0, 95.0, 99.0]
    assert percentile([3.0], 95) == 3.0


def test_loadtest_leaders_open_only_pages_they_reach(tiny):
    found = leaders(3, 1)
    provincial = [leader for leader in found if not leader.national]
    assert len(provincial) == 3 and len(found) == 4
    for leader in provincial:
        assert set(leader.pages) == {"home", "year view", "plan dashboard"}
        assert len(leader.pages["plan dashboard"]) == 1  # its province's one plan
    national = next(leader for leader in found if leader.national)
    assert len(national.pages["plan dashboard"]) == 2
    assert national.pages["national matrix"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_loadtest_logs_in_and_browses_a_live_server_without_errors(settings, live_server):
    settings.DEBUG = True
    f.concept("internet-users-pct", unit="%")
    call_command("benchmark_data", stdout=io.StringIO(), **TINY)
    out = io.StringIO()
    call_command(
        "loadtest",
        url=live_server.url,
        # One leader: the live server shares one in-memory SQLite connection between threads.
        provincial=0,
        national=1,
        seconds=1,
        think_min=0,
        think_max=0.2,
        stdout=out,
    )
    report = out.getvalue()
    assert "Logins: 1, errors 0" in report
    assert re.search(r"Requests: [1-9]\d*, errors: 0,", report), report


def test_a_national_leaders_kept_home_follows_the_generated_data_and_its_removal(settings, client):
    # Bulk writes and raw deletes send no signal: the command bumps the country's version.
    from tests import home_page

    settings.DEBUG = True
    client.force_login(f.user(f.NATIONAL, None))
    assert not home_page.plan_slugs(client.get("/").content.decode())
    call_command("benchmark_data", stdout=io.StringIO(), **TINY)
    shown = home_page.plan_slugs(client.get("/").content.decode())
    assert shown == set(Plan.objects.values_list("slug", flat=True)) and shown
    call_command("benchmark_data", clear=True, stdout=io.StringIO())
    assert not home_page.plan_slugs(client.get("/").content.decode())

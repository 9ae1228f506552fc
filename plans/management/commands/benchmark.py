"""Time each page, export and upload at two data sizes, interleaved, against hand-written SQL.

The driver starts one worker process per database (`benchmark --worker`, DATABASE_URL set to
it) and sends both the same requests in turn, small then large, round after round: a slow
moment of the machine hits both sizes alike. Each worker calls the pages in-process through
Django's test Client, logged in as the users `benchmark_data` made. `--same-db` runs both
"sizes" in this process on the configured database: a smoke test of the whole path.

Per page: the median wall time of the timed rounds; then one profiling round counting SQL
queries (connection.execute_wrapper) and the peak of Python memory allocated during the
request (tracemalloc; memory held by C libraries, such as libpq's result buffers, is not
counted); and the median time of the page's main aggregates as hand-written SQL, run through
connection.cursor() in the same rounds.
"""

import argparse
import io
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
import traceback
import tracemalloc
import warnings
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from budgets.models import Allocation, BudgetLine, Disbursement
from indicators.models import Actual, Indicator, IndicatorConcept, Target
from plans import access
from plans.management.commands.benchmark_data import ADMIN_USER, PREFIX, UPLOAD_PLAN
from plans.models import Agency, Plan, PlanYear, Project, Responsibility
from plans.spreadsheets import progress

MARK = "@@benchmark "
HEAD_BYTES = 1 << 20  # what is kept of a streamed download, for the checks
SIZES = ("small", "large")

HOME_NATIONAL = "home, national leader"
HOME_PROVINCIAL = "home, provincial leader"
DASHBOARD = "plan dashboard"
YEAR_VIEW = "year view"
COMPARE_PROVINCIAL = "compare, provincial leader"
COMPARE_NATIONAL = "compare, national leader"
AGENCIES_PROVINCIAL = "agency list, provincial leader"
AGENCIES_NATIONAL = "agency list, national leader"
NATIONAL = "national matrix"
# Issue #15's national report: every shared indicator × province × year, and every plan-year.
NATIONAL_WORKBOOK = "national workbook"
# A page with nothing to aggregate (the notices of a leader who has none): what any page costs
# in this worker (session, user, permissions, navigation bar, base template). The pages'
# ratios to raw SQL are read against it.
FLOOR = "floor: a page without data"
TEMPLATE = "progress template"
PREVIEW = "upload preview"
CONFIRM = "upload confirm"
UPLOAD = "upload preview + confirm"
EXPORT_XLSX = "admin export of figures, xlsx"
EXPORT_CSV = "admin export of figures, csv"

# The goals of issue #13, checked on the table. (row, what, limit)
SCALING_PAGES = (
    DASHBOARD,
    YEAR_VIEW,
    COMPARE_PROVINCIAL,
    COMPARE_NATIONAL,
    AGENCIES_PROVINCIAL,
    AGENCIES_NATIONAL,
    NATIONAL,
)
GOALS = (
    [(HOME_NATIONAL, "ratio", 2.0), (HOME_NATIONAL, "peak_mb", 150.0)]
    + [(row, "ratio", 1.2) for row in SCALING_PAGES]
    + [(row, "raw_ratio", 10.0) for row in SCALING_PAGES]
    + [(UPLOAD, "seconds", 3.0)]
    + [(row, what, limit) for row in (EXPORT_XLSX, EXPORT_CSV, NATIONAL_WORKBOOK)
       for what, limit in (("seconds", 10.0), ("peak_mb", 200.0))]
)  # fmt: skip


class BenchmarkFailed(Exception):
    """A page answered something else than the benchmark expects; the message says what."""


# ---------------------------------------------------------------------------------------------
# Measuring


class Meter:
    """Time blocks of one run; in a profiling run also count queries and the memory peak."""

    def __init__(self, *, profile: bool):
        self.profile = profile
        self.rows: dict[str, dict] = {}

    @contextmanager
    def __call__(self, row: str):
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            if self.profile:
                stack.enter_context(connection.execute_wrapper(count))
                tracemalloc.start()
            started = time.perf_counter()
            try:
                yield
            finally:
                seconds = time.perf_counter() - started
                peak = tracemalloc.get_traced_memory()[1] if self.profile else None
                if self.profile:
                    tracemalloc.stop()
        self.rows[row] = {
            "seconds": seconds,
            "queries": queries[0] if self.profile else None,
            "peak_mb": peak / 2**20 if peak is not None else None,
        }

    def combine(self, row: str, parts: list[str]) -> None:
        """Add `row` as the sum of `parts` (a step a person takes as one)."""
        found = [self.rows[part] for part in parts]

        def total(key):
            values = [item[key] for item in found]
            return None if None in values else sum(values)

        self.rows[row] = {
            "seconds": total("seconds"),
            "queries": total("queries"),
            "peak_mb": max(item["peak_mb"] for item in found) if self.profile else None,
        }


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


class _Rollback(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# One database: the pages and their SQL


def _host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    if "testserver" in hosts or not hosts:
        return "testserver" if "testserver" in hosts else "localhost"
    return hosts[0].lstrip(".")


def _in(column: str, ids) -> tuple[str, list]:
    """Return an SQL condition keeping `column` in `ids`, and its parameters (None: all)."""
    if ids is None:
        return "1 = 1", []
    ids = sorted(ids)
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def _tables() -> dict[str, str]:
    return {
        "actual": Actual._meta.db_table,
        "indicator": Indicator._meta.db_table,
        "target": Target._meta.db_table,
        "plan": Plan._meta.db_table,
        "allocation": Allocation._meta.db_table,
        "disbursement": Disbursement._meta.db_table,
        "line": BudgetLine._meta.db_table,
        "agency": Agency._meta.db_table,
        "project": Project._meta.db_table,
        "responsibility": Responsibility._meta.db_table,
        "user": get_user_model()._meta.db_table,
    }


@dataclass
class Scenario:
    key: str
    run: object  # (workload, meter) -> None; fills meter rows
    raw: object  # (workload) -> {row: seconds}
    slow: bool = False  # an export: fewer rounds


class Workload:
    """The benchmark users, objects and clients of the configured database."""

    def __init__(self):
        users = get_user_model()
        self.host = _host()
        self.secure = bool(settings.SECURE_SSL_REDIRECT)
        self.notes: list[str] = []
        self.t = _tables()
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise BenchmarkFailed(
                f"The database {connection.settings_dict['NAME']} has unapplied migrations: "
                "run manage.py migrate on it first."
            )
        try:
            self.upload_plan = Plan.objects.select_related("province__successor").get(
                slug=UPLOAD_PLAN
            )
        except Plan.DoesNotExist:
            raise BenchmarkFailed(
                "No benchmark data in this database: run manage.py benchmark_data first."
            ) from None
        self.province = self.upload_plan.province
        unit = self.province.current
        self.unit = unit
        self.national_user = users.objects.get(username=f"{PREFIX}national-1")
        self.leader = users.objects.get(username=f"{PREFIX}leader-{unit.code.lower()}")
        self.staff = users.objects.get(username=f"{PREFIX}staff-{unit.code.lower()}")
        self.admin = users.objects.get(username=ADMIN_USER)
        self.plan = (
            Plan.objects.filter(province=self.province, slug__startswith=PREFIX)
            .exclude(slug=UPLOAD_PLAN)
            .order_by("slug")
            .first()
        )
        self.year = (
            PlanYear.objects.filter(plan=self.plan, status=PlanYear.Status.APPROVED)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        ) or timezone.localdate().year - 1
        self.concept = (
            IndicatorConcept.objects.filter(indicators__plan=self.plan).order_by("code").first()
        )
        self.upload_year = timezone.localdate().year
        self.reach_provincial = access.own_provinces(self.leader)
        self.unit_provinces = access.province_and_predecessors(unit.pk)
        self.upload_rows = Indicator.objects.filter(plan=self.upload_plan).count() + len(
            {
                (line, source)
                for line, source in Allocation.objects.filter(
                    line__plan=self.upload_plan
                ).values_list("line", "source")
            }
        )
        self.clients = {}
        for name, user in (
            ("national", self.national_user),
            ("leader", self.leader),
            ("staff", self.staff),
            ("admin", self.admin),
        ):
            client = Client(HTTP_HOST=self.host)
            client.force_login(user)
            self.clients[name] = client
        self.iteration = 0
        self.export_fields = None
        self.urls = {
            "home": reverse("plans:home"),
            "dashboard": reverse("plans:plan-dashboard", args=[self.plan.slug]),
            "year view": reverse("plans:year-view", args=[unit.slug, self.year]),
            "agencies": reverse("plans:agency-list"),
            "floor": reverse("plans:notices"),
        }
        if self.concept is not None:
            self.urls["compare"] = reverse("indicators:concept-compare", args=[self.concept.code])
        else:
            self.notes.append("compare skipped: no indicator of the plan is linked to a concept")
        try:
            self.urls["national"] = f"{reverse('indicators:national')}?year={self.year}"
        except NoReverseMatch:
            self.notes.append("national matrix skipped: the URL indicators:national does not exist")
        try:
            self.urls["national workbook"] = reverse("indicators:national-workbook")
        except NoReverseMatch:
            self.notes.append("national workbook skipped: its URL does not exist")

    # -- helpers -------------------------------------------------------------------------------

    def get(self, who: str, url: str, data=None, *, expect=200, keep=False):
        response = self.clients[who].get(url, data, secure=self.secure)
        return self._check(response, url, expect, keep)

    def post(self, who: str, url: str, data, *, expect=200):
        response = self.clients[who].post(url, data, secure=self.secure)
        return self._check(response, url, expect, keep=False)

    @staticmethod
    def _check(response, url, expect, keep):
        """Read the response to its end; keep its body whole only if `keep`.

        A streamed download is read inside the timing, as a browser would, but not kept: a
        server never holds it whole, so neither does the memory measured.
        """
        if response.status_code != expect:
            raise BenchmarkFailed(f"{url}: HTTP {response.status_code}, expected {expect}")
        if getattr(response, "streaming", False):
            kept, size, lines = [], 0, 0
            for chunk in response.streaming_content:
                if keep or size < HEAD_BYTES:
                    kept.append(chunk)
                size += len(chunk)
                lines += chunk.count(b"\n")
            response.body, response.size, response.lines = b"".join(kept), size, lines
        else:
            body = response.content
            response.body, response.size, response.lines = body, len(body), body.count(b"\n")
        return response

    def sql(self, statements: list[tuple[str, list]]):
        """Return a callable running `statements` and fetching every row they return."""

        def run():
            with connection.cursor() as cursor:
                for statement, params in statements:
                    cursor.execute(statement.format(**self.t), params)
                    cursor.fetchall()

        return run

    def scenarios(self) -> list[Scenario]:
        found = [
            Scenario(row, _page(row, who, url), _raw(row, who, statements))
            for row, who, url, statements in PAGES
            if url in self.urls
        ]
        found += [
            Scenario("upload", _upload, _raw_upload),
            Scenario(EXPORT_XLSX, _export_xlsx, _raw_export, slow=True),
            Scenario(EXPORT_CSV, _export_csv, _raw_export, slow=True),
        ]
        return found

    def info(self) -> dict:
        return {
            "database": connection.settings_dict["NAME"],
            "vendor": connection.vendor,
            "plans": Plan.objects.count(),
            "figures": Actual.objects.count(),
            "money": Allocation.objects.count() + Disbursement.objects.count(),
            "province": str(self.province),
            "plan": self.plan.slug,
            "year": self.year,
            "concept": self.concept.code if self.concept else None,
            "upload_rows": self.upload_rows,
            "scenarios": [{"key": s.key, "slow": s.slow} for s in self.scenarios()],
            "notes": self.notes,
        }

    def handle(self, message: dict) -> dict:
        scenarios = {s.key: s for s in self.scenarios()}
        if message["op"] == "info":
            return self.info()
        scenario = scenarios[message["scenario"]]
        if message["op"] == "run":
            meter = Meter(profile=message.get("profile", False))
            scenario.run(self, meter)
            return {"rows": meter.rows}
        if message["op"] == "raw":
            return {"rows": scenario.raw(self)}
        raise ValueError(f"unknown operation {message['op']!r}")


# -- the pages ----------------------------------------------------------------------------------


def _page(row: str, who: str, url: str):
    """Return a scenario run opening the workload's URL `url` as `who`."""

    def run(w: Workload, meter: Meter):
        with meter(row):
            w.get(who, w.urls[url])

    return run


def _raw(row: str, who: str, statements):
    """Return a scenario's SQL timing: `statements(workload, provinces)` within who's reach."""

    def run(w: Workload) -> dict:
        provinces = None if who == "national" else w.reach_provincial
        found = statements(w, provinces)
        return {row: _timed(w.sql(found))} if found else {}

    return run


def fill_progress_template(content: bytes, iteration: int) -> bytes:
    """Return the template with a new figure in every row: each upload changes every row."""
    book = load_workbook(io.BytesIO(content))
    for sheet_name, header, base in (
        (progress.INDICATORS.title, "Thực hiện", 5),
        (progress.BUDGET.title, "Giải ngân (triệu đồng)", 100),
    ):
        sheet = book[sheet_name]
        headers = [cell.value for cell in sheet[1]]
        column = headers.index(header) + 1
        for number in range(2, sheet.max_row + 1):
            # Below 100, so that percentages stay percentages.
            sheet.cell(row=number, column=column, value=base + (number + iteration) % 90)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(w: Workload, meter: Meter):
    slug, year = w.upload_plan.slug, w.upload_year
    upload_url = reverse("plans:progress-upload", args=[slug, year])
    rows = w.upload_rows
    with meter(f"{TEMPLATE} ({rows} rows)"):
        template = w.get("staff", reverse("plans:progress-template", args=[slug, year]), keep=True)
    w.iteration += 1
    filled = fill_progress_template(template.body, w.iteration)
    upload = SimpleUploadedFile(
        "mau.xlsx",
        filled,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    with meter(PREVIEW):
        preview = w.post("staff", upload_url, {"file": upload})
    found = re.search(rb'name="payload" value="([^"]+)"', preview.body)
    if not found:
        raise BenchmarkFailed(f"{upload_url}: the preview offers no confirmation")
    entry_url = reverse("indicators:entry", args=[slug, year])
    with meter(CONFIRM):
        confirm = w.post("staff", upload_url, {"payload": found.group(1).decode()}, expect=302)
    if confirm["Location"] != entry_url:
        raise BenchmarkFailed(f"{upload_url}: the confirmation was refused")
    meter.combine(UPLOAD, [PREVIEW, CONFIRM])


def _export(w: Workload, meter: Meter, row: str, export_format: str):
    url = reverse("admin:indicators_actual_export")
    if w.export_fields is None:
        form = w.get("admin", url).body.decode()
        w.export_fields = dict.fromkeys(set(re.findall(r'name="(\w+resource_\w+)"', form)), "on")
    with meter(row):
        response = w.post(
            "admin", url, {"format": export_format, "resource": "0", **w.export_fields}
        )
    wanted = "text/csv" if export_format == "1" else "spreadsheetml"
    if wanted not in response["Content-Type"]:
        raise BenchmarkFailed(f"{url}: format {export_format} is {response['Content-Type']}")
    # Every figure is in it: a CSV line each (and a header); an xlsx of some size at least.
    figures = Actual.objects.count()
    complete = response.lines > figures if export_format == "1" else response.size > figures
    if not complete:
        raise BenchmarkFailed(f"{url}: the export holds less than the {figures} figures")


def _export_xlsx(w: Workload, meter: Meter):
    _export(w, meter, EXPORT_XLSX, "0")


def _export_csv(w: Workload, meter: Meter):
    _export(w, meter, EXPORT_CSV, "1")


# -- the SQL of what each page aggregates -------------------------------------------------------

# Per indicator, the latest approved figure up to a year and the target that applies then.
LATEST_AND_TARGET = (
    "(SELECT a.value FROM {actual} a WHERE a.indicator_id = i.id AND a.status = 'approved' "
    "AND a.year <= %s ORDER BY a.year DESC LIMIT 1), "
    "(SELECT t.value FROM {target} t WHERE t.indicator_id = i.id AND t.year >= %s "
    "ORDER BY t.year LIMIT 1)"
)


def _home_sql(w: Workload, provinces) -> list[tuple[str, list]]:
    reach, params = _in("p.province_id", provinces)
    latest = (
        "WITH latest AS (SELECT i.plan_id, MAX(a.year) AS year FROM {actual} a "
        "JOIN {indicator} i ON i.id = a.indicator_id JOIN {plan} p ON p.id = i.plan_id "
        f"WHERE a.status = 'approved' AND {reach} GROUP BY i.plan_id) "
        "SELECT i.plan_id, i.id, a.value, (SELECT t.value FROM {target} t "
        "WHERE t.indicator_id = i.id AND t.year >= l.year ORDER BY t.year LIMIT 1) "
        "FROM {indicator} i JOIN latest l ON l.plan_id = i.plan_id "
        "LEFT JOIN {actual} a ON a.indicator_id = i.id AND a.year = l.year "
        "AND a.status = 'approved'"
    )
    planned = (
        "SELECT l.plan_id, SUM(x.amount) FROM {allocation} x JOIN {line} l ON l.id = x.line_id "
        f"JOIN {{plan}} p ON p.id = l.plan_id WHERE {reach} GROUP BY l.plan_id"
    )
    disbursed = (
        "SELECT l.plan_id, x.status, SUM(x.amount) FROM {disbursement} x "
        "JOIN {line} l ON l.id = x.line_id "
        f"JOIN {{plan}} p ON p.id = l.plan_id WHERE {reach} GROUP BY l.plan_id, x.status"
    )
    return [(latest, params), (planned, params), (disbursed, params)]


def _dashboard_sql(w: Workload, provinces=None) -> list[tuple[str, list]]:
    plan = [w.plan.pk]
    statements = [
        (
            "SELECT i.id, a.year, a.value FROM {indicator} i LEFT JOIN {actual} a "
            "ON a.indicator_id = i.id AND a.status = 'approved' WHERE i.plan_id = %s",
            plan,
        ),
        (
            "SELECT t.indicator_id, t.year, t.value FROM {target} t "
            "JOIN {indicator} i ON i.id = t.indicator_id WHERE i.plan_id = %s",
            plan,
        ),
        (
            "SELECT x.line_id, x.source_id, x.year_from, x.year_to, SUM(x.amount) "
            "FROM {allocation} x JOIN {line} l ON l.id = x.line_id WHERE l.plan_id = %s "
            "GROUP BY x.line_id, x.source_id, x.year_from, x.year_to",
            plan,
        ),
        (
            "SELECT x.line_id, x.source_id, x.year, SUM(x.amount) FROM {disbursement} x "
            "JOIN {line} l ON l.id = x.line_id WHERE l.plan_id = %s AND x.status = 'approved' "
            "GROUP BY x.line_id, x.source_id, x.year",
            plan,
        ),
    ]
    return statements


def _year_view_sql(w: Workload, provinces=None) -> list[tuple[str, list]]:
    reach, params = _in("p.province_id", w.unit_provinces)
    statement = (
        f"SELECT i.id, {LATEST_AND_TARGET} FROM {{indicator}} i "
        f"JOIN {{plan}} p ON p.id = i.plan_id WHERE {reach} AND p.first_year <= %s "
        "AND COALESCE(p.horizon_year, p.last_year) >= %s"
    )
    params = [w.year, w.year, *params, w.year, w.year]
    return [(statement, params)]


def _compare_sql(w: Workload, provinces) -> list[tuple[str, list]]:
    reach, params = _in("p.province_id", provinces)
    return [
        (
            "SELECT i.id, a.year, a.value FROM {indicator} i JOIN {plan} p ON p.id = i.plan_id "
            "LEFT JOIN {actual} a ON a.indicator_id = i.id AND a.status = 'approved' "
            f"WHERE i.concept_id = %s AND {reach}",
            [w.concept.pk, *params],
        ),
        (
            "SELECT t.indicator_id, t.year, t.value FROM {target} t "
            "JOIN {indicator} i ON i.id = t.indicator_id JOIN {plan} p ON p.id = i.plan_id "
            f"WHERE i.concept_id = %s AND {reach}",
            [w.concept.pk, *params],
        ),
    ]


def _agencies_sql(w: Workload, provinces) -> list[tuple[str, list]]:
    reach, params = _in("p.province_id", provinces)
    statement = (
        "SELECT g.id, g.name FROM {agency} g WHERE g.id IN (SELECT x.lead_agency_id "
        f"FROM {{project}} x JOIN {{plan}} p ON p.id = x.plan_id WHERE {reach}) "
        "OR g.id IN (SELECT r.agency_id FROM {responsibility} r "
        f"JOIN {{plan}} p ON p.id = r.plan_id WHERE {reach}) ORDER BY g.name"
    )
    return [(statement, [*params, *params])]


def _national_sql(w: Workload, provinces=None) -> list[tuple[str, list]]:
    statement = (
        f"SELECT p.province_id, i.concept_id, i.id, {LATEST_AND_TARGET} "
        "FROM {indicator} i JOIN {plan} p ON p.id = i.plan_id "
        "WHERE i.concept_id IS NOT NULL AND p.first_year <= %s "
        "AND COALESCE(p.horizon_year, p.last_year) >= %s"
    )
    year = w.year
    return [(statement, [year, year, year, year])]


# Each page: its row, who opens it, its URL (Workload.urls), the SQL of what it aggregates.
PAGES = (
    (HOME_NATIONAL, "national", "home", _home_sql),
    (HOME_PROVINCIAL, "leader", "home", _home_sql),
    (DASHBOARD, "leader", "dashboard", _dashboard_sql),
    (YEAR_VIEW, "leader", "year view", _year_view_sql),
    (COMPARE_PROVINCIAL, "leader", "compare", _compare_sql),
    (COMPARE_NATIONAL, "national", "compare", _compare_sql),
    (AGENCIES_PROVINCIAL, "leader", "agencies", _agencies_sql),
    (AGENCIES_NATIONAL, "national", "agencies", _agencies_sql),
    (NATIONAL, "national", "national", _national_sql),
    (FLOOR, "leader", "floor", lambda w, provinces: []),
    # Measured against its bounds (seconds, memory); its SQL is the national matrix's, per year.
    (NATIONAL_WORKBOOK, "national", "national workbook", lambda w, provinces: []),
)


def _upsert_statements(w: Workload) -> list[tuple[str, list[tuple]]]:
    """Return the INSERT … ON CONFLICT of every figure the upload writes, with its rows."""
    year, now, staff = w.upload_year, timezone.now(), w.staff.pk
    indicators = Indicator.objects.filter(plan=w.upload_plan).values_list("pk", flat=True)
    cells = (
        Allocation.objects.filter(line__plan=w.upload_plan).values_list("line", "source").distinct()
    )
    actuals = (
        "INSERT INTO {actual} (indicator_id, year, value, progress, note, evidence, status, "
        "version, entered_at, updated_at, entered_by_id) "
        "VALUES (%s, %s, %s, '', '', '', 'draft', 1, %s, %s, %s) "
        "ON CONFLICT (indicator_id, year) DO UPDATE SET value = EXCLUDED.value, "
        "version = {actual}.version + 1, updated_at = EXCLUDED.updated_at"
    )
    money = (
        "INSERT INTO {disbursement} (line_id, year, source_id, amount, note, status, version, "
        "entered_at, updated_at, entered_by_id) "
        "VALUES (%s, %s, %s, %s, '', 'draft', 1, %s, %s, %s) "
        "ON CONFLICT (line_id, year, source_id) DO UPDATE SET amount = EXCLUDED.amount, "
        "version = {disbursement}.version + 1, updated_at = EXCLUDED.updated_at"
    )
    return [
        (actuals, [(pk, year, Decimal(7), now, now, staff) for pk in indicators]),
        (money, [(line, year, source, Decimal(7), now, now, staff) for line, source in cells]),
    ]


def _raw_upload(w: Workload) -> dict:
    slug_id, year = [w.upload_plan.pk], w.upload_year
    template = [
        (
            "SELECT i.id, i.code, i.name, b.value, c.value, c.version FROM {indicator} i "
            "LEFT JOIN {actual} b ON b.indicator_id = i.id AND b.year = %s "
            "LEFT JOIN {actual} c ON c.indicator_id = i.id AND c.year = %s "
            "WHERE i.plan_id = %s",
            [year - 1, year, *slug_id],
        ),
        (
            "SELECT t.indicator_id, t.year, t.phrase FROM {target} t "
            "JOIN {indicator} i ON i.id = t.indicator_id WHERE i.plan_id = %s",
            slug_id,
        ),
        (
            "SELECT l.id, l.code, x.source_id, SUM(x.amount) FROM {line} l "
            "LEFT JOIN {allocation} x ON x.line_id = l.id AND x.year_from <= %s "
            "AND x.year_to >= %s WHERE l.plan_id = %s GROUP BY l.id, l.code, x.source_id",
            [year, year, *slug_id],
        ),
        (
            "SELECT d.line_id, d.source_id, d.amount, d.version FROM {disbursement} d "
            "JOIN {line} l ON l.id = d.line_id WHERE l.plan_id = %s AND d.year = %s",
            [*slug_id, year],
        ),
    ]
    preview = [
        ("SELECT i.id, i.code, i.unit FROM {indicator} i WHERE i.plan_id = %s", slug_id),
        (
            "SELECT a.indicator_id, a.value, a.progress, a.note, a.evidence, a.version "
            "FROM {actual} a JOIN {indicator} i ON i.id = a.indicator_id "
            "WHERE i.plan_id = %s AND a.year = %s",
            [*slug_id, year],
        ),
        (
            "SELECT d.line_id, d.source_id, d.amount, d.version FROM {disbursement} d "
            "JOIN {line} l ON l.id = d.line_id WHERE l.plan_id = %s AND d.year = %s",
            [*slug_id, year],
        ),
    ]
    upserts = _upsert_statements(w)

    def confirm():
        # Written, then rolled back: the next round uploads onto the same figures.
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for statement, rows in upserts:
                        cursor.executemany(statement.format(**w.t), rows)
                raise _Rollback
        except _Rollback:
            pass

    seconds = {
        f"{TEMPLATE} ({w.upload_rows} rows)": _timed(w.sql(template)),
        PREVIEW: _timed(w.sql(preview)),
        CONFIRM: _timed(confirm),
    }
    seconds[UPLOAD] = seconds[PREVIEW] + seconds[CONFIRM]
    return seconds


def _raw_export(w: Workload) -> dict:
    statement = (
        "SELECT p.slug, i.code, a.year, a.value, a.progress, a.note, a.evidence, a.status, "
        "u.username, a.entered_at, a.updated_at, a.version FROM {actual} a "
        "JOIN {indicator} i ON i.id = a.indicator_id JOIN {plan} p ON p.id = i.plan_id "
        "LEFT JOIN {user} u ON u.id = a.entered_by_id ORDER BY a.indicator_id, a.year"
    )
    seconds = _timed(w.sql([(statement, [])]))
    return {EXPORT_XLSX: seconds, EXPORT_CSV: seconds}


# ---------------------------------------------------------------------------------------------
# Running the two sizes


class InProcess:
    """Both sizes on the configured database, in this process (--same-db)."""

    def __init__(self):
        self.workload = Workload()

    def call(self, **message) -> dict:
        with override_settings(DEBUG=False):
            return self.workload.handle(message)

    def close(self):
        pass


class RequestTimedOut(Exception):
    """A worker did not answer in time; it was stopped and started again."""

    def __init__(self, seconds: float, resident_mb: float | None):
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds
        self.resident_mb = resident_mb


def _resident_mb(pid: int) -> float | None:
    """Return the resident memory of process `pid` in MB (Linux), or None."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


class Worker:
    """A `benchmark --worker` process on one database, answering one request at a time.

    A request unanswered after `timeout` seconds stops the worker (RequestTimedOut) and
    starts a fresh one, so that one export taking many minutes cannot hold the whole run.
    """

    def __init__(self, database_url: str, *, timeout: float | None = None):
        self.database_url = database_url
        self.timeout = timeout
        self._start()

    def _start(self):
        env = {**os.environ, "DATABASE_URL": self.database_url}
        self.process = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "benchmark", "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            cwd=settings.BASE_DIR,
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.process, self.lines), daemon=True).start()

    @staticmethod
    def _read(process, lines):
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    def call(self, **message) -> dict:
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + self.timeout if self.timeout else None
        while True:
            try:
                wait = None if deadline is None else max(deadline - time.monotonic(), 0)
                line = self.lines.get(timeout=wait)
            except queue.Empty:
                resident = _resident_mb(self.process.pid)
                self.process.kill()
                self.process.wait()
                self._start()
                raise RequestTimedOut(self.timeout, resident) from None
            if line is None:
                raise CommandError(f"The worker stopped (exit code {self.process.wait()}).")
            if line.startswith(MARK):
                reply = json.loads(line[len(MARK) :])
                if "error" in reply:
                    raise CommandError(f"The worker failed:\n{reply['error']}")
                return reply

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def serve_worker(stdin, stdout) -> None:
    """Answer the driver's requests, one JSON line each, until it says quit."""
    # Pages are served without collectstatic, as in the tests: WhiteNoise only warns.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    workload = None
    with override_settings(DEBUG=False):
        for line in stdin:
            message = json.loads(line)
            if message["op"] == "quit":
                return
            try:
                if workload is None:
                    workload = Workload()
                reply = workload.handle(message)
            except Exception:
                reply = {"error": traceback.format_exc()}
            stdout.write(MARK + json.dumps(reply) + "\n")
            stdout.flush()


def median(values):
    return statistics.median(values) if values else None


def run_benchmark(
    runners: dict, *, repeat: int, warmup: int, slow_repeat: int, only=None, progress=None
):
    """Run every scenario on both sizes, interleaved; return the results by row.

    A scenario that times out on a size is not run again on it; its rows say so. `progress`,
    if given, is called with a line of text after each measurement.
    """
    progress = progress or (lambda line: None)
    infos = {size: runners[size].call(op="info") for size in SIZES}
    keys = [s["key"] for s in infos["small"]["scenarios"]]
    large_keys = {s["key"] for s in infos["large"]["scenarios"]}
    slow = {s["key"] for s in infos["small"]["scenarios"] if s["slow"]}
    notes = sorted(set(infos["small"]["notes"]) | set(infos["large"]["notes"]))
    skipped = [k for k in keys if k not in large_keys]
    if skipped:
        notes.append(f"skipped, missing in the large database: {', '.join(skipped)}")
    keys = [k for k in keys if k in large_keys and (not only or k in only)]
    times = {size: defaultdict(list) for size in SIZES}
    raws = {size: defaultdict(list) for size in SIZES}
    profiles = {size: {} for size in SIZES}
    timed_out = {size: {} for size in SIZES}  # scenario -> seconds waited
    rows_of = defaultdict(list)  # scenario -> its rows, in the order they first appear

    def call(size, key, **message):
        try:
            return runners[size].call(op="run", scenario=key, **message)["rows"]
        except RequestTimedOut as stopped:
            timed_out[size][key] = stopped.seconds
            memory = f"{stopped.resident_mb:.0f} MB" if stopped.resident_mb else "unknown"
            what = "profiling " if message.get("profile") else ""
            notes.append(
                f"{key}, {size}: {what}stopped after {stopped.seconds:g} s "
                f"(worker resident memory then: {memory})"
            )
            progress(notes[-1])
            return None

    for round_ in range(warmup + repeat):
        timed = round_ >= warmup
        for key in keys:
            if key in slow and (round_ < warmup or round_ - warmup >= slow_repeat):
                continue
            for size in SIZES:
                if key in timed_out[size]:
                    continue
                rows = call(size, key)
                if rows is None:
                    rows_of[key] = rows_of[key] or [key]
                    continue
                shown = ", ".join(f"{row} {r['seconds']:.2f} s" for row, r in rows.items())
                step = f"round {round_ + 1 - warmup}" if timed else f"warm-up {round_ + 1}"
                progress(f"{step}, {size}: {shown}")
                for row in rows:
                    if row not in rows_of[key]:
                        rows_of[key] = [r for r in rows_of[key] if r != key] + [row]
                if not timed:
                    continue
                for row, result in rows.items():
                    times[size][row].append(result["seconds"])
                for row, seconds in runners[size].call(op="raw", scenario=key)["rows"].items():
                    raws[size][row].append(seconds)
    for key in keys:
        for size in SIZES:
            if key in timed_out[size]:
                continue
            rows = call(size, key, profile=True)
            if rows is not None:
                profiles[size].update(rows)
                progress(f"profiled {key}, {size}")
    results = []
    for key in keys:
        for row in rows_of[key]:
            small, large = median(times["small"][row]), median(times["large"][row])
            raw = median(raws["large"][row])
            results.append(
                {
                    "page": row,
                    "small": small,
                    "large": large,
                    "ratio": large / small if small and large else None,
                    "raw": raw,
                    "raw_ratio": large / raw if raw and large else None,
                    "queries_small": profiles["small"].get(row, {}).get("queries"),
                    "queries_large": profiles["large"].get(row, {}).get("queries"),
                    "peak_mb": profiles["large"].get(row, {}).get("peak_mb"),
                    "runs": len(times["large"][row]),
                    "timeout_small": timed_out["small"].get(key) if not small else None,
                    "timeout_large": timed_out["large"].get(key) if not large else None,
                }
            )
    return {"sizes": infos, "rows": results, "notes": notes}


COLUMNS = (
    ("page", "page", "{}"),
    ("small", "median small ms", "{:.0f}"),
    ("large", "median large ms", "{:.0f}"),
    ("ratio", "large/small", "{:.2f}"),
    ("raw", "raw SQL large ms", "{:.1f}"),
    ("raw_ratio", "large/raw SQL", "{:.1f}"),
    ("queries_small", "queries small", "{}"),
    ("queries_large", "queries large", "{}"),
    ("peak_mb", "peak MB large", "{:.1f}"),
)


def at_least(row: dict, key: str) -> float | None:
    """Return what a timed-out row's column is at least (the time waited), else None."""
    waited = row.get("timeout_large")
    if key == "small":
        return row.get("timeout_small")
    if not waited or row["large"] is not None:
        return None
    if key == "large":
        return waited
    if key == "ratio" and row["small"]:
        return waited / row["small"]
    if key == "raw_ratio" and row["raw"]:
        return waited / row["raw"]
    return None


def format_table(rows: list[dict]) -> str:
    """Return the results as a plain text table (dot decimals, whatever the language).

    A page stopped after the time limit shows ">" and the time waited.
    """

    def cell(row, key, fmt):
        value, prefix = row[key], ""
        if value is None:
            value, prefix = at_least(row, key), ">"
        if value is None:
            return "-"
        if key in ("small", "large", "raw"):
            value *= 1000
        return prefix + fmt.format(value)

    table = [[title for _key, title, _fmt in COLUMNS]]
    table += [[cell(row, key, fmt) for key, _title, fmt in COLUMNS] for row in rows]
    widths = [max(len(line[n]) for line in table) for n in range(len(COLUMNS))]
    lines = []
    for number, line in enumerate(table):
        parts = [
            text.ljust(width) if n == 0 else text.rjust(width)
            for n, (text, width) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append(" | ".join(parts))
        if number == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def check_goals(rows: list[dict]) -> list[str]:
    """Return one line per goal of issue #13 found in the table: met, missed, not measured."""
    by_page = {row["page"]: row for row in rows}
    shown = {
        "seconds": "seconds large",
        "ratio": "large/small",
        "raw_ratio": "large/raw SQL",
        "peak_mb": "peak MB large",
    }
    lines = []
    for page, what, limit in GOALS:
        row = by_page.get(page)
        if row is None:
            continue
        key = "large" if what == "seconds" else what
        value, prefix = row[key], ""
        if value is None:
            value, prefix = at_least(row, key), ">"
        if value is None:
            lines.append(f"-      {page}: {shown[what]} not measured (goal <= {limit:g})")
            continue
        verdict = "met" if value <= limit and not prefix else "MISSED"
        lines.append(f"{verdict:6} {page}: {shown[what]} {prefix}{value:.2f} (goal <= {limit:g})")
    return lines


class Command(BaseCommand):
    help = (
        "Time each page, export and upload on a small and a large benchmark database, "
        "interleaved, against the raw SQL of their aggregates; print one table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--small-db", help="DATABASE_URL of the one-province database.")
        parser.add_argument("--large-db", help="DATABASE_URL of the national database.")
        parser.add_argument(
            "--same-db",
            action="store_true",
            help="Measure the configured database as both sizes, in this process (smoke test).",
        )
        parser.add_argument("--repeat", type=int, default=5, help="Timed rounds per page.")
        parser.add_argument("--warmup", type=int, default=1, help="Untimed rounds first.")
        parser.add_argument(
            "--slow-repeat",
            type=int,
            default=3,
            help="Timed rounds of the admin exports (never warmed up: each takes seconds).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=120,
            help="Seconds a request may take before its worker is stopped and restarted "
            "(0: no limit; --same-db has none).",
        )
        parser.add_argument("--only", nargs="*", help="Only these scenarios (by name).")
        parser.add_argument("--json", help="Also write the results to this file.")
        parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["worker"]:
            serve_worker(sys.stdin, sys.stdout)
            return
        if options["same_db"]:
            same = InProcess()
            runners = {"small": same, "large": same}
        elif options["small_db"] and options["large_db"]:
            timeout = options["timeout"] or None
            runners = {
                "small": Worker(options["small_db"], timeout=timeout),
                "large": Worker(options["large_db"], timeout=timeout),
            }
        else:
            raise CommandError("Give --small-db and --large-db, or --same-db.")
        slow_repeat = max(min(options["slow_repeat"], options["repeat"]), 1)
        started = time.perf_counter()
        try:
            results = run_benchmark(
                runners,
                repeat=max(options["repeat"], 1),
                warmup=max(options["warmup"], 0),
                slow_repeat=slow_repeat,
                only=set(options["only"] or ()),
                progress=self.stderr.write if options["verbosity"] >= 1 else None,
            )
        except BenchmarkFailed as failed:
            raise CommandError(str(failed)) from failed
        finally:
            for runner in {id(r): r for r in runners.values()}.values():
                runner.close()
        results["seconds"] = time.perf_counter() - started
        for size in SIZES:
            info = results["sizes"][size]
            self.stdout.write(
                f"{size}: {info['database']} ({info['vendor']}), {info['plans']} plans, "
                f"{info['figures']} figures, {info['money']} allocations and disbursements"
            )
        info = results["sizes"]["large"]
        self.stdout.write(
            f"Province {info['province']}, plan {info['plan']}, year {info['year']}, "
            f"concept {info['concept']}, upload of {info['upload_rows']} rows. "
            f"Median of {options['repeat']} rounds ({slow_repeat} for the exports); "
            "queries and peak memory from one more round."
        )
        self.stdout.write("")
        self.stdout.write(format_table(results["rows"]))
        self.stdout.write("")
        goals = check_goals(results["rows"])
        if goals:
            self.stdout.write("Goals of issue #13:")
            for line in goals:
                self.stdout.write(f"  {line}")
        for note in results["notes"]:
            self.stdout.write(f"Note: {note}")
        self.stdout.write(f"Benchmark took {results['seconds']:.0f} s.")
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as out:
                json.dump(results, out, ensure_ascii=False, indent=2)

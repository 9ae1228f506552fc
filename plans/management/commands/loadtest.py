"""A bounded load test: simulated leaders log in to a running server and browse with think time.

It starts no server: point --url at one serving the same database (DATABASE_URL) as this
command, which only reads it to find the benchmark users, their provinces and plans.
"""

import math
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from plans import access
from plans.management.commands.benchmark_data import DEFAULT_PASSWORD, PREFIX, UPLOAD_PLAN
from plans.models import Plan, PlanYear, Province

TIMEOUT = 30


@dataclass
class Leader:
    username: str
    national: bool
    pages: dict[str, list[str]]  # page -> the paths of it this leader may open


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    by_page: dict = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    login_errors: Counter = field(default_factory=Counter)
    login_seconds: list[float] = field(default_factory=list)

    def add(self, page: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_page[page].append(seconds)
            if error:
                self.errors[f"{page}: {error}"] += 1


def percentile(values: list[float], p: float) -> float:
    """Return the nearest-rank percentile `p` (0-100) of `values`."""
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


class Browser:
    """One leader's cookie jar and connection to the server."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, data: dict | None = None) -> tuple[str, bytes]:
        """Return the final URL and body of `path`; raise on an HTTP error or a timeout."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base_url + path)
        with self.opener.open(request, timeout=TIMEOUT) as response:
            return response.geturl(), response.read()

    def login(self, username: str, password: str) -> None:
        path = reverse("login")
        _url, page = self.open(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise RuntimeError("no CSRF token on the login page")
        final, _body = self.open(
            path,
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token.group(1).decode(),
            },
        )
        if urllib.parse.urlparse(final).path == path:
            raise RuntimeError("login refused")


def _error(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return f"connection: {exc.reason}"
    return type(exc).__name__ + (f": {exc}" if str(exc) else "")


def leaders(provincial: int, national: int) -> list[Leader]:
    """Return `provincial` + `national` simulated leaders from the benchmark users.

    Provincial leaders are spread over the benchmark's provinces (cycled when there are fewer
    provinces than leaders); national leaders reuse the national accounts the same way.
    """
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.select_related("membership__province")
    local = list(users.filter(username__startswith=f"{PREFIX}leader-").order_by("username"))
    central = list(users.filter(username__startswith=f"{PREFIX}national-").order_by("username"))
    if (provincial and not local) or (national and not central):
        raise CommandError("No benchmark users in this database: run benchmark_data first.")
    plans = list(
        Plan.objects.filter(slug__startswith=PREFIX)
        .exclude(slug=UPLOAD_PLAN)
        .values_list("slug", "province_id")
    )
    approved = PlanYear.objects.filter(
        plan__slug__startswith=PREFIX, status=PlanYear.Status.APPROVED
    )
    year = max(approved.values_list("year", flat=True), default=None)
    if year is None:
        raise CommandError("No approved year in the benchmark data.")
    units = {
        p.current.slug
        for p in Province.objects.select_related("successor__successor").filter(
            pk__in={province for _slug, province in plans}
        )
    }
    try:
        national_url = f"{reverse('indicators:national')}?year={year}"
    except NoReverseMatch:
        national_url = None
    found = []
    for n in range(provincial):
        user = local[n % len(local)]
        unit = user.membership.province
        reach = access.province_and_predecessors(unit.pk)
        pages = {
            "home": ["/"],
            "year view": [reverse("plans:year-view", args=[unit.slug, year])],
            "plan dashboard": [
                reverse("plans:plan-dashboard", args=[slug])
                for slug, province in plans
                if province in reach
            ],
        }
        found.append(Leader(user.username, False, pages))
    for n in range(national):
        user = central[n % len(central)]
        pages = {
            "home": ["/"],
            "national matrix": [national_url] if national_url else [],
            "plan dashboard": [reverse("plans:plan-dashboard", args=[slug]) for slug, _p in plans],
            "year view": [reverse("plans:year-view", args=[slug, year]) for slug in sorted(units)],
        }
        found.append(Leader(user.username, True, pages))
    return found


def pick(leader: Leader, rng: random.Random) -> tuple[str, str]:
    """Return (page, path): each page as often as the others, any of its paths."""
    page = rng.choice([page for page, paths in leader.pages.items() if paths])
    return page, rng.choice(leader.pages[page])


def simulate(leader, number, *, url, password, seconds, think, results, logins, ready, go, seed):
    """Log `leader` in, tell `ready`, wait for `go`, then browse for `seconds`."""
    rng = random.Random(f"{seed}-{number}")
    browser = Browser(url)
    with logins:
        began = time.perf_counter()
        try:
            browser.login(leader.username, password)
        except Exception as exc:  # every failure is counted, none stops the run
            with results.lock:
                results.login_errors[_error(exc)] += 1
            return
        finally:
            with results.lock:
                results.login_seconds.append(time.perf_counter() - began)
            ready.release()
    go.wait()
    deadline = time.monotonic() + seconds
    time.sleep(rng.uniform(0, think[1]))  # leaders do not all click at the same moment
    while time.monotonic() < deadline:
        page, path = pick(leader, rng)
        began = time.perf_counter()
        error = None
        try:
            final, _body = browser.open(path)
            if urllib.parse.urlparse(final).path == reverse("login"):
                error = "sent to the login page"
        except Exception as exc:
            error = _error(exc)
        results.add(page, time.perf_counter() - began, error)
        time.sleep(rng.uniform(*think))


class Command(BaseCommand):
    help = (
        "Log in simulated leaders (benchmark_data users) to a running server and browse "
        "with think time for a bounded time; print requests, errors and p50/p95/p99."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--provincial", type=int, default=45)
        parser.add_argument("--national", type=int, default=5)
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--think-min", type=float, default=1.0)
        parser.add_argument("--think-max", type=float, default=3.0)
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument(
            "--parallel-logins",
            type=int,
            default=4,
            help="Logins at once before the test (password hashing is slow on purpose).",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        simulated = leaders(options["provincial"], options["national"])
        if not simulated:
            raise CommandError("Nobody to simulate.")
        think = (options["think_min"], options["think_max"])
        results = Results()
        logins = threading.Semaphore(max(options["parallel_logins"], 1))
        ready, go = threading.Semaphore(0), threading.Event()
        threads = [
            threading.Thread(
                target=simulate,
                args=(leader, number),
                kwargs={
                    "url": options["url"],
                    "password": options["password"],
                    "seconds": options["seconds"],
                    "think": think,
                    "results": results,
                    "logins": logins,
                    "ready": ready,
                    "go": go,
                    "seed": options["seed"],
                },
                daemon=True,
            )
            for number, leader in enumerate(simulated)
        ]
        for thread in threads:
            thread.start()
        # Everybody logs in first; then all browse together for the same bounded time.
        for _leader in simulated:
            ready.acquire()
        began = time.perf_counter()
        go.set()
        for thread in threads:
            thread.join(options["seconds"] + options["think_max"] + TIMEOUT + 5)
        elapsed = time.perf_counter() - began
        self.report(results, simulated, elapsed, options)

    def report(self, results: Results, simulated, elapsed: float, options) -> None:
        national = sum(leader.national for leader in simulated)
        write = self.stdout.write
        write(
            f"{len(simulated)} leaders ({len(simulated) - national} provincial, "
            f"{national} national) on {options['url']}, {options['seconds']:g} s, think "
            f"{options['think_min']:g}-{options['think_max']:g} s."
        )
        logins = results.login_seconds
        if logins:
            write(
                f"Logins: {len(logins)}, errors {sum(results.login_errors.values())}, "
                f"median {statistics.median(logins) * 1000:.0f} ms (not counted below)."
            )
        for error, count in results.login_errors.most_common():
            write(f"  login error x{count}: {error}")
        latencies = results.latencies
        errors = sum(results.errors.values())
        if not latencies:
            write("No requests were made.")
            return
        write(
            f"Requests: {len(latencies)}, errors: {errors}, "
            f"{len(latencies) / elapsed:.1f} requests/s"
        )
        write(
            "Latency ms: "
            + ", ".join(f"p{p} {percentile(latencies, p) * 1000:.0f}" for p in (50, 95, 99))
            + f", max {max(latencies) * 1000:.0f}"
        )
        for page, values in sorted(results.by_page.items()):
            p50, p95 = (percentile(values, p) * 1000 for p in (50, 95))
            write(f"  {page:<16} {len(values):>5} requests, p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        for error, count in results.errors.most_common(10):
            write(f"  error x{count}: {error}")
        p95 = percentile(latencies, 95)
        verdict = "met" if errors == 0 and p95 <= 0.5 else "MISSED"
        write(f"Goal (0 errors, p95 <= 500 ms): {verdict}")

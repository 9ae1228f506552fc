"""Browser tests: Playwright driving Debian's Chromium against Django's live_server.

Playwright never downloads a browser here; it starts /usr/bin/chromium. Screenshots go to
test-artifacts/ (kept by CI), and one is taken of every failing page.
"""

import os
import shutil
from pathlib import Path

import pytest

# live_server runs Django in a thread while Playwright's sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: run tests/install-system-packages.sh (README, test command)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1366, "height": 900},
        "accept_downloads": True,
    }


# plotly.js is 4,8 MB: parsing it and drawing on a busy two-core CI machine can take longer than
# Playwright's default 5 s. Waits stay event-driven (they return as soon as the page is ready).
PATIENCE_MS = 20_000


@pytest.fixture(autouse=True)
def patient_waits(request):
    if "page" not in request.fixturenames:
        yield
        return
    from playwright.sync_api import expect

    page = request.getfixturevalue("page")
    page.set_default_timeout(PATIENCE_MS)
    expect.set_options(timeout=PATIENCE_MS)
    yield


@pytest.fixture
def shot(page, request):
    """Return a function saving a named screenshot of the page into test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{item.name}-FAILED.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the real failure
            pass


def login(page, live_server, username, password, next_url="/"):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def logout(page):
    page.get_by_role("button", name="Đăng xuất").click()


@pytest.fixture
def seeded_portal():
    """The five seed plans and the demo accounts, as quickstart loads them."""
    from plans.services import demo_accounts_ensure, seed_plans_load

    seed_plans_load()
    demo_accounts_ensure()

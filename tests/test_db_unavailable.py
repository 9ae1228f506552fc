"""While the database is unreachable, requests get a 503 "try again" page; then it recovers."""

import time

import psycopg2
import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

VIETNAMESE = (
    "Hệ thống tạm thời gián đoạn (cơ sở dữ liệu đang khởi động lại). Vui lòng thử lại sau ít phút."
)
ENGLISH = (
    "The service is briefly unavailable (the database is restarting). Please try again in a moment."
)


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("gone/", database_gone), path("fine/", fine)]


@pytest.fixture
def broken_urls(settings):
    settings.ROOT_URLCONF = __name__


def assert_unavailable_page(response, text=VIETNAMESE):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode()
    assert text in content
    assert "Traceback" not in content
    assert "server closed the connection" not in content


def test_a_view_losing_the_database_gets_the_vietnamese_503_page(client, broken_urls):
    assert_unavailable_page(client.get("/gone/"))


def test_the_503_page_follows_the_browser_language(client, broken_urls):
    response = client.get("/gone/", headers={"accept-language": "en"})
    assert_unavailable_page(response, ENGLISH)


def test_a_middleware_losing_the_database_gets_the_503_page_too(broken_urls, monkeypatch):
    # Django turns a middleware's exception into a 500 before an outer middleware can catch it;
    # the page must still be the 503 one. The test client would re-raise the original error.
    def session_lookup_fails(self, request):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(SessionMiddleware, "process_request", session_lookup_fails)
    response = Client(raise_request_exception=False).get("/fine/")
    assert_unavailable_page(response)


def test_other_errors_keep_the_500_page(broken_urls, monkeypatch):
    def broken(self, request):
        raise ValueError("not a database problem")

    monkeypatch.setattr(SessionMiddleware, "process_request", broken)
    response = Client(raise_request_exception=False).get("/fine/")
    assert response.status_code == 500
    assert VIETNAMESE not in response.content.decode()


def test_the_middleware_runs_before_anything_that_queries():
    middleware = settings.MIDDLEWARE
    position = middleware.index("ictplan.middleware.DatabaseUnavailableMiddleware")
    assert position < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert position < middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def terminate_backend(pid):
    """Kill backend `pid` from a second connection, as a PostgreSQL restart would."""
    params = connection.settings_dict
    other = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"],
    )
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            # pg_terminate_backend only signals; wait until the backend has gone.
            for _ in range(100):
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    return
                time.sleep(0.05)
        raise AssertionError(f"backend {pid} still running")
    finally:
        other.close()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL=postgres://…): a SQLite file has no server to restart",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_restart_gives_one_503_then_the_portal_works(client, django_user_model):
    user = django_user_model.objects.create_user("restart", password="unused")
    client.force_login(user)
    page = reverse("password_change")  # reads the session and the user from the database
    assert client.get(page).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()

    terminate_backend(pid)

    # The test client skips Django's per-request health check, so this request meets the dead
    # connection mid-flight, like one caught in a restart.
    assert_unavailable_page(client.get(page))
    assert connection.connection is None  # closed, so the next request reconnects
    response = client.get(page)
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid

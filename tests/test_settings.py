"""Settings come from the environment and refuse unsafe production setups."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from ictplan.staticfinders import PLOTLY_JS
from plans.services import DEMO_ACCOUNTS

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "ictplan.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://ictplan.example.gov.vn",
}


def manage(*args, env):
    # The browser tests allow async-unsafe calls in this process; production never does.
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment |= env
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_malformed_boolean_fails_loudly():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_comes_from_database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    result = manage(
        "shell",
        "-c",
        "from django.db import connection; print(connection.settings_dict['NAME'])",
        env={"DATABASE_URL": url},
    )
    assert result.stdout.strip().endswith("other.sqlite3"), result.stderr


def test_vietnamese_is_the_default_language_with_english_available():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


@pytest.mark.django_db
def test_quickstart_prepares_database_and_prints_demo_logins(capsys, settings):
    settings.DEBUG = True  # pytest-django runs tests with DEBUG off
    call_command("quickstart", "--no-serve")
    out = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.username in out and account.password in out
        user = get_user_model().objects.get(username=account.username)
        assert user.check_password(account.password)


def test_quickstart_refuses_to_publish_demo_passwords_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("quickstart", "--no-serve")


def test_collectstatic_under_production_settings_includes_plotly_and_the_stylesheets(tmp_path):
    result = manage(
        "collectstatic", "--noinput", env=PRODUCTION_ENV | {"STATIC_ROOT": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert {PLOTLY_JS, "css/ictplan.css", "js/charts.js"} <= set(manifest)
    # Hashed and compressed for WhiteNoise.
    assert (tmp_path / (manifest[PLOTLY_JS] + ".gz")).exists()


def test_session_age_and_login_limits_come_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.seconds)",
        env={
            "SESSION_COOKIE_AGE": "3600",
            "LOGIN_FAILURE_LIMIT": "3",
            "LOGIN_COOLOFF_MINUTES": "30",
        },
    )
    assert result.stdout.splitlines()[-1].split() == ["3600", "3", "1800"], result.stderr


def test_a_session_lasts_a_working_day_by_default():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


RESET_PAGE = (
    "from django.urls import NoReverseMatch, reverse\n"
    "try:\n    print(reverse('password_reset'))\n"
    "except NoReverseMatch:\n    print('no reset page')"
)


def test_production_without_mail_has_no_password_reset_by_email():
    result = manage("shell", "-c", RESET_PAGE, env=PRODUCTION_ENV)
    assert result.stdout.splitlines()[-1] == "no reset page", result.stderr


def test_production_with_a_mail_server_resets_passwords_by_email():
    result = manage(
        "shell", "-c", RESET_PAGE, env=PRODUCTION_ENV | {"EMAIL_HOST": "mail.example.gov.vn"}
    )
    assert result.stdout.splitlines()[-1] == "/accounts/password/reset/", result.stderr

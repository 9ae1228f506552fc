"""Accounts: login throttling, password change and reset, session length, the CSP header."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "dung-mat-khau-2024"
LOCKED_MESSAGE = "Nhập sai mật khẩu quá nhiều lần"


@pytest.fixture
def staff(db):
    account = f.user(f.STAFF, f.province("Hậu Giang", code="93"), "hg.canbo")
    account.set_password(PASSWORD)
    account.email = "canbo@haugiang.gov.vn"
    account.save()
    return account


@pytest.fixture
def throttling(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def log_in(client, password, username="hg.canbo"):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail(client, times):
    for _ in range(times):
        log_in(client, "sai-mat-khau")


def test_settings_lock_out_after_five_failures_for_fifteen_minutes():
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_four_wrong_passwords_then_the_right_one_logs_in(client, staff, throttling):
    fail(client, 4)
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_fifth_wrong_password_locks_out_with_a_vietnamese_message(client, staff, throttling):
    fail(client, 4)
    response = log_in(client, "sai-mat-khau")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_MESSAGE in page
    assert "thử lại sau 15 phút" in page
    # The login form stays on the page, with the username kept.
    assert 'name="password"' in page and 'value="hg.canbo"' in page


def test_right_password_is_refused_during_the_lockout(client, staff, throttling):
    fail(client, 5)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_password_works_again_after_the_cool_off(client, staff, throttling):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_trying_during_the_lockout_does_not_prolong_it(client, staff, throttling):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert log_in(client, "sai-mat-khau").status_code == 429
    assert log_in(client, PASSWORD).status_code == 429
    # Had those attempts restarted the cool-off, two more minutes would not end it.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    assert log_in(client, PASSWORD).status_code == 302


def test_success_resets_the_count(client, staff, throttling):
    fail(client, 4)
    log_in(client, PASSWORD)
    client.logout()
    fail(client, 4)
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_lockout_is_per_username_and_address(client, staff, throttling):
    colleague = f.user(f.STAFF, staff.membership.province, "hg.canbo2")
    colleague.set_password(PASSWORD)
    colleague.save()
    fail(client, 5)
    assert log_in(client, PASSWORD, username="hg.canbo2").status_code == 302
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": "hg.canbo", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.99",
    )
    assert response.status_code == 302


def test_behind_a_proxy_each_person_is_counted_apart(client, staff, throttling, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "hg.canbo", "password": "sai-mat-khau"},
            **proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    # A forged first entry does not escape the lockout: the proxy's own entry counts.
    forged = client.post(
        reverse("login"),
        {"username": "hg.canbo", "password": PASSWORD},
        **proxy,
        HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5",
    )
    assert forged.status_code == 429
    colleague_elsewhere = client.post(
        reverse("login"),
        {"username": "hg.canbo", "password": PASSWORD},
        **proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    assert colleague_elsewhere.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "1.1.1.1", "10.1.1.1"),
        (1, "1.1.1.1, 203.0.113.5", "203.0.113.5"),
        (2, "1.1.1.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "10.1.1.1"),
    ],
)
def test_client_address_trusts_only_the_proxies_entries(settings, rf, proxies, forwarded, address):
    from ictplan.settings import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == address


def test_admin_login_is_throttled_too(client, staff, throttling):
    for _ in range(5):
        response = client.post(
            reverse("admin:login"), {"username": "hg.canbo", "password": "sai-mat-khau"}
        )
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()


def test_password_change_needs_the_old_password(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "khong-phai",
            "new_password1": "mat-khau-moi-2025",
            "new_password2": "mat-khau-moi-2025",
        },
    )
    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_password_change_sets_the_new_password_and_keeps_the_session(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "mat-khau-moi-2025",
            "new_password2": "mat-khau-moi-2025",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    staff.refresh_from_db()
    assert staff.check_password("mat-khau-moi-2025")
    assert client.get(reverse("plans:home")).status_code == 200


def test_password_change_page_is_in_vietnamese_and_linked_from_every_page(client, staff):
    client.force_login(staff)
    home = client.get(reverse("plans:home")).content.decode()
    assert f'href="{reverse("password_change")}"' in home
    page = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in page and "Mật khẩu cũ" in page


def test_password_change_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_reset_by_email_sets_a_new_password(client, staff):
    response = client.post(reverse("password_reset"), {"email": staff.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "chọn mật khẩu mới" in message.subject
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Chọn mật khẩu mới" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "mat-khau-moi-2025", "new_password2": "mat-khau-moi-2025"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("mat-khau-moi-2025")


def test_password_reset_says_nothing_about_unknown_addresses(client, staff):
    response = client.post(reverse("password_reset"), {"email": "ai-do@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_session_lasts_a_working_day():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_session_cookie_expires_after_the_session_age(client, staff):
    response = log_in(client, PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


@pytest.mark.parametrize("name", ["login", "plans:home"])
def test_pages_carry_the_content_security_policy(client, staff, name):
    client.force_login(staff)
    policy = client.get(reverse(name))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_no_script_runs_inline(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    page = client.get(reverse("login")).content.decode()
    # No inline event handler (the language menu submits from static/js/language.js) ...
    assert re.findall(r'\son[a-z]+="([^"]*)"', page) == []
    assert "script-src-attr" not in policy and "unsafe-hashes" not in policy
    # ... and no inline script: only src= scripts and JSON data blocks.
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))[^>]*>", page) == []

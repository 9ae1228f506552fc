"""Notices and reminders reach a real SMTP server once each, with the right recipients and a
Vietnamese subject; users of other provinces never get one; a rolled-back step sends nothing.

The server is aiosmtpd on a free local port; Django's SMTP backend talks to it as to the
production server (settings read EMAIL_HOST and EMAIL_PORT from the environment).
"""

import datetime
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from plans import access, notices, services
from plans.models import Membership, Notice, PlanYear
from tests import factories as f

pytestmark = pytest.mark.django_db


class Inbox:
    """An SMTP handler keeping every message it receives."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((sorted(envelope.rcpt_tos), message))
        return "250 OK"

    def subjects_to(self, address):
        return [subject(m) for to, m in self.received if address in to]

    def recipients(self):
        return sorted(address for to, _m in self.received for address in to)


def subject(message) -> str:
    """Return the decoded subject, without the blank a folded header starts with."""
    return str(message["subject"]).strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Return the messages a real local SMTP server received from Django's SMTP backend."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


@pytest.fixture
def people(world):
    """World's users with addresses, plus a leader of Sóc Trăng (province B)."""
    world.users["leader_b"] = f.user(f.LEADER, world.province_b, "leader_b")
    for name, user in world.users.items():
        if user is not None:
            user.email = f"{name}@example.vn"
            user.save()
    return world


def address(world, role):
    return world.users[role].email


def step(django_capture_on_commit_callbacks, service, world, user, **extra):
    """Run a workflow service as it runs in a request: its mails go once it commits."""
    with django_capture_on_commit_callbacks(execute=True):
        return service(plan=world.plan_a, year=2013, user=world.users[user], **extra)


def test_a_submission_mails_the_provinces_leaders_only(
    people, smtp, django_capture_on_commit_callbacks
):
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    step(django_capture_on_commit_callbacks, services.plan_year_submit, people, "staff_a")
    # Hậu Giang's own leader and Cần Thơ's, which Hậu Giang joined; not Sóc Trăng's or
    # Bắc Ninh's, not the national leader's, not the administrator's.
    assert smtp.recipients() == ["leader_a@example.vn", "leader_successor@example.vn"]
    (title,) = smtp.subjects_to("leader_a@example.vn")
    assert title.startswith(
        "[ictplan] Hậu Giang (nay thuộc Cần Thơ): số liệu năm 2013 chờ duyệt — "
    )
    body = smtp.received[0][1].get_content()
    assert "staff_a đã gửi số liệu năm 2013" in body
    assert "/plans/plan-a/2013/" in body


def test_every_step_reaches_the_staff_who_entered_the_year_once(
    people, smtp, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    f.actual(people.count, year=2013, value="12", entered_by=people.users["staff_successor"])
    staff = ["staff_a@example.vn", "staff_successor@example.vn"]

    step(capture, services.plan_year_submit, people, "staff_a")
    step(capture, services.plan_year_return, people, "leader_a", comment="Thiếu số trạm BTS")
    returned = [(to, m) for to, m in smtp.received[2:]]
    assert sorted(a for to, _m in returned for a in to) == staff
    assert "số liệu năm 2013 bị trả lại để sửa" in subject(returned[0][1])
    assert "Thiếu số trạm BTS" in returned[0][1].get_content()

    step(capture, services.plan_year_submit, people, "staff_successor")
    # A second submission is a new event: the leaders hear of it again, the submitter does not.
    assert sorted(a for to, _m in smtp.received[4:] for a in to) == [
        "leader_a@example.vn",
        "leader_successor@example.vn",
    ]
    step(capture, services.plan_year_approve, people, "leader_successor")
    approved = smtp.received[6:]
    assert sorted(a for to, _m in approved for a in to) == staff
    assert all("đã được duyệt" in subject(m) for _to, m in approved)

    step(capture, services.plan_year_reopen, people, "leader_a", reason="Sửa số trạm")
    reopened = smtp.received[8:]
    assert sorted(a for to, _m in reopened for a in to) == staff
    assert all("được mở lại để sửa" in subject(m) for _to, m in reopened)
    assert "Sửa số trạm" in reopened[0][1].get_content()

    assert len(smtp.received) == 10
    assert notices.notices_send() == 0  # nothing is mailed twice
    assert len(smtp.received) == 10
    assert not Notice.objects.exclude(email_to="").filter(emailed_at__isnull=True).exists()


def test_nobody_outside_the_plans_reach_is_ever_told(
    people, smtp, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # A Sóc Trăng user typed into Hậu Giang's year (through an earlier province, say): still
    # nothing reaches them, as nothing of Hậu Giang is theirs to see.
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_b"])
    f.actual(people.count, year=2013, value="12", entered_by=people.users["staff_a"])
    step(capture, services.plan_year_submit, people, "staff_a")
    step(capture, services.plan_year_approve, people, "leader_a")
    for notice in Notice.objects.select_related("recipient", "plan"):
        assert access.reaches(notice.recipient, notice.plan.province_id), notice.recipient
    assert "staff_b@example.vn" not in smtp.recipients()
    assert "leader_b@example.vn" not in smtp.recipients()


def test_a_rolled_back_step_records_and_sends_nothing(
    people, smtp, django_capture_on_commit_callbacks
):
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            services.plan_year_submit(plan=people.plan_a, year=2013, user=people.users["staff_a"])
            raise RuntimeError("the request failed after the step")
    assert Notice.objects.count() == 0
    assert smtp.received == []


def test_users_who_turned_mail_off_see_the_notice_without_a_mail(
    people, smtp, as_user, django_capture_on_commit_callbacks
):
    as_user(people.users["leader_a"]).post(reverse("plans:notices"), {"email_notices": "off"})
    assert not Membership.objects.get(user=people.users["leader_a"]).email_notices
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    step(django_capture_on_commit_callbacks, services.plan_year_submit, people, "staff_a")
    assert smtp.recipients() == ["leader_successor@example.vn"]
    page = as_user(people.users["leader_a"]).get(reverse("plans:notices")).content.decode()
    assert "Gửi duyệt" in page and 'data-read="0"' in page
    assert 'data-testid="mail-on"' in page


def test_a_user_without_an_address_gets_the_notice_in_the_portal(
    people, smtp, django_capture_on_commit_callbacks
):
    people.users["leader_successor"].email = ""
    people.users["leader_successor"].save()
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    step(django_capture_on_commit_callbacks, services.plan_year_submit, people, "staff_a")
    assert smtp.recipients() == ["leader_a@example.vn"]
    assert Notice.objects.filter(recipient=people.users["leader_successor"]).count() == 1


def test_a_mail_the_server_cannot_take_waits_for_the_next_run(
    people, smtp, settings, django_capture_on_commit_callbacks
):
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    step(django_capture_on_commit_callbacks, services.plan_year_submit, people, "staff_a")
    assert smtp.received == []
    assert Notice.objects.filter(emailed_at__isnull=True).count() == 2
    settings.EMAIL_PORT = working_port
    run_reminders("2013-06-01")  # no reminder due that day: it only retries the mail
    assert smtp.recipients() == ["leader_a@example.vn", "leader_successor@example.vn"]


# Reminders


def run_reminders(day: str, **options) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", today=day, stdout=out, **options)
    return out.getvalue()


def test_reminders_reach_staff_of_years_not_submitted_once(
    people, smtp, django_capture_on_commit_callbacks
):
    # 8/12/2013: 2013 is due on 15/12 in 7 days. Plan A's 2013 is not started; plan B's 2013
    # is submitted, so only plan A's staff hear of it.
    f.actual(people.b_indicator, year=2013, value="5")
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_year_submit(plan=people.plan_b, year=2013, user=people.users["staff_b"])
    smtp.received.clear()  # leader_b's notice of the submission
    output = run_reminders("2013-12-08")
    assert "2 reminder(s) recorded, 2 notice(s) mailed" in output
    assert smtp.recipients() == ["staff_a@example.vn", "staff_successor@example.vn"]
    (title,) = smtp.subjects_to("staff_a@example.vn")
    assert title.startswith(
        "[ictplan] Hậu Giang (nay thuộc Cần Thơ): sắp đến hạn báo cáo năm 2013 (hạn 15/12/2013) — "
    )
    # Idempotent: again the same day, and on the next days before the deadline.
    for day in ("2013-12-08", "2013-12-09", "2013-12-15"):
        assert "0 reminder(s) recorded, 0 notice(s) mailed" in run_reminders(day)
    assert len(smtp.received) == 2


def test_overdue_reminders_come_once_a_day_after_the_deadline(people, smtp):
    run_reminders("2013-12-08")
    before = len(smtp.received)
    assert "0 reminder(s)" in run_reminders("2013-12-16", after=3)  # only 1 day late
    output = run_reminders("2013-12-18", after=3)
    overdue = smtp.received[before:]
    assert sorted(a for to, _m in overdue for a in to) == [
        "staff_a@example.vn",
        "staff_b@example.vn",
        "staff_successor@example.vn",
    ]
    assert "3 reminder(s) recorded" in output
    assert all("quá hạn báo cáo năm 2013 (hạn 15/12/2013)" in subject(m) for _t, m in overdue)
    assert "0 reminder(s) recorded, 0 notice(s) mailed" in run_reminders("2013-12-19", after=3)


def test_no_reminder_for_old_years_or_years_outside_the_plan(people, smtp):
    # 2016 is beyond both plans (2011-2015); 2012's deadline is a year gone.
    run_reminders("2016-12-10")
    assert smtp.received == []
    assert not Notice.objects.exists()


def test_a_moved_deadline_gets_its_own_reminder(people, smtp):
    run_reminders("2013-12-08")
    PlanYear.objects.update_or_create(
        plan=people.plan_a, year=2013, defaults={"deadline": datetime.date(2014, 1, 15)}
    )
    run_reminders("2014-01-10")
    subjects = smtp.subjects_to("staff_a@example.vn")
    assert len(subjects) == 2
    assert "(hạn 15/01/2014)" in subjects[1]


def test_reminders_follow_the_users_choice_of_no_mail(people, smtp):
    Membership.objects.filter(user=people.users["staff_a"]).update(email_notices=False)
    run_reminders("2013-12-08")
    assert smtp.recipients() == ["staff_b@example.vn", "staff_successor@example.vn"]
    assert Notice.objects.filter(recipient=people.users["staff_a"], kind="due_soon").exists()


def test_the_command_refuses_a_malformed_day(people):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today"):
        call_command("send_reminders", today="8/12/2013")


# The notices page


def test_the_notices_page_lists_a_users_notices_and_marks_them_read(
    people, as_user, django_capture_on_commit_callbacks
):
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    step(django_capture_on_commit_callbacks, services.plan_year_submit, people, "staff_a")
    step(
        django_capture_on_commit_callbacks,
        services.plan_year_return,
        people,
        "leader_a",
        comment="Thiếu số trạm BTS",
    )
    client = as_user(people.users["staff_a"])
    page = client.get(reverse("plans:notices")).content.decode()
    assert "Trả lại để sửa" in page and "Thiếu số trạm BTS" in page
    notice = Notice.objects.get(recipient=people.users["staff_a"])
    client.post(reverse("plans:notices"), {"read": str(notice.pk)})
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Nobody reads another's notices: another user's id marks nothing.
    other = Notice.objects.filter(recipient=people.users["leader_a"]).first()
    client.post(reverse("plans:notices"), {"read": str(other.pk)})
    other.refresh_from_db()
    assert other.read_at is None
    assert (
        "Thiếu số trạm BTS"
        not in as_user(people.users["staff_b"]).get(reverse("plans:notices")).content.decode()
    )


def test_turning_mail_back_on(people, as_user):
    client = as_user(people.users["staff_a"])
    client.post(reverse("plans:notices"), {"email_notices": "off"})
    client.post(reverse("plans:notices"), {"email_notices": "on"})
    assert Membership.objects.get(user=people.users["staff_a"]).email_notices


def test_mail_is_vietnamese_whatever_language_the_leader_browses_in(
    people, smtp, client, django_capture_on_commit_callbacks
):
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    client.force_login(people.users["staff_a"])
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plans:submit", args=["plan-a", 2013]))
    assert response.status_code == 302
    assert all("chờ duyệt" in subject(m) for _to, m in smtp.received)
    assert len(smtp.received) == 2


def test_each_notice_is_recorded_once_per_event(people):
    f.actual(people.percent, year=2013, value="40", entered_by=people.users["staff_a"])
    plan_year = services.plan_year_submit(
        plan=people.plan_a, year=2013, user=people.users["staff_a"]
    )
    again = notices.plan_year_noticed(
        people.plan_a, plan_year, Notice.Kind.SUBMITTED, actor=people.users["staff_a"]
    )
    assert again == 0
    assert Notice.objects.count() == 2


def test_a_notice_mail_holds_one_line_subject_and_the_portal_address(people, settings):
    settings.PORTAL_URL = "https://ictplan.example.vn"
    notice = Notice.objects.create(
        recipient=people.users["staff_a"],
        kind=Notice.Kind.RETURNED,
        plan=people.plan_a,
        year=2013,
        key="k",
        actor=people.users["leader_a"],
        message="Dòng 1\nDòng 2",
        email_to="staff_a@example.vn",
        created_at=timezone.now(),
    )
    message = notices.notice_mail(notice)
    assert "\n" not in message.subject
    assert "https://ictplan.example.vn/plans/plan-a/2013/" in message.body
    assert "Dòng 1\nDòng 2" in message.body


def test_a_malformed_request_on_the_notices_page_changes_nothing(people, as_user):
    Notice.objects.create(
        recipient=people.users["staff_a"],
        kind=Notice.Kind.DUE_SOON,
        plan=people.plan_a,
        year=2013,
        key="2013-12-15",
        created_at=timezone.now(),
    )
    client = as_user(people.users["staff_a"])
    client.post(reverse("plans:notices"), {"read": "1 OR 1=1", "email_notices": "maybe"})
    assert Notice.objects.get().read_at is None
    assert Membership.objects.get(user=people.users["staff_a"]).email_notices

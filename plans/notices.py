"""Notices of the yearly cycle: who is told what, in the portal and by mail, exactly once.

- submitted: the leaders of the province (a Cần Thơ leader hears of Hậu Giang's years);
- returned and reopened: the staff who entered the year, with the leader's comment (and, for
  a return, the comment on each row);
- approved: the staff who entered the year;
- due soon and overdue: the province's staff, while the year is not submitted
  (`reminders_create`, run daily by `manage.py send_reminders`).

Recipients are the users whose province reaches the plan's (plans.access): never a user of
another province. Every notice is kept (the notices page); it is mailed, in Vietnamese, to
users with an address who have not turned mail off. An event is one notice per recipient
(Notice's unique key), and a notice is mailed at most once: it is locked while it is sent and
marked as sent with it. The workflow records notices in its own transaction and mails them
once that commits: a rolled-back step sends nothing.
"""

import datetime
import logging
from functools import partial
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from budgets.models import Disbursement
from indicators.models import Actual, ReviewComment
from plans import access
from plans.models import Membership, Notice, Plan, PlanYear, Province, reporting_deadline
from plans.reporting import REPORTED

logger = logging.getLogger(__name__)

MAIL_LANGUAGE = "vi"
# A mail that could not be sent is tried again by each run of send_reminders for this long.
MAIL_RETRY_DAYS = 3
# A reminder not sent on its day (the timer did not run) still goes within this many days.
REMINDER_CATCH_UP_DAYS = 30


# Recipients


def provinces_over(province_id: int) -> list[int]:
    """Return `province_id` and every unit it was merged into, the last one first.

    Users of these provinces are the only ones whose reach can include `province_id`.
    """
    chain, current = [], province_id
    while current is not None and current not in chain:
        chain.append(current)
        current = Province.objects.filter(pk=current).values_list("successor", flat=True).first()
    return chain[::-1]


def _with_permission(codename: str) -> Q:
    """Return the filter of users holding plans.`codename` through a role or on their own."""
    return Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label="plans"
    ) | Q(user_permissions__codename=codename, user_permissions__content_type__app_label="plans")


class _Reach:
    """Whether a user's province reaches a plan's: plans.access's rule, looked up once each."""

    def __init__(self):
        self.found: dict[int, frozenset[int]] = {}

    def __call__(self, user, province_id: int) -> bool:
        own = getattr(getattr(user, "membership", None), "province_id", None)
        if own is None:
            return False
        if own not in self.found:
            self.found[own] = access.province_and_predecessors(own)
        return province_id in self.found[own]


def _province_users(codename: str, province_ids, *, users=None) -> QuerySet:
    """Return active users with the permission whose province is one of `province_ids`."""
    queryset = get_user_model().objects.filter(
        _with_permission(codename), is_active=True, membership__province__in=list(province_ids)
    )
    if users is not None:
        queryset = queryset.filter(pk__in=users)
    return queryset.select_related("membership").distinct().order_by("pk")


def leaders_of(plan: Plan) -> list:
    """Return the leaders who approve `plan`'s figures: those of its province and successors."""
    reach = _Reach()
    candidates = _province_users("approve_figures", provinces_over(plan.province_id))
    return [user for user in candidates if reach(user, plan.province_id)]


def staff_who_entered(plan: Plan, plan_year: PlanYear) -> list:
    """Return the staff who entered figures of `plan_year` or submitted it, still able to."""
    year = plan_year.year
    entered = {plan_year.submitted_by_id}
    entered |= set(
        Actual.objects.filter(indicator__plan=plan, year=year).values_list("entered_by", flat=True)
    )
    entered |= set(
        Disbursement.objects.filter(line__plan=plan, year=year).values_list("entered_by", flat=True)
    )
    entered.discard(None)
    if not entered:
        return []
    reach = _Reach()
    candidates = _province_users(
        "enter_figures", provinces_over(plan.province_id), users=sorted(entered)
    )
    return [user for user in candidates if reach(user, plan.province_id)]


# Recording


def _email_to(user) -> str:
    """Return where `user` wants notices mailed: their address, or "" for no mail."""
    membership = getattr(user, "membership", None)
    if not user.email or (membership is not None and not membership.email_notices):
        return ""
    return user.email


def _record(notices: list[Notice]) -> int:
    """Store the notices not yet stored (same recipient, kind, plan-year and key); return how
    many are new."""
    if not notices:
        return 0
    plan_ids = {n.plan_id for n in notices}
    existing = set(
        Notice.objects.filter(
            plan__in=plan_ids,
            year__in={n.year for n in notices},
            kind__in={n.kind for n in notices},
            key__in={n.key for n in notices},
        ).values_list("recipient", "kind", "plan", "year", "key")
    )
    new = [n for n in notices if (n.recipient_id, n.kind, n.plan_id, n.year, n.key) not in existing]
    # ignore_conflicts: a concurrent run that stored the same notice meanwhile wins.
    Notice.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _event_key(moment: datetime.datetime) -> str:
    return moment.isoformat()


def plan_year_noticed(plan: Plan, plan_year: PlanYear, kind: str, *, actor) -> int:
    """Record the notices of a review step just taken on `plan_year`; mail them on commit.

    Called by the workflow services inside their transaction, after the change.
    """
    if kind == Notice.Kind.SUBMITTED:
        recipients, moment = leaders_of(plan), plan_year.submitted_at
    else:
        recipients, moment = staff_who_entered(plan, plan_year), plan_year.reviewed_at
    key = _event_key(moment)
    if kind == Notice.Kind.SUBMITTED:
        message = ""
    elif kind == Notice.Kind.RETURNED:
        message = returned_message(plan_year)
    else:
        message = plan_year.comment
    notices = [
        Notice(
            recipient=user,
            kind=kind,
            plan=plan,
            year=plan_year.year,
            key=key,
            actor=actor,
            message=message,
            deadline=reporting_deadline(plan, plan_year.year, plan_year.deadline),
            email_to=_email_to(user),
        )
        for user in recipients
        if user.pk != actor.pk
    ]
    created = _record(notices)
    if created:
        event = Notice.objects.filter(plan=plan, year=plan_year.year, kind=kind, key=key)
        # robust: a mail that fails to build or send is logged; the step itself is done.
        transaction.on_commit(partial(notices_send, event), robust=True)
    return created


def returned_message(plan_year: PlanYear) -> str:
    """Return what a return notice says: the leader's comment, then each row's, in Vietnamese.

    The rows are those of the return just made (ReviewComment.is_open), in the plan's order;
    one query. The notice keeps the text as it was said, whatever the rows say later.
    """
    comments = [
        comment
        for comment in ReviewComment.objects.filter(
            indicator__plan_id=plan_year.plan_id, year=plan_year.year
        )
        .select_related("indicator__section")
        .order_by(
            "indicator__section__position",
            "indicator__section__code",
            "indicator__position",
            "indicator__code",
        )
        if comment.is_open(plan_year)
    ]
    if not comments:
        return plan_year.comment
    with translation.override(MAIL_LANGUAGE):
        heading = translation.gettext("Comments on the rows")
    lines = [f"- {c.indicator.code}. {c.indicator.name}: {c.text}" for c in comments]
    return "\n".join([plan_year.comment, "", f"{heading}:", *lines])


def reminders_create(*, today: datetime.date, before: int, after: int) -> int:
    """Record a reminder to each staff member of every report not submitted that is due
    within `before` days (due soon) or has been late for `after` days (overdue); return how
    many are new.

    Run it daily: a reminder is recorded once per deadline (a moved deadline gets its own), and
    one missed by a day the timer did not run goes out on the next, up to a month late.
    """
    plans = list(Plan.objects.defer(*Plan.TEXT_FIELDS).order_by("pk"))
    earliest = today - datetime.timedelta(days=after + REMINDER_CATCH_UP_DAYS)
    latest = today + datetime.timedelta(days=before)
    stored = {
        (py.plan_id, py.year): py
        for py in PlanYear.objects.filter(year__gte=earliest.year - 1, year__lte=latest.year)
    }
    owed = []  # (plan, year, kind, deadline)
    for plan in plans:
        for year in range(
            max(plan.first_year, earliest.year - 1), min(plan.last_year, latest.year) + 1
        ):
            plan_year = stored.get((plan.pk, year))
            if plan_year is not None and plan_year.status in REPORTED:
                continue
            due_on = reporting_deadline(plan, year, plan_year.deadline if plan_year else None)
            if today <= due_on <= latest:
                owed.append((plan, year, Notice.Kind.DUE_SOON, due_on))
            elif earliest <= due_on <= today - datetime.timedelta(days=after):
                owed.append((plan, year, Notice.Kind.OVERDUE, due_on))
    if not owed:
        return 0
    chains = {plan.province_id: provinces_over(plan.province_id) for plan, *_rest in owed}
    staff = {}
    for user in _province_users("enter_figures", {p for chain in chains.values() for p in chain}):
        staff.setdefault(user.membership.province_id, []).append(user)
    reach = _Reach()
    notices = [
        Notice(
            recipient=user,
            kind=kind,
            plan=plan,
            year=year,
            key=due_on.isoformat(),
            deadline=due_on,
            email_to=_email_to(user),
            created_at=timezone.now(),
        )
        for plan, year, kind, due_on in owed
        for province_id in chains[plan.province_id]
        for user in staff.get(province_id, [])
        if reach(user, plan.province_id)
    ]
    return _record(notices)


# Mail


def portal_url(path: str) -> str:
    """Return `path` as an address readers can open from a mail.

    PORTAL_URL when set (e.g. https://ictplan.example.vn), else the first allowed host.
    """
    base = getattr(settings, "PORTAL_URL", "")
    if not base:
        hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")]
        scheme = "http" if settings.DEBUG else "https"
        base = f"{scheme}://{hosts[0] if hosts else 'localhost'}"
    return urljoin(base.rstrip("/") + "/", path.lstrip("/"))


def plan_label(plan: Plan) -> str:
    return f"{plan.document_number} — {plan.title}" if plan.document_number else plan.title


def notice_context(notice: Notice) -> dict:
    """Return what the mail of `notice` says."""
    return {
        "notice": notice,
        "kind": notice.kind,
        "recipient": notice.recipient.get_full_name() or notice.recipient.username,
        "plan": notice.plan,
        "plan_label": plan_label(notice.plan),
        "province": notice.plan.province.label,
        "year": str(notice.year),  # 2013, never 2.013
        "actor": (notice.actor.get_full_name() or notice.actor.username) if notice.actor else "",
        "comment": notice.message,
        "deadline": notice.deadline,
        "url": portal_url(reverse("indicators:entry", args=[notice.plan.slug, notice.year])),
        "settings_url": portal_url(reverse("plans:notices")),
    }


def notice_mail(notice: Notice, connection=None) -> mail.EmailMessage:
    """Return the mail of `notice`, in Vietnamese."""
    context = notice_context(notice)
    with translation.override(MAIL_LANGUAGE):
        subject = render_to_string("emails/notice_subject.txt", context)
        body = render_to_string("emails/notice_body.txt", context)
    return mail.EmailMessage(
        subject=" ".join(subject.split()),  # one line: a header cannot hold a line break
        body=body,
        to=[notice.email_to],
        connection=connection,
    )


def notices_send(notices: QuerySet | None = None) -> int:
    """Mail each notice of `notices` (default: all) still to be mailed; return how many went.

    Each row is locked while its mail is sent (a concurrent sender skips it) and marked as
    sent in the same transaction, so no notice is mailed twice. A mail the server refuses
    stays unsent and is tried again by the next run, for MAIL_RETRY_DAYS.
    """
    queryset = Notice.objects.all() if notices is None else notices
    since = timezone.now() - datetime.timedelta(days=MAIL_RETRY_DAYS)
    sent = 0
    with transaction.atomic():
        pending = list(
            queryset.filter(emailed_at__isnull=True, created_at__gte=since)
            .exclude(email_to="")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("plan__province__successor", "actor", "recipient")
            .defer(*(f"plan__{name}" for name in Plan.TEXT_FIELDS))
            .order_by("pk")
        )
        if not pending:
            return 0
        connection = mail.get_connection()
        try:
            connection.open()
        except OSError as error:  # smtplib's errors are OSErrors
            logger.warning("Mail server unreachable, %s notices wait: %s", len(pending), error)
            return 0
        try:
            for notice in pending:
                try:
                    notice_mail(notice, connection).send()
                except OSError as error:
                    logger.warning(
                        "Notice %s not mailed to %s: %s", notice.pk, notice.email_to, error
                    )
                    continue
                Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
                sent += 1
        finally:
            connection.close()
    return sent


# The notices page


def notices_of(user, *, limit: int = 100) -> list[Notice]:
    """Return the latest notices of `user`, newest first."""
    return list(
        Notice.objects.filter(recipient=user)
        .select_related("plan__province__successor", "actor")
        .defer(*(f"plan__{name}" for name in Plan.TEXT_FIELDS))[:limit]
    )


def notices_read(user, *, notice_id: int | None = None) -> int:
    """Mark `user`'s notice `notice_id` (default: every one) as read; return how many."""
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_id is not None:
        unread = unread.filter(pk=notice_id)
    return unread.update(read_at=timezone.now())


def email_notices_set(user, *, wanted: bool) -> None:
    """Turn `user`'s notice mails on or off; notices stay in the portal either way."""
    membership, _created = Membership.objects.get_or_create(user=user)
    if membership.email_notices != wanted:
        membership.email_notices = wanted
        membership.save()


def wants_email(user) -> bool:
    membership = getattr(user, "membership", None)
    return membership is None or membership.email_notices

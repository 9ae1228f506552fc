"""Writes that span rows: loading the seed plans, the yearly report workflow, demo accounts."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

from budgets.models import Disbursement
from indicators.models import Actual
from plans import roles
from plans.fields import NOTE_LIMIT
from plans.models import Membership, Plan, PlanYear, Province, ReviewStatus
from plans.roles import roles_ensure
from plans.text import clean_text
from plans.workflow import EntryRefused, plan_year_locked

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SOURCES_DIR = FIXTURES_DIR / "sources"


def seed_fixture_paths() -> list[Path]:
    """Return every fixture file in `fixtures/`, reference data first (files sort by prefix)."""
    return sorted(FIXTURES_DIR.glob("*.yaml"))


@transaction.atomic
def seed_plans_load(*, verbosity: int = 0) -> int:
    """Load every fixture and attach each plan's source text; return the number of plans.

    Fixtures use natural keys, so loading twice updates rows instead of duplicating them.
    Source texts live as plain files under fixtures/sources/ because a 60 KB document does not
    belong in a fixture a reviewer corrects by hand.
    """
    paths = seed_fixture_paths()
    if paths:
        call_command("loaddata", *[str(path) for path in paths], verbosity=verbosity)
    for plan in Plan.objects.exclude(source_file=""):
        text = (SOURCES_DIR / plan.source_file).read_text(encoding="utf-8")
        if plan.source_text != text:
            plan.source_text = text
            plan.save(update_fields=["source_text"])
    return Plan.objects.count()


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str  # a group created by the roles migration
    province_code: str | None = None
    is_superuser: bool = False


DEMO_PASSWORD = "ictplan-demo"
DEMO_ACCOUNTS = [
    DemoAccount("admin", "admin-ictplan", roles.ADMIN, None, is_superuser=True),
    DemoAccount("hg.canbo", DEMO_PASSWORD, roles.STAFF, "93"),
    DemoAccount("hg.lanhdao", DEMO_PASSWORD, roles.LEADER, "93"),
    DemoAccount("st.canbo", DEMO_PASSWORD, roles.STAFF, "94"),
    DemoAccount("st.lanhdao", DEMO_PASSWORD, roles.LEADER, "94"),
    DemoAccount("trunguong", DEMO_PASSWORD, roles.NATIONAL, None),
]


@transaction.atomic
def demo_accounts_ensure() -> list[DemoAccount]:
    """Create the demo accounts that are missing, reset their passwords and roles; return them.

    Accounts whose province is not loaded are skipped (the seed plans bring the provinces).
    """
    roles_ensure()
    users = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    provinces = {province.code: province for province in Province.objects.all()}
    ready = []
    for account in DEMO_ACCOUNTS:
        if account.province_code and account.province_code not in provinces:
            continue
        user, _created = users.objects.get_or_create(username=account.username)
        user.is_superuser = account.is_superuser
        user.is_staff = account.role == roles.ADMIN
        user.set_password(account.password)
        user.save()
        user.groups.set([groups[account.role]])
        Membership.objects.update_or_create(
            user=user, defaults={"province": provinces.get(account.province_code)}
        )
        ready.append(account)
    return ready


# History keeps the person's words; where a step has none, the step's name in Vietnamese,
# whatever language the person browses in, never a code.
SUBMITTED_REASON = gettext_noop("Submitted for approval")
APPROVED_REASON = gettext_noop("Approved")


def _vietnamese(message: str) -> str:
    with translation.override("vi"):
        return _(message)


def _figures_set_status(plan_year: PlanYear, status: str, *, user, reason: str) -> int:
    """Give every figure of the plan-year `status`, recording history for each one.

    bulk_update_with_history, not queryset.update(), which would leave no audit record.
    """
    count = 0
    for model, plan_path in ((Actual, "indicator__plan"), (Disbursement, "line__plan")):
        rows = list(model.objects.filter(**{plan_path: plan_year.plan, "year": plan_year.year}))
        for row in rows:
            row.status = status
        if rows:
            bulk_update_with_history(
                rows, model, ["status"], default_user=user, default_change_reason=reason
            )
        count += len(rows)
    return count


def _transition(plan_year: PlanYear, allowed_from: tuple[str, ...], message: str) -> None:
    if plan_year.status not in allowed_from:
        raise EntryRefused(
            message % {"year": plan_year.year, "status": plan_year.get_status_display().lower()}
        )


@transaction.atomic
def plan_year_submit(*, plan: Plan, year: int, user) -> PlanYear:
    """Send the plan-year's figures to leadership; they are locked for staff until reviewed."""
    plan_year = plan_year_locked(plan, year)
    _transition(
        plan_year,
        (PlanYear.Status.DRAFT, PlanYear.Status.RETURNED),
        _("The figures of %(year)s are %(status)s and cannot be submitted again."),
    )
    reason = _vietnamese(SUBMITTED_REASON)
    if not _figures_set_status(plan_year, ReviewStatus.SUBMITTED, user=user, reason=reason):
        raise EntryRefused(_("There are no figures for %(year)s to submit yet.") % {"year": year})
    plan_year.status = PlanYear.Status.SUBMITTED
    plan_year.submitted_by, plan_year.submitted_at = user, timezone.now()
    plan_year.save()
    return plan_year


def _review(
    *, plan, year, user, allowed_from, refused, status: str, reason: str, comment: str = ""
) -> PlanYear:
    """Move a plan-year and all its figures to `status` as a leader's decision."""
    if len(comment) > NOTE_LIMIT:
        raise EntryRefused(
            _("A comment or reason has at most %(limit)s characters.") % {"limit": NOTE_LIMIT}
        )
    plan_year = plan_year_locked(plan, year)
    _transition(plan_year, allowed_from, refused)
    _figures_set_status(plan_year, status, user=user, reason=reason)
    plan_year.status = status
    plan_year.comment = comment
    plan_year.reviewed_by, plan_year.reviewed_at = user, timezone.now()
    plan_year._change_reason = reason
    plan_year.save()
    return plan_year


@transaction.atomic
def plan_year_approve(*, plan: Plan, year: int, user) -> PlanYear:
    """Approve submitted figures; approved figures are locked for staff."""
    return _review(
        plan=plan,
        year=year,
        user=user,
        allowed_from=(PlanYear.Status.SUBMITTED,),
        refused=_(
            "Only submitted figures can be approved; the figures of %(year)s are %(status)s."
        ),
        status=PlanYear.Status.APPROVED,
        reason=_vietnamese(APPROVED_REASON),
    )


@transaction.atomic
def plan_year_return(*, plan: Plan, year: int, user, comment: str) -> PlanYear:
    """Send submitted figures back to staff with a comment saying what to fix."""
    comment = clean_text(comment)
    if not comment:
        raise EntryRefused(_("Say why the figures are returned."))
    return _review(
        plan=plan,
        year=year,
        user=user,
        allowed_from=(PlanYear.Status.SUBMITTED,),
        refused=_(
            "Only submitted figures can be returned; the figures of %(year)s are %(status)s."
        ),
        status=PlanYear.Status.RETURNED,
        reason=comment,
        comment=comment,
    )


@transaction.atomic
def plan_year_reopen(*, plan: Plan, year: int, user, reason: str) -> PlanYear:
    """Unlock approved figures so staff can correct them; the reason is kept."""
    reason = clean_text(reason)
    if not reason:
        raise EntryRefused(_("Say why the approved figures are reopened."))
    return _review(
        plan=plan,
        year=year,
        user=user,
        allowed_from=(PlanYear.Status.APPROVED,),
        refused=_("Only approved figures can be reopened; the figures of %(year)s are %(status)s."),
        status=PlanYear.Status.RETURNED,
        reason=reason,
        comment=reason,
    )

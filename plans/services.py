"""Writes that span rows: loading the seed plans, the yearly report workflow, demo accounts."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.serializers.base import DEFER_FIELD, deserialize_fk_value
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.core.serializers.pyyaml import SafeLoader
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

from budgets.models import Disbursement
from indicators.models import Actual
from plans import notices, roles
from plans.fields import NOTE_LIMIT
from plans.models import Membership, Notice, Plan, PlanYear, Province, ReviewStatus, WorkProgress
from plans.roles import roles_ensure
from plans.text import clean_text
from plans.workflow import EntryRefused, plan_year_locked

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SOURCES_DIR = FIXTURES_DIR / "sources"


def seed_fixture_paths() -> list[Path]:
    """Return every fixture file in `fixtures/`, reference data first (files sort by prefix)."""
    return sorted(FIXTURES_DIR.glob("*.yaml"))


# The history reason of rows the seed writes, in Vietnamese like every step's name (see
# SUBMITTED_REASON below); a row whose last record carries one of them is as the seed left it.
SEED_LOADED_REASON = gettext_noop("Loaded from the seed data")
SEED_UPDATED_REASON = gettext_noop("Updated from the seed data")


@dataclass(frozen=True)
class SeedSkip:
    """A seed row kept as it is because someone changed it after the seed loaded it."""

    model: str  # app label and model, e.g. "indicators.target"
    key: tuple  # the natural key, as the fixture names the row
    fields: tuple[str, ...]  # where the row and the fixture differ


@dataclass
class SeedReport:
    """What one seed run did: rows created and updated per model, rows kept as changed."""

    plans: int = 0
    created: Counter = field(default_factory=Counter)  # rows per model
    updated: Counter = field(default_factory=Counter)
    skipped: list[SeedSkip] = field(default_factory=list)


@transaction.atomic
def seed_plans_load() -> SeedReport:
    """Create the missing seed rows, update those nobody changed since; return what was done.

    Rows are found by natural key. A row someone changed after the seed wrote it (an admin's
    correction of a target or an allocation) is kept and listed in `skipped`: `loaddata` saved
    fixtures raw, put such rows back to the printed values and left no history. Every row the
    seed writes gets a history record with the seed's reason. Source texts live as plain files
    under fixtures/sources/ because a 60 KB document does not belong in a fixture a reviewer
    corrects by hand; they load as the plan's `source_text`.
    """
    loader = _SeedLoader()
    for path in seed_fixture_paths():
        loader.load(path)
    loader.report.plans = Plan.objects.count()
    return loader.report


class _SeedDeserializer(PythonDeserializer):
    """The fixture deserializer, looking each referenced natural key up once per seed run.

    Fixture rows name the same plan, indicator or budget line hundreds of times.
    """

    def __init__(self, *args, pks: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.pks = pks

    def _handle_fk_field_node(self, model_field, field_value):
        if not isinstance(field_value, list):
            return super()._handle_fk_field_node(model_field, field_value)
        key = (model_field.remote_field.model, tuple(field_value))
        if key not in self.pks:
            pk = super()._handle_fk_field_node(model_field, field_value)
            if pk == DEFER_FIELD:
                return pk
            self.pks[key] = pk
        return self.pks[key]


class _SeedLoader:
    """Apply fixture files row by row: create, update a row the seed last wrote, or keep it."""

    def __init__(self):
        self.report = SeedReport()
        self.rows: dict[type[models.Model], dict] = {}  # each model's rows, read once
        self.pks: dict[tuple, object] = {}  # (model, natural key) -> pk, for references
        self.loaded_reason = _vietnamese(SEED_LOADED_REASON)
        self.updated_reason = _vietnamese(SEED_UPDATED_REASON)

    def load(self, path: Path) -> None:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or []
        objects = _SeedDeserializer(entries, handle_forward_references=True, pks=self.pks)
        forward = []
        # The deserializer looks each row up by natural key as it goes, so a row must be saved
        # before the next one, which may name it, is read.
        for entry, deserialized in zip(entries, objects, strict=True):
            instance, deferred = deserialized.object, deserialized.deferred_fields
            named = [instance._meta.get_field(name) for name in entry["fields"]]
            self.apply(instance, [f for f in named if f not in deferred])
            if deferred:
                forward.append((instance, deferred))
        # A row naming one further down the file gets that reference once the row exists.
        for instance, deferred in forward:
            for model_field, value in deferred.items():
                pk = deserialize_fk_value(model_field, value, DEFAULT_DB_ALIAS, False)
                setattr(instance, model_field.attname, pk)
            self.apply(instance, list(deferred))

    def apply(self, instance: models.Model, fields: list) -> None:
        model = type(instance)
        label = model._meta.label_lower
        if isinstance(instance, Plan) and any(f.name == "source_file" for f in fields):
            if instance.source_file:
                text = (SOURCES_DIR / instance.source_file).read_text(encoding="utf-8")
                instance.source_text = text
                fields = [*fields, Plan._meta.get_field("source_text")]
        if instance.pk is None:
            instance._change_reason = self.loaded_reason
            instance.save(force_insert=True)  # not raw: history and folded fields follow
            self.report.created[label] += 1
            return
        row = self.row(model, instance.pk)
        changed = [f for f in fields if getattr(row, f.attname) != getattr(instance, f.attname)]
        if not changed:
            return
        if not self.as_seed_left_it(row, fields):
            names = tuple(f.name for f in changed)
            self.report.skipped.append(SeedSkip(label, instance.natural_key(), names))
            return
        for model_field in changed:
            setattr(row, model_field.attname, getattr(instance, model_field.attname))
        row._change_reason = self.updated_reason
        row.save()
        self.report.updated[label] += 1

    def row(self, model: type[models.Model], pk) -> models.Model:
        if model not in self.rows:
            self.rows[model] = model._base_manager.in_bulk()
        if pk not in self.rows[model]:  # created by an earlier file of this run
            self.rows[model][pk] = model._base_manager.get(pk=pk)
        return self.rows[model][pk]

    def as_seed_left_it(self, row: models.Model, fields: list) -> bool:
        """Return whether the row's last history record is the seed's and matches the row.

        A row without history was loaded raw by an older seed and may have been changed
        since without a trace: it counts as changed.
        """
        record = row.history.first()
        return (
            record is not None
            and record.history_change_reason in (self.loaded_reason, self.updated_reason)
            and all(getattr(record, f.attname) == getattr(row, f.attname) for f in fields)
        )


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
    # The Sở KH&CN of today's provinces, who carry on their predecessors' plans.
    DemoAccount("ct.canbo", DEMO_PASSWORD, roles.STAFF, "92"),
    DemoAccount("ct.lanhdao", DEMO_PASSWORD, roles.LEADER, "92"),
    DemoAccount("bn.lanhdao", DEMO_PASSWORD, roles.LEADER, "24"),
    DemoAccount("ld.lanhdao", DEMO_PASSWORD, roles.LEADER, "68"),
    # Users of provinces that ended on 1/7/2025 keep working until an administrator moves them.
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
    approved_changed = status == ReviewStatus.APPROVED
    for model, plan_path in (
        (Actual, "indicator__plan"),
        (Disbursement, "line__plan"),
        (WorkProgress, "plan"),
    ):
        rows = list(model.objects.filter(**{plan_path: plan_year.plan, "year": plan_year.year}))
        for row in rows:
            approved_changed |= row.status == ReviewStatus.APPROVED
            row.status = status
        if rows:
            bulk_update_with_history(
                rows, model, ["status"], default_user=user, default_change_reason=reason
            )
        count += len(rows)
    # Which figures count changes: bulk updates send no save signals. Submitting drafts
    # leaves every approved figure as it was.
    Plan.data_changed(plan_ids=[plan_year.plan_id], approved=approved_changed)
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
    notices.plan_year_noticed(plan, plan_year, Notice.Kind.SUBMITTED, actor=user)
    return plan_year


@transaction.atomic
def plan_year_save_and_submit(
    *, plan: Plan, year: int, user, save: Callable[[], int]
) -> tuple[int, PlanYear]:
    """Save the typed figures with `save`, then submit the plan-year, all or nothing.

    Return the number of figures saved and the submitted plan-year. A refused save (bad number,
    edit conflict) or a refused submission raises and rolls both back.
    """
    count = save()
    return count, plan_year_submit(plan=plan, year=year, user=user)


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
    plan_year = _review(
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
    notices.plan_year_noticed(plan, plan_year, Notice.Kind.APPROVED, actor=user)
    return plan_year


@transaction.atomic
def plan_year_return(*, plan: Plan, year: int, user, comment: str) -> PlanYear:
    """Send submitted figures back to staff with a comment saying what to fix."""
    comment = clean_text(comment)
    if not comment:
        raise EntryRefused(_("Say why the figures are returned."))
    plan_year = _review(
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
    notices.plan_year_noticed(plan, plan_year, Notice.Kind.RETURNED, actor=user)
    return plan_year


@transaction.atomic
def plan_year_reopen(*, plan: Plan, year: int, user, reason: str) -> PlanYear:
    """Unlock approved figures so staff can correct them; the reason is kept."""
    reason = clean_text(reason)
    if not reason:
        raise EntryRefused(_("Say why the approved figures are reopened."))
    plan_year = _review(
        plan=plan,
        year=year,
        user=user,
        allowed_from=(PlanYear.Status.APPROVED,),
        refused=_("Only approved figures can be reopened; the figures of %(year)s are %(status)s."),
        status=PlanYear.Status.RETURNED,
        reason=reason,
        comment=reason,
    )
    notices.plan_year_noticed(plan, plan_year, Notice.Kind.REOPENED, actor=user)
    return plan_year

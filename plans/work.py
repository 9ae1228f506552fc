"""The yearly progress of a plan's projects and of its agencies' duties (issue #16).

Read for the entry page in a fixed number of queries, written with the same lock, version
check and history as the year's figures (plans.workflow), and submitted and approved with
them (plans.services).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch

from plans.models import Plan, Project, Responsibility, WorkProgress
from plans.workflow import FigureEdit, figures_save_versioned, plan_year_for_entry


def work_key(project_id: int | None, duty_id: int | None) -> tuple[str, int]:
    """Return how pages and saves name a project's or a duty's progress: ("project", id)."""
    return ("project", project_id) if project_id else ("duty", duty_id)


@dataclass
class WorkRow:
    """A project or a duty, with the progress shown for the year (None when none)."""

    project: Project | None
    duty: Responsibility | None
    current: WorkProgress | None
    form: object = None  # the entry form, set by the view

    @property
    def item(self):
        return self.project or self.duty

    @property
    def key(self) -> tuple[str, int]:
        return work_key(self.project and self.project.pk, self.duty and self.duty.pk)


def work_rows(plan: Plan, year: int, *, statuses=None) -> tuple[list[WorkRow], list[WorkRow]]:
    """Return the plan's projects and its duties, each with its progress in `year`.

    Only progress with one of `statuses` (default: all) is shown. Four queries.
    """
    shown = WorkProgress.objects.filter(year=year).select_related("entered_by")
    if statuses is not None:
        shown = shown.filter(status__in=statuses)
    projects = (
        Project.objects.filter(plan=plan)
        .select_related("lead_agency", "section")
        .prefetch_related(Prefetch("progress", queryset=shown, to_attr="shown"))
        .order_by("position", "code")
    )
    duties = (
        Responsibility.objects.filter(plan=plan)
        .select_related("agency", "section")
        .prefetch_related(Prefetch("progress", queryset=shown, to_attr="shown"))
        .order_by("position", "code")
    )
    return (
        [WorkRow(project, None, next(iter(project.shown), None)) for project in projects],
        [WorkRow(None, duty, next(iter(duty.shown), None)) for duty in duties],
    )


@dataclass(frozen=True)
class WorkInput:
    """What the user typed for one project or duty."""

    project: Project | None
    duty: Responsibility | None
    state: str
    reason: str
    account: str
    disbursed: Decimal | None
    version: int  # 0 when nothing was recorded

    @property
    def key(self) -> tuple[str, int]:
        return work_key(self.project and self.project.pk, self.duty and self.duty.pk)


WRITTEN = ("state", "reason", "account", "disbursed")


@transaction.atomic
def work_save(*, plan: Plan, year: int, user, rows: list[WorkInput], reason: str = "") -> int:
    """Write the changed progress of `plan`'s projects and duties in `year` as drafts; return
    how many. All or nothing, refused in a submitted or approved year."""
    plan_year_for_entry(plan, year)
    existing = {
        work_key(progress.project_id, progress.duty_id): progress
        for progress in WorkProgress.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(plan=plan, year=year)
    }
    edits = []
    for row in rows:
        item = row.project or row.duty
        if item.plan_id != plan.pk:
            raise ValueError("project or duty of another plan")
        current = existing.get(row.key)
        wanted = WorkProgress(
            plan=plan,
            project=row.project,
            duty=row.duty,
            year=year,
            state=row.state,
            reason=row.reason,
            account=row.account,
            disbursed=row.disbursed,
        )
        if current is not None and all(
            getattr(current, name) == getattr(wanted, name) for name in WRITTEN
        ):
            continue
        edits.append(FigureEdit(row.key, current, wanted, row.version))
    return figures_save_versioned(edits, fields=WRITTEN, user=user, reason=reason)

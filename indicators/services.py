"""Writes of yearly figures and baselines for indicators."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from budgets.models import Disbursement
from indicators.evidence import EvidenceRefused, check_upload, clean_name
from indicators.models import Actual, EvidenceFile, Indicator
from plans.models import MIN_YEAR, Plan
from plans.numbers import figure_shown
from plans.workflow import (
    Conflict,
    EditConflict,
    EntryRefused,
    FigureEdit,
    figures_save_versioned,
    plan_year_for_entry,
)


@dataclass(frozen=True)
class ActualInput:
    """What a user typed for one indicator, and the version of the figure they started from."""

    indicator: Indicator
    value: Decimal | None
    progress: str
    note: str
    evidence: str
    version: int  # 0 when no figure existed


# What the entry screen writes; status, author and version follow from the save.
ENTERED_FIELDS = ("value", "progress", "note", "evidence")


def _differs(current: Actual | None, row: ActualInput) -> bool:
    if current is None:
        return row.value is not None or bool(row.progress)
    return (current.value, current.progress, current.note, current.evidence) != (
        row.value,
        row.progress,
        row.note,
        row.evidence,
    )


@transaction.atomic
def actuals_save(*, plan: Plan, year: int, user, rows: list[ActualInput], reason: str = "") -> int:
    """Write the changed figures of `plan` for `year` as drafts; return how many changed.

    All or nothing: a locked plan-year, or any figure saved by someone else since the user's
    page was loaded (its version moved on), writes nothing.
    """
    plan_year_for_entry(plan, year)
    # Lock the figures only: PostgreSQL refuses FOR UPDATE on the outer-joined users.
    existing = {
        actual.indicator_id: actual
        for actual in Actual.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(indicator__plan=plan, year=year)
    }
    edits = []
    for row in rows:
        if row.indicator.plan_id != plan.pk:
            raise ValueError("indicator of another plan")
        current = existing.get(row.indicator.pk)
        if not _differs(current, row):
            continue
        wanted = Actual(
            indicator=row.indicator,
            year=year,
            value=row.value,
            progress=row.progress,
            note=row.note,
            evidence=row.evidence,
        )
        edits.append(FigureEdit(row.indicator.pk, current, wanted, row.version))
    return figures_save_versioned(edits, fields=ENTERED_FIELDS, user=user, reason=reason)


@dataclass(frozen=True)
class BaselineInput:
    """What a user typed for one indicator's baseline, and the history record they started from."""

    indicator: Indicator
    value: Decimal | None
    year: int | None
    source: str
    version: int  # id of the indicator's latest history record on the page; 0 when none


BASELINE_FIELDS = ("baseline_value", "baseline_year", "baseline_source")


def _baseline(indicator) -> tuple:
    """Return (value, year, source) of an indicator or of one of its history records."""
    return indicator.baseline_value, indicator.baseline_year, indicator.baseline_source


def baseline_text(value: Decimal | None, year: int | None) -> str:
    """Return a baseline as people read it: "25,4 (2010)", or a dash when there is none."""
    shown = figure_shown(value)
    return f"{shown} ({year})" if value is not None and year else shown


def _baseline_refusal(plan: Plan, indicator: Indicator, row: BaselineInput) -> str | None:
    if row.value is not None and row.value < 0 and not indicator.allows_negative:
        return _("A figure cannot be negative.")
    if row.year is not None and not MIN_YEAR <= row.year <= plan.last_year:
        return _(
            "The baseline year must be a year from %(min)s to %(max)s (the plan's last year)."
        ) % {"min": MIN_YEAR, "max": plan.last_year}
    return None


def _baseline_conflicts(stale: list, latest: dict[int, int]) -> list[Conflict]:
    """Return the stale rows whose baseline someone else changed since the page was loaded.

    A newer history record alone is no conflict: an administrator may have renamed the
    indicator; the baseline the user saw is read from the record their page was built on.
    """
    wanted = [row.version for _indicator, row in stale] + [
        latest[indicator.pk] for indicator, _row in stale if indicator.pk in latest
    ]
    records = {
        record.history_id: record
        for record in Indicator.history.filter(history_id__in=wanted).select_related("history_user")
    }
    conflicts = []
    for indicator, row in stale:
        seen = records.get(row.version)
        if seen is not None and seen.id == indicator.pk and _baseline(seen) == _baseline(indicator):
            continue
        last = records.get(latest.get(indicator.pk))
        conflicts.append(
            Conflict(
                key=indicator.pk,
                version=latest.get(indicator.pk, 0),
                theirs=baseline_text(indicator.baseline_value, indicator.baseline_year),
                yours=baseline_text(row.value, row.year),
                saved_by=str(last.history_user or "") if last else "",
                saved_at=last.history_date if last else None,
            )
        )
    return conflicts


@transaction.atomic
def baselines_save(*, plan: Plan, user, rows: list[BaselineInput]) -> int:
    """Write the changed baselines of `plan`'s indicators; return how many changed.

    All or nothing: a year after the plan, a negative figure the indicator does not allow, or a
    baseline someone else changed since the user's page was loaded writes nothing. Each change
    leaves a history record naming `user`.
    """
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.select_for_update().filter(plan=plan)
    }
    latest = dict(
        Indicator.history.filter(plan_id=plan.pk)
        .order_by()
        .values("id")
        .annotate(last=Max("history_id"))
        .values_list("id", "last")
    )
    changed, stale = [], []
    for row in rows:
        indicator = indicators.get(row.indicator.pk)
        if indicator is None or indicator.is_qualitative:
            raise ValueError("not a quantitative indicator of the plan")
        if _baseline(indicator) == (row.value, row.year, row.source):
            continue
        refusal = _baseline_refusal(plan, indicator, row)
        if refusal:
            raise EntryRefused(f"{indicator.code}: {refusal}")
        if latest.get(indicator.pk, 0) != row.version:
            stale.append((indicator, row))
        changed.append((indicator, row))
    conflicts = _baseline_conflicts(stale, latest) if stale else []
    if conflicts:
        raise EditConflict(conflicts)
    for indicator, row in changed:
        indicator.baseline_value, indicator.baseline_year = row.value, row.year
        indicator.baseline_source = row.source
        indicator._history_user = user  # also outside a request (commands, tests)
        try:
            # Only what this page writes: a rule on other fields (the concept's unit, say)
            # must not stop a Sở from recording where an indicator started.
            indicator.clean_fields(
                exclude=[f.name for f in Indicator._meta.fields if f.name not in BASELINE_FIELDS]
            )
            indicator.validate_constraints()
        except ValidationError as invalid:
            raise EntryRefused(f"{indicator.code}: {' '.join(invalid.messages)}") from invalid
        indicator.save()
    return len(changed)


def _plan_of_figure(figure: Actual | Disbursement) -> Plan:
    """Return the plan a figure or a disbursement belongs to."""
    return figure.indicator.plan if isinstance(figure, Actual) else figure.line.plan


@transaction.atomic
def evidence_add(*, figure: Actual | Disbursement, user, uploads) -> list[EvidenceFile]:
    """Attach `uploads` to `figure` (a figure or a disbursement) as evidence files, all or none.

    Each file is checked on its content (evidence.check_upload); refuse with EntryRefused the
    whole batch when one file is refused or the plan-year is no longer open.
    """
    plan_year_for_entry(_plan_of_figure(figure), figure.year)
    if not uploads:
        raise EntryRefused(_("Choose at least one file."))
    try:
        checks = [check_upload(upload) for upload in uploads]
    except EvidenceRefused as refused:
        raise EntryRefused(str(refused)) from refused
    owner = {"actual": figure} if isinstance(figure, Actual) else {"disbursement": figure}
    created = []
    try:
        for upload, checked in zip(uploads, checks, strict=True):
            kind = checked.kind
            item = EvidenceFile(
                **owner,
                original_name=clean_name(upload.name),
                extension=kind.extension,
                content_type=kind.content_type,
                size=checked.size,
                uploaded_by=user,
            )
            item._history_user = user
            item.file.save(f"evidence.{kind.extension}", upload, save=False)
            created.append(item)
            item.full_clean()
            item.save()
    except BaseException:
        for item in created:
            item.file.delete(save=False)
        raise
    return created


@transaction.atomic
def evidence_delete(*, evidence: EvidenceFile, user) -> None:
    """Remove an evidence file from its figure or disbursement while the plan-year is open.

    Only its uploader removes it. The stored bytes are kept: the history still names them.
    """
    figure = evidence.actual or evidence.disbursement
    plan_year_for_entry(_plan_of_figure(figure), figure.year)
    if evidence.uploaded_by_id != user.pk:
        raise EntryRefused(_("Only the person who uploaded a file may remove it."))
    evidence._history_user = user
    evidence.delete()

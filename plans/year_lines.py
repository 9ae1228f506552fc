"""The year view's rows, kept per plan between two changes of its data.

Judging every indicator of a province's plans in force costs a few hundred milliseconds at
national scale (every figure up to the year is read and judged); the rows only change when the
plan's figures, targets or indicators do, which bumps its data_version. So each plan's rows are
written once (plans.tables.year_rows, the same cells as ever) and kept in YearRowsSnapshot
under a fingerprint of all they rest on; a reader whose fingerprint differs writes them again.
"""

import hashlib
import sys
from collections import defaultdict
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from indicators.models import Indicator
from indicators.selectors import ALL_STATUSES, APPROVED_ONLY, progress_of, with_progress_data
from plans import access, tables
from plans.dashboards import RULES_FINGERPRINT, YearRow, scope_of, source_digest, visible_statuses
from plans.models import Plan, PlanStatusSnapshot, Province, YearRowsSnapshot


@dataclass(frozen=True)
class YearLine:
    """One row of the year view: its plan, indicator and status, and its cells as HTML."""

    plan: Plan
    indicator_pk: int
    code: str
    status_code: str
    cells: SafeString


def plans_in_force(user, province: Province, year: int) -> list[Plan]:
    """Return the plans of `province` and of the provinces merged into it in force in `year`."""
    provinces = access.province_and_predecessors(province.pk)
    plans = (
        access.plans_for_user(user)
        .filter(province__in=provinces)
        .select_related("province", "province__successor")
        .defer(*Plan.TEXT_FIELDS)
        .order_by("first_year", "slug")
    )
    return [plan for plan in plans if plan.covers_year(year)]


def year_lines(user, province: Province, year: int, *, show_unapproved: bool) -> list[YearLine]:
    """Return the year view's rows of `province` in `year` for `user`, in the page's order.

    Queries: the plans, the stored rows; for plans whose rows are missing or old, their
    indicators, targets and figures, and one write.
    """
    plans = plans_in_force(user, province, year)
    language = get_language()
    statuses = {p.pk: visible_statuses(user, p, show_unapproved=show_unapproved) for p in plans}
    wanted = {
        plan.pk: (scope_of(statuses[plan.pk]), plan.province_id == province.pk) for plan in plans
    }
    fingerprints = {plan.pk: _fingerprint(plan, year, language, *wanted[plan.pk]) for plan in plans}
    stored = {
        snapshot.plan_id: snapshot.rows
        for snapshot in YearRowsSnapshot.objects.filter(
            plan__in=plans, year=year, language=language
        )
        if (snapshot.scope, snapshot.own_province) == wanted[snapshot.plan_id]
        and snapshot.fingerprint == fingerprints[snapshot.plan_id]
    }
    missing = [plan for plan in plans if plan.pk not in stored]
    if missing:
        fresh = _rows_write(missing, province, year, statuses, show_unapproved=show_unapproved)
        YearRowsSnapshot.objects.bulk_create(
            [
                YearRowsSnapshot(
                    plan=plan,
                    year=year,
                    scope=wanted[plan.pk][0],
                    language=language,
                    own_province=wanted[plan.pk][1],
                    fingerprint=fingerprints[plan.pk],
                    rows=fresh[plan.pk],
                )
                for plan in missing
            ],
            update_conflicts=True,
            unique_fields=["plan", "year", "scope", "language", "own_province"],
            update_fields=["fingerprint", "rows", "computed_at"],
        )
        stored.update(fresh)
    return [
        YearLine(plan, pk, code, status, mark_safe(cells))
        for plan in plans
        for pk, code, status, cells in stored[plan.pk]
    ]


def _rows_write(plans, province, year, statuses, *, show_unapproved) -> dict[int, list]:
    """Judge the indicators of `plans` in `year` and write their rows, by plan."""
    indicators = with_progress_data(
        Indicator.objects.filter(plan__in=plans),
        statuses=ALL_STATUSES if show_unapproved else APPROVED_ONLY,
        up_to_year=year,
    ).order_by("plan__first_year", "plan__slug", "section__position", "position", "code")
    by_pk = {plan.pk: plan for plan in plans}
    rows = []
    for indicator in indicators:
        indicator.plan = by_pk[indicator.plan_id]
        progress = progress_of(indicator, as_of=year, statuses=statuses[indicator.plan_id])
        target = progress.target
        rows.append(
            YearRow(indicator.plan, progress, target, target is not None and target.year == year)
        )
    written = defaultdict(list)
    for line in tables.year_rows(rows, province):
        progress = line.record.progress
        written[line.record.plan.pk].append(
            [progress.indicator.pk, progress.indicator.code, progress.status_code, str(line.cells)]
        )
    return {plan.pk: written[plan.pk] for plan in plans}


def _fingerprint(plan: Plan, year: int, language: str, scope: str, own: bool) -> str:
    digest = hashlib.sha256(f"{RULES_FINGERPRINT}|{CODE}|{year}|{language}|{scope}|{own}".encode())
    version = plan.version_for(approved_only=scope == PlanStatusSnapshot.Scope.APPROVED)
    digest.update(repr([*plan.shown_values(), version]).encode())
    digest.update(plan.province.label.encode())
    return digest.hexdigest()


# The code that writes the rows: a deploy that changes it rewrites them.
CODE = source_digest(sys.modules[__name__], tables)

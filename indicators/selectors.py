"""Reads of indicators with their targets and figures."""

from dataclasses import dataclass

from django.db.models import Prefetch

from indicators.models import Actual, Indicator, Target
from plans.models import Plan, Section


@dataclass
class EntryRow:
    indicator: Indicator
    target: Target | None  # this year's, else the next milestone's, else the last one
    target_is_own: bool
    previous: Actual | None  # last year's figure
    current: Actual | None


@dataclass
class SectionRows:
    section: Section | None
    rows: list[EntryRow]


def _milestone(targets: list[Target], year: int) -> tuple[Target | None, bool]:
    own = next((t for t in targets if t.year == year), None)
    if own:
        return own, True
    upcoming = next((t for t in targets if t.year > year), None)
    return upcoming or (targets[-1] if targets else None), False


def entry_rows(plan: Plan, year: int) -> list[SectionRows]:
    """Return the plan's indicators grouped by section, with the figures the entry screen shows.

    Four queries whatever the plan's size: indicators with sections, targets, and the actuals
    of `year` and the year before.
    """
    indicators = (
        Indicator.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year")),
            Prefetch(
                "actuals",
                queryset=Actual.objects.filter(year__in=[year - 1, year]).select_related(
                    "entered_by"
                ),
            ),
        )
        .order_by("section__position", "section__code", "position", "code")
    )
    groups: list[SectionRows] = []
    for indicator in indicators:
        by_year = {actual.year: actual for actual in indicator.actuals.all()}
        target, own = _milestone(list(indicator.targets.all()), year)
        row = EntryRow(indicator, target, own, by_year.get(year - 1), by_year.get(year))
        if not groups or groups[-1].section != indicator.section:
            groups.append(SectionRows(indicator.section, []))
        groups[-1].rows.append(row)
    return groups

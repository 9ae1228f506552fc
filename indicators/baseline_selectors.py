"""Reads for the baselines page: each indicator with the last change to its baseline."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from indicators.models import Indicator
from plans.models import Plan


@dataclass(frozen=True)
class BaselineChange:
    """The latest history record that changed a baseline, and the baseline before it."""

    when: datetime
    who: object  # the user, or None when the change was made outside a request
    previous_value: Decimal | None
    previous_year: int | None
    previous_source: str


@dataclass
class BaselineRow:
    indicator: Indicator
    version: int  # id of the indicator's latest history record; 0 when it has none
    last_change: BaselineChange | None
    form: object = None  # set by the view


EMPTY = (None, None, "")


def _baseline(record) -> tuple:
    return record.baseline_value, record.baseline_year, record.baseline_source


def baseline_rows(plan: Plan) -> list[BaselineRow]:
    """Return the plan's quantitative indicators with their last baseline change; three queries.

    Indicators loaded from the seed files have no history until their first change. The last
    change is computed in Python from consecutive records, as on the history page: a record
    that changed only the name is skipped.
    """
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .exclude(kind=Indicator.Kind.QUALITATIVE)
        .select_related("section")
        .prefetch_related("targets")
        .order_by("position", "code")
    )
    records = (
        Indicator.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    versions, changes, previous = {}, {}, {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        versions[record.id] = record.history_id
        if before is None and _baseline(record) == EMPTY:
            continue  # created, or first recorded, without a baseline
        if before is not None and _baseline(before) == _baseline(record):
            continue
        old = _baseline(before) if before is not None else EMPTY
        changes[record.id] = BaselineChange(record.history_date, record.history_user, *old)
    return [
        BaselineRow(
            indicator=indicator,
            version=versions.get(indicator.pk, 0),
            last_change=changes.get(indicator.pk),
        )
        for indicator in indicators
    ]

"""The national picture: today's provinces × shared indicator concepts in one year.

Plain data for national leaders, read in a fixed number of queries whatever the number of
provinces, plans, indicators and figures. Only approved figures count. A unit formed by the
2025 merger gets one row per province whose plans it carries on, so the series of Hậu Giang
and of Sóc Trăng stay apart under Cần Thơ: nothing is averaged or summed across provinces.
"""

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import units
from indicators.achievement import reference_value
from indicators.models import Actual, Direction, Indicator, IndicatorConcept
from indicators.selectors import APPROVED_ONLY, IndicatorProgress, progress_of, with_progress_data
from plans.dashboards import RULES_FINGERPRINT, source_digest
from plans.models import MAX_YEAR, MIN_YEAR, ConceptVerdictSnapshot, Plan, Province

PROVINCE = "province"
ASC, DESC = "asc", "desc"


@dataclass(frozen=True)
class StoredIndicator:
    """What the matrix shows of an indicator, as kept in its plan's snapshot."""

    pk: int
    code: str
    name: str
    scope: str
    unit: str
    position: int


@dataclass(frozen=True)
class StoredTarget:
    """The target that applies in the year: its phrase as printed and the number it sets."""

    pk: int
    phrase: str
    value: Decimal  # indicators.achievement.reference_value, in the indicator's own unit


# The fields of one stored entry, in order (ConceptVerdictSnapshot.entries holds lists).
STORED_FIELDS = (
    "indicator",
    "concept",
    "code",
    "name",
    "scope",
    "unit",
    "position",
    "figure",
    "figure_year",
    "status",
    "target",
    "target_phrase",
    "target_value",
)


@dataclass
class Entry:
    """One indicator of one plan measuring a concept, judged in the year."""

    plan: Plan
    indicator: StoredIndicator
    own_figure: Decimal | None  # the figure judged in the year, in the indicator's own unit
    figure_year: int | None  # the latest year reported up to the year judged: a level may be older
    status_code: str
    target: StoredTarget | None  # the target that applies in the year, as the year view shows
    # What the indicator's figures are multiplied by to be in the concept's unit; None when its
    # unit does not convert: the figure is shown in its own unit and left out of any ranking.
    factor: Decimal | None
    detail: str = ""  # what tells it apart from the other entries of its cell

    @property
    def convertible(self) -> bool:
        return self.factor is not None

    @property
    def figure(self) -> Decimal | None:
        """Return the figure judged in the year in the concept's unit; None if it won't convert."""
        if self.own_figure is None or self.factor is None:
            return None
        return units.scale(self.own_figure, self.factor)

    @property
    def target_value(self) -> Decimal | None:
        """Return the number the figure is measured against, in the concept's unit."""
        if self.target is None or self.factor is None:
            return None
        return units.scale(self.target.value, self.factor)


def _stored(progress: IndicatorProgress, year: int) -> list:
    """Return one indicator's entry, judged in `year`, as ConceptVerdictSnapshot keeps it."""
    indicator = progress.indicator
    status = progress.status
    figure = status.figure if status else None
    figure_year = None
    if figure is not None:
        figure_year = max((y for y in progress.values if y <= year), default=None)
    target = progress.target
    return [
        indicator.pk,
        indicator.concept_id,
        indicator.code,
        indicator.name,
        indicator.scope,
        indicator.unit,
        indicator.position,
        None if figure is None else str(figure),
        figure_year,
        progress.status_code,
        target.pk if target else None,
        target.phrase if target else None,
        str(reference_value(target, indicator.direction)) if target else None,
    ]


def _entries_compute(plans: list[Plan], year: int) -> dict[int, list[list]]:
    """Judge every concept-linked indicator of `plans` in `year` through the one rule."""
    entries = {plan.pk: [] for plan in plans}
    indicators = with_progress_data(
        Indicator.objects.filter(plan__in=plans, concept__isnull=False),
        statuses=APPROVED_ONLY,
        up_to_year=year,
    )
    for indicator in indicators:
        progress = progress_of(indicator, as_of=year, statuses=APPROVED_ONLY)
        entries[indicator.plan_id].append(_stored(progress, year))
    return entries


def stored_entries(plans: list[Plan], year: int) -> dict[int, list[list]]:
    """Return each plan's entries in `year`, from its snapshot when that is current.

    A snapshot is current when computed from the plan's `approved_version` (entries are judged
    on approved figures only) as loaded with `plans`, by the code of NATIONAL_RULES (as
    PlanStatusSnapshot). Queries: one, plus those of _entries_store when any plan's
    snapshot is missing or old.
    """
    versions = {plan.pk: plan.approved_version for plan in plans}
    current = {
        snapshot.plan_id: snapshot.entries
        for snapshot in ConceptVerdictSnapshot.objects.filter(plan__in=list(versions), year=year)
        if snapshot.version == versions[snapshot.plan_id] and snapshot.rules == NATIONAL_RULES
    }
    missing = [plan for plan in plans if plan.pk not in current]
    if missing:
        current.update(_entries_store(missing, year))
    return current


def _entries_store(plans: list[Plan], year: int) -> dict[int, list[list]]:
    """Judge `plans` in `year` and store their snapshots. Queries: three and one write."""
    fresh = _entries_compute(plans, year)
    ConceptVerdictSnapshot.objects.bulk_create(
        [
            ConceptVerdictSnapshot(
                plan=plan,
                year=year,
                version=plan.approved_version,
                rules=NATIONAL_RULES,
                entries=fresh[plan.pk],
            )
            for plan in plans
        ],
        update_conflicts=True,
        unique_fields=["plan", "year"],
        update_fields=["version", "rules", "entries", "computed_at"],
    )
    return fresh


def _entry(plan: Plan, stored: list, concept: IndicatorConcept) -> Entry:
    item = dict(zip(STORED_FIELDS, stored, strict=True))
    indicator = StoredIndicator(
        item["indicator"], item["code"], item["name"], item["scope"], item["unit"], item["position"]
    )
    target = None
    if item["target"] is not None:
        target = StoredTarget(item["target"], item["target_phrase"], Decimal(item["target_value"]))
    try:
        factor = units.factor(indicator.unit, concept.unit)
    except units.UnitMismatch:
        factor = None
    return Entry(
        plan=plan,
        indicator=indicator,
        own_figure=None if item["figure"] is None else Decimal(item["figure"]),
        figure_year=item["figure_year"],
        status_code=item["status"],
        target=target,
        factor=factor,
    )


@dataclass
class Cell:
    concept: IndicatorConcept
    entries: list[Entry] = field(default_factory=list)

    @property
    def sort_value(self) -> Decimal | None:
        """Return the figure the column sorts by: the cell's first one in the concept's unit."""
        return next((e.figure for e in self.entries if e.figure is not None), None)


@dataclass
class Row:
    """Today's unit with the plans of one province: itself or one merged into it."""

    province: Province  # the unit of today's map
    origin: Province | None  # whose plans the row shows; None when there is none in force
    plans: list[Plan]  # the origin's plans in force in the year
    cells: list[Cell]
    has_plans: bool  # whether any plan of the unit or its predecessors is in the system

    @property
    def group(self) -> int:
        return self.province.pk

    def sort_value(self, column: int) -> Decimal | None:
        return self.cells[column].sort_value

    @property
    def label(self) -> str:
        """Return "Cần Thơ", or "Cần Thơ — theo kế hoạch của Hậu Giang (nay thuộc Cần Thơ)"."""
        if self.origin is None or self.origin.pk == self.province.pk:
            return self.province.name
        return _("%(province)s — according to the plans of %(origin)s") % {
            "province": self.province.name,
            "origin": self.origin.label,
        }


ARIA_SORT = {ASC: "ascending", DESC: "descending"}
OPPOSITE = {ASC: DESC, DESC: ASC}


@dataclass
class Column:
    concept: IndicatorConcept
    # The order a first click on the header asks for: the best figures first.
    first_order: str
    # Set once the matrix is sorted: the header's aria-sort and the order its link asks for.
    aria_sort: str = "none"
    next_order: str = ""


@dataclass
class Ranked:
    """One bar of a concept's ranking chart."""

    label: str
    figure: Decimal
    target_value: Decimal | None
    target_phrase: str
    status_code: str


class ProvinceSortState:
    """The province column's header state, for a matrix with `sort` and `order` fields."""

    @property
    def province_aria_sort(self) -> str:
        return ARIA_SORT[self.order] if self.sort == PROVINCE else "none"

    @property
    def province_next_order(self) -> str:
        return OPPOSITE[self.order] if self.sort == PROVINCE else ASC


@dataclass
class NationalMatrix(ProvinceSortState):
    year: int
    years: list[int]
    columns: list[Column]
    rows: list[Row]
    sort: str
    order: str

    def ranking(self, index: int) -> list[Ranked]:
        """Return the convertible figures of column `index`, best first, one per entry."""
        concept = self.columns[index].concept
        bars = [
            Ranked(
                label=f"{row.label} — {entry.detail}" if entry.detail else row.label,
                figure=entry.figure,
                target_value=entry.target_value,
                target_phrase=entry.target.phrase if entry.target else "",
                status_code=entry.status_code,
            )
            for row in self.rows
            for entry in row.cells[index].entries
            if entry.figure is not None
        ]
        lower_first = concept.direction == Direction.LOWER_IS_BETTER
        return sorted(bars, key=lambda bar: bar.figure, reverse=not lower_first)


def default_year() -> int:
    """Return the latest year with an approved figure, else the current year."""
    latest = Actual.objects.filter(status__in=APPROVED_ONLY).aggregate(year=Max("year"))["year"]
    return latest if latest is not None else timezone.localdate().year


def parse_year(text: str | None) -> int | None:
    """Return the year `text` names, or None for anything that is not a plausible year."""
    if not text or not text.isdigit():
        return None
    year = int(text)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def first_order(concept: IndicatorConcept) -> str:
    """Return the order that puts the concept's best figures first."""
    return ASC if concept.direction == Direction.LOWER_IS_BETTER else DESC


def _details(entries: list[Entry]) -> None:
    """Name the plan and the indicator of each entry of a cell that holds several."""
    if len(entries) < 2:
        return
    several_plans = len({e.plan.pk for e in entries}) > 1
    for entry in entries:
        plan = entry.plan
        parts = [plan.document_number or plan.slug] if several_plans else []
        parts += [entry.indicator.code, entry.indicator.scope]
        entry.detail = ", ".join(part for part in parts if part)


def provinces_and_plans() -> tuple[dict[int, Province], list[Plan]]:
    """Return every province by id (by name) and every plan without its text, linked.

    Two queries.
    """
    provinces = {p.pk: p for p in Province.objects.order_by("name_folded", "code")}
    for province in provinces.values():
        # Province.current and .label follow successors: give them the objects already loaded.
        if province.successor_id:
            province.successor = provinces[province.successor_id]
    plans = list(Plan.objects.defer(*Plan.TEXT_FIELDS).order_by("first_year", "slug"))
    for plan in plans:
        plan.province = provinces[plan.province_id]
    return provinces, plans


def national_matrix(
    year: int | None, *, sort: str = PROVINCE, order: str = "", loaded=None
) -> NationalMatrix:
    """Return today's provinces × the concepts measured in plans in force in `year`.

    `year` None means default_year(). Queries: the default year when asked, provinces and
    plans unless `loaded` (provinces_and_plans()) gives them, concepts and the plans' stored
    entries (stored_entries).
    """
    if year is None:
        year = default_year()
    provinces, plans = loaded or provinces_and_plans()
    in_force = {plan.pk: plan for plan in plans if plan.covers_year(year)}
    concepts = {c.pk: c for c in IndicatorConcept.objects.all()}
    stored = stored_entries(list(in_force.values()), year)
    measured = sorted(
        (
            (plan, item)
            for plan in in_force.values()
            for item in stored[plan.pk]
            if item[1] in concepts
        ),
        # STORED_FIELDS: item[6] is the indicator's position, item[2] its code.
        key=lambda pair: (pair[0].first_year, pair[0].slug, pair[1][6], pair[1][2]),
    )
    used = {concepts[item[1]] for _plan, item in measured}
    columns = [
        Column(concept, first_order(concept))
        for concept in sorted(used, key=lambda c: (c.name_folded, c.code))
    ]
    entries = defaultdict(list)  # (origin province id, concept id) -> entries
    for plan, item in measured:
        concept = concepts[item[1]]
        entries[(plan.province_id, concept.pk)].append(_entry(plan, item, concept))
    for group in entries.values():
        _details(group)

    plans_of = defaultdict(list)
    for plan in in_force.values():
        plans_of[plan.province_id].append(plan)
    with_any_plan = {plan.province_id for plan in plans}
    families = defaultdict(list)  # today's unit id -> it and the provinces merged into it
    for province in provinces.values():
        families[province.current.pk].append(province)
    rows = []
    for province in provinces.values():
        if not province.is_current:
            continue
        # Its own plans first, then those of the provinces merged into it, by name.
        family = sorted(families[province.pk], key=lambda p: (p.pk != province.pk, p.name_folded))
        has_plans = any(p.pk in with_any_plan for p in family)
        for origin in [p for p in family if plans_of[p.pk]] or [None]:
            cells = [
                Cell(c.concept, entries.get((origin.pk, c.concept.pk), []) if origin else [])
                for c in columns
            ]
            plans_shown = plans_of[origin.pk] if origin else []
            rows.append(Row(province, origin, plans_shown, cells, has_plans))

    covered = [y for p in plans for y in (p.first_year, p.horizon_year or p.last_year)]
    years = sorted({*range(min(covered), max(covered) + 1), year} if covered else {year})
    rows, sort, order = sorted_rows(rows, columns, sort, order)
    return NationalMatrix(year, years, columns, rows, sort, order)


def sorted_rows(rows: list, columns: list[Column], sort: str, order: str):
    """Return (rows, sort, order): `rows` sorted by province or a column, as asked.

    An unknown sort is by province; an unknown order is the column's first order (best
    figures first) or A→Z. Marks each column's header with its aria-sort and next order.
    Rows are Row or indicators.national_page.PageRow: a `group` and `sort_value(column)`.
    """
    column = next((n for n, c in enumerate(columns) if c.concept.code == sort), None)
    sort = PROVINCE if column is None else sort
    if order not in (ASC, DESC):
        order = ASC if column is None else columns[column].first_order
    for n, header in enumerate(columns):
        header.aria_sort = ARIA_SORT[order] if n == column else "none"
        header.next_order = OPPOSITE[order] if n == column else header.first_order
    return _sorted(rows, column, order), sort, order


def _sorted(rows: list, column: int | None, order: str) -> list:
    """Return the rows by province name, or by a column's figure with empty cells last.

    `rows` come by province name, each unit's own plans before its predecessors'; sorts are
    stable, so rows that tie keep that order.
    """
    if column is None:
        if order == ASC:
            return rows
        groups = defaultdict(list)
        for row in rows:
            groups[row.group].append(row)
        return [row for group in reversed(groups.values()) for row in group]
    with_figure = [r for r in rows if r.sort_value(column) is not None]
    without = [r for r in rows if r.sort_value(column) is None]
    with_figure.sort(key=lambda r: r.sort_value(column), reverse=order == DESC)
    return with_figure + without


# The rules and this module, which shapes what is stored.
NATIONAL_RULES = source_digest(sys.modules[__name__], salt=RULES_FINGERPRINT)

"""The national picture: today's provinces × shared indicator concepts in one year.

Plain data for national leaders, read in a fixed number of queries whatever the number of
provinces, plans, indicators and figures. Only approved figures count. A unit formed by the
2025 merger gets one row per province whose plans it carries on, so the series of Hậu Giang
and of Sóc Trăng stay apart under Cần Thơ: nothing is averaged or summed across provinces.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import units
from indicators.achievement import reference_value
from indicators.models import Actual, Direction, Indicator, IndicatorConcept, Target
from indicators.selectors import APPROVED_ONLY, IndicatorProgress, progress_of, with_progress_data
from plans.models import MAX_YEAR, MIN_YEAR, Plan, Province

PROVINCE = "province"
ASC, DESC = "asc", "desc"


@dataclass
class Entry:
    """One indicator of one plan measuring a concept, judged in the year."""

    plan: Plan
    progress: IndicatorProgress
    # What the indicator's figures are multiplied by to be in the concept's unit; None when its
    # unit does not convert: the figure is shown in its own unit and left out of any ranking.
    factor: Decimal | None
    detail: str = ""  # what tells it apart from the other entries of its cell

    @property
    def indicator(self) -> Indicator:
        return self.progress.indicator

    @property
    def convertible(self) -> bool:
        return self.factor is not None

    @property
    def status_code(self) -> str:
        return self.progress.status_code

    @property
    def target(self) -> Target | None:
        """Return the target that applies in the year, as the year view shows it."""
        return self.progress.target

    @property
    def own_figure(self) -> Decimal | None:
        """Return the figure judged in the year, in the indicator's own unit."""
        status = self.progress.status
        return status.figure if status else None

    @property
    def figure(self) -> Decimal | None:
        """Return the figure judged in the year in the concept's unit; None if it won't convert."""
        if self.own_figure is None or self.factor is None:
            return None
        return units.scale(self.own_figure, self.factor)

    @property
    def figure_year(self) -> int | None:
        """Return the latest year reported up to the year judged: a level may be older."""
        if self.own_figure is None:
            return None
        year = self.progress.as_of
        return max((y for y in self.progress.values if y <= year), default=None)

    @property
    def target_value(self) -> Decimal | None:
        """Return the number the figure is measured against, in the concept's unit."""
        target = self.target
        if target is None or self.factor is None:
            return None
        return units.scale(reference_value(target, self.indicator.direction), self.factor)


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


@dataclass
class NationalMatrix:
    year: int
    years: list[int]
    columns: list[Column]
    rows: list[Row]
    sort: str
    order: str

    @property
    def province_aria_sort(self) -> str:
        return ARIA_SORT[self.order] if self.sort == PROVINCE else "none"

    @property
    def province_next_order(self) -> str:
        return OPPOSITE[self.order] if self.sort == PROVINCE else ASC

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


def _factor(indicator: Indicator) -> Decimal | None:
    try:
        return units.factor(indicator.unit, indicator.concept.unit)
    except units.UnitMismatch:
        return None


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


def national_matrix(year: int | None, *, sort: str = PROVINCE, order: str = "") -> NationalMatrix:
    """Return today's provinces × the concepts measured in plans in force in `year`.

    `year` None means default_year(). Queries: the default year when asked, provinces, plans,
    indicators with their concepts, targets and approved figures.
    """
    if year is None:
        year = default_year()
    provinces = {p.pk: p for p in Province.objects.order_by("name_folded", "code")}
    for province in provinces.values():
        # Province.current and .label follow successors: give them the objects already loaded.
        if province.successor_id:
            province.successor = provinces[province.successor_id]
    plans = list(Plan.objects.defer(*Plan.TEXT_FIELDS).order_by("first_year", "slug"))
    for plan in plans:
        plan.province = provinces[plan.province_id]
    in_force = {plan.pk: plan for plan in plans if plan.covers_year(year)}
    indicators = sorted(
        with_progress_data(
            Indicator.objects.filter(plan__in=list(in_force), concept__isnull=False),
            statuses=APPROVED_ONLY,
            up_to_year=year,
        ),
        key=lambda i: (i.plan.first_year, i.plan.slug, i.position, i.code),
    )
    concepts = {i.concept_id: i.concept for i in indicators}
    columns = [
        Column(concept, first_order(concept))
        for concept in sorted(concepts.values(), key=lambda c: (c.name_folded, c.code))
    ]
    entries = defaultdict(list)  # (origin province id, concept id) -> entries
    for indicator in indicators:
        plan = indicator.plan = in_force[indicator.plan_id]
        progress = progress_of(indicator, as_of=year, statuses=APPROVED_ONLY)
        entries[(plan.province_id, indicator.concept_id)].append(
            Entry(plan, progress, _factor(indicator))
        )
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

    column = next((n for n, c in enumerate(columns) if c.concept.code == sort), None)
    sort = PROVINCE if column is None else sort
    if order not in (ASC, DESC):
        order = ASC if column is None else columns[column].first_order
    for n, header in enumerate(columns):
        header.aria_sort = ARIA_SORT[order] if n == column else "none"
        header.next_order = OPPOSITE[order] if n == column else header.first_order
    covered = [y for p in plans for y in (p.first_year, p.horizon_year or p.last_year)]
    years = sorted({*range(min(covered), max(covered) + 1), year} if covered else {year})
    return NationalMatrix(year, years, columns, _sorted(rows, column, order), sort, order)


def _sorted(rows: list[Row], column: int | None, order: str) -> list[Row]:
    """Return the rows by province name, or by a column's figure with empty cells last.

    `rows` come by province name, each unit's own plans before its predecessors'; sorts are
    stable, so rows that tie keep that order.
    """
    if column is None:
        if order == ASC:
            return rows
        groups = defaultdict(list)
        for row in rows:
            groups[row.province.pk].append(row)
        return [row for group in reversed(groups.values()) for row in group]
    with_figure = [r for r in rows if r.cells[column].sort_value is not None]
    without = [r for r in rows if r.cells[column].sort_value is None]
    with_figure.sort(key=lambda r: r.cells[column].sort_value, reverse=order == DESC)
    return with_figure + without

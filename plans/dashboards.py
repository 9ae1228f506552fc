"""Reads behind the leadership dashboards: plain data, a fixed number of queries per page."""

import functools
import hashlib
import inspect
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from budgets.models import Allocation, BudgetLine, Disbursement, FundingSource
from indicators import units
from indicators.achievement import Status
from indicators.models import Actual, Indicator, IndicatorConcept
from indicators.selectors import (
    ALL_STATUSES,
    APPROVED_ONLY,
    IndicatorProgress,
    progress_of,
    with_progress_data,
)
from plans import access
from plans.models import (
    Agency,
    CountryVersion,
    Plan,
    PlanStatusSnapshot,
    Project,
    Province,
    Responsibility,
    WorkProgress,
)


def visible_statuses(user, plan: Plan, *, show_unapproved: bool) -> tuple[str, ...]:
    """Return the figure statuses `user` sees on `plan`: approved only unless asked and allowed."""
    if show_unapproved and access.sees_unapproved(user, plan):
        return ALL_STATUSES
    return APPROVED_ONLY


@dataclass
class PlanSummary:
    plan: Plan
    year: int | None  # the latest year with figures
    counts: dict[str, int]
    qualitative_done: int
    qualitative_total: int
    planned: Decimal
    disbursed: Decimal

    @property
    def disbursed_percent(self) -> Decimal | None:
        if not self.planned:
            return None
        return (self.disbursed / self.planned * 100).quantize(Decimal("0.1"))


@dataclass
class ProvinceSummaries:
    """A unit of today's map with the plans of its own and of the provinces merged into it."""

    province: Province
    plans: list[PlanSummary] = field(default_factory=list)
    # The province whose year view the group links to: today's unit, or for a user of an ended
    # province (kept until an administrator moves them) their own.
    year_view_province: Province | None = None

    @property
    def predecessors(self) -> list[Province]:
        """Return the ended provinces whose plans are in the group, in the order of the plans."""
        seen = {}
        for summary in self.plans:
            if summary.plan.province_id != self.province.pk:
                seen.setdefault(summary.plan.province_id, summary.plan.province)
        return list(seen.values())


def plan_summary(plan: Plan, indicators, statuses, planned, disbursed) -> PlanSummary:
    """Return the plan's status counts in its latest year with figures; no queries.

    `indicators` come from with_progress_data(); only actuals with `statuses` count.
    """
    years = [a.year for i in indicators for a in i.actuals.all() if a.status in statuses]
    year = max(years) if years else None
    # One count per status, best first: a missed milestone (Không đạt) is not merged into
    # Chậm tiến độ, nor Vượt into Đạt.
    counts = dict.fromkeys(Status.values, 0)
    done = total_qualitative = 0
    for indicator in indicators:
        progress = progress_of(indicator, as_of=year, statuses=statuses)
        if indicator.is_qualitative:
            total_qualitative += 1
            done += progress.progress == Actual.Progress.DONE
        else:
            counts[progress.status_code] += 1
    return PlanSummary(plan, year, counts, done, total_qualitative, planned, disbursed)


def home_summaries(user, *, show_unapproved: bool = False) -> list[ProvinceSummaries]:
    """Return each unit of today's map with the summaries of the plans the user reaches there.

    Plans of a province merged in 2025 are listed under the unit it joined. The verdict counts
    come from status snapshots (see plans.models.PlanStatusSnapshot), so the page costs the
    same with one province or the whole country. Queries: plans, snapshots; and for plans whose
    snapshot is missing or old, indicators, targets, actuals, planned and disbursed sums and
    one upsert.
    """
    plans = list(
        access.plans_for_user(user)
        .select_related("province", "province__successor", "superseded_by")
        .defer(*Plan.TEXT_FIELDS)
        .order_by("province__name_folded", "first_year", "slug")
    )
    statuses = {
        plan.pk: visible_statuses(user, plan, show_unapproved=show_unapproved) for plan in plans
    }
    snapshots = status_snapshots(plans, statuses)
    provinces: dict[int, ProvinceSummaries] = {}
    for plan in plans:
        today = plan.province.current
        group = provinces.get(today.pk)
        if group is None:
            linked = today if access.reaches(user, today.pk) else plan.province
            group = provinces[today.pk] = ProvinceSummaries(today, year_view_province=linked)
        snapshot = snapshots[plan.pk]
        group.plans.append(
            PlanSummary(
                plan,
                snapshot.year,
                {code: snapshot.counts.get(code, 0) for code in Status.values},
                snapshot.qualitative_done,
                snapshot.qualitative_total,
                snapshot.planned,
                snapshot.disbursed,
            )
        )
    return sorted(provinces.values(), key=lambda group: group.province.name_folded)


def source_digest(*modules, templates=(), salt: str = "") -> str:
    """Return a short digest of the source of `modules` and of `templates` (by name): what a
    kept page or snapshot was produced by, so that a deploy changing any of it renders again."""
    digest = hashlib.sha256(salt.encode())
    for module in modules:
        digest.update(inspect.getsource(module).encode())
    for name in templates:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:16]


def _rules_fingerprint() -> str:
    """Return a digest of the code that judges verdicts: the modules of the one rule."""
    from indicators import achievement, selectors, targets, units

    return source_digest(achievement, selectors, targets, units)


RULES_FINGERPRINT = _rules_fingerprint()


def is_approved_only(statuses) -> bool:
    return tuple(statuses) == tuple(APPROVED_ONLY)


def scope_of(statuses) -> str:
    """Return the snapshot scope of these statuses: approved only, or all."""
    if is_approved_only(statuses):
        return PlanStatusSnapshot.Scope.APPROVED
    return PlanStatusSnapshot.Scope.ALL


def status_snapshots(plans: list[Plan], statuses: dict) -> dict[int, PlanStatusSnapshot]:
    """Return each plan's verdict counts for the figures `statuses[plan.pk]` shows.

    A stored snapshot is used when it was computed from the plan's current data_version (read
    with the plans); the others are computed here in one pass and stored for the next reader.
    """
    wanted = {plan.pk: scope_of(statuses[plan.pk]) for plan in plans}
    versions = {
        plan.pk: plan.version_for(
            approved_only=wanted[plan.pk] == PlanStatusSnapshot.Scope.APPROVED
        )
        for plan in plans
    }
    stored = PlanStatusSnapshot.objects.filter(plan__in=plans) if plans else []
    current = {
        (s.plan_id, s.scope): s
        for s in stored
        if s.version == versions[s.plan_id] and s.rules == RULES_FINGERPRINT
    }
    missing = [plan for plan in plans if (plan.pk, wanted[plan.pk]) not in current]
    if missing:
        fresh = _snapshots_compute(missing, {plan.pk: statuses[plan.pk] for plan in missing})
        PlanStatusSnapshot.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["plan", "scope"],
            update_fields=[
                "version",
                "rules",
                "year",
                "counts",
                "qualitative_done",
                "qualitative_total",
                "planned",
                "disbursed",
            ],
        )
        current.update({(s.plan_id, s.scope): s for s in fresh})
    return {plan.pk: current[(plan.pk, wanted[plan.pk])] for plan in plans}


def _snapshots_compute(plans: list[Plan], statuses: dict) -> list[PlanStatusSnapshot]:
    """Judge every indicator of `plans` and sum their money (five queries); return their
    unsaved snapshots."""
    indicators = with_progress_data(Indicator.objects.filter(plan__in=plans), statuses=ALL_STATUSES)
    by_plan = defaultdict(list)
    for indicator in indicators:
        by_plan[indicator.plan_id].append(indicator)
    planned = dict(
        Allocation.objects.filter(line__plan__in=plans)
        .order_by()
        .values_list("line__plan")
        .annotate(total=Sum("amount"))
        .values_list("line__plan", "total")
    )
    disbursed = defaultdict(Decimal)
    rows = (
        Disbursement.objects.filter(line__plan__in=plans)
        .order_by()
        .values_list("line__plan", "status")
        .annotate(total=Sum("amount"))
    )
    for plan_id, status, total in rows:
        if status in statuses[plan_id]:
            disbursed[plan_id] += total
    snapshots = []
    for plan in plans:
        summary = plan_summary(
            plan,
            by_plan[plan.pk],
            statuses[plan.pk],
            planned.get(plan.pk, Decimal(0)),
            disbursed[plan.pk],
        )
        snapshots.append(
            PlanStatusSnapshot(
                plan=plan,
                scope=scope_of(statuses[plan.pk]),
                version=plan.version_for(approved_only=is_approved_only(statuses[plan.pk])),
                rules=RULES_FINGERPRINT,
                year=summary.year,
                counts=summary.counts,
                qualitative_done=summary.qualitative_done,
                qualitative_total=summary.qualitative_total,
                planned=summary.planned,
                disbursed=summary.disbursed,
            )
        )
    return snapshots


@dataclass
class LineAmounts:
    line: BudgetLine
    planned_by_source: dict[FundingSource, Decimal]
    disbursed_by_source: dict[FundingSource, Decimal]
    has_unapproved: bool

    @property
    def planned(self) -> Decimal:
        return sum(self.planned_by_source.values(), Decimal(0))

    @property
    def disbursed(self) -> Decimal:
        return sum(self.disbursed_by_source.values(), Decimal(0))


# What a leader acts on first (a phone shows these above everything else), worst first.
NEEDS_ATTENTION = (Status.NOT_ACHIEVED, Status.BEHIND)


@dataclass
class PlanDashboard:
    plan: Plan
    progresses: list[IndicatorProgress]
    years: list[int]
    lines: list[LineAmounts]
    # (period label, kind "planned"/"disbursed", source) -> amount
    budget_cells: dict[tuple[str, str, FundingSource], Decimal]
    projects: list[Project]
    project_budgets: dict[int, Decimal]  # project id -> planned money of its budget lines
    duties_by_agency: list[tuple[Agency, list[Responsibility]]]
    stated_totals: list

    @property
    def behind(self) -> list[IndicatorProgress]:
        """Return the indicators judged behind or short of a milestone, missed milestones first."""
        ranks = {code: rank for rank, code in enumerate(NEEDS_ATTENTION)}
        flagged = [p for p in self.progresses if p.status_code in ranks]
        return sorted(flagged, key=lambda progress: ranks[progress.status_code])


def _period_label(year_from: int, year_to: int) -> str:
    return str(year_from) if year_from == year_to else f"{year_from}-{year_to}"


def plan_dashboard(plan: Plan, *, statuses: tuple[str, ...]) -> PlanDashboard:
    """Return everything the plan dashboard shows; a fixed number of queries."""
    progresses = [
        progress_of(indicator, statuses=statuses)
        for indicator in with_progress_data(plan.indicators.all(), statuses=statuses).order_by(
            "section__position", "section__code", "position", "code"
        )
    ]
    lines = (
        BudgetLine.objects.filter(plan=plan)
        .with_amounts(status__in=statuses)
        .order_by("position", "code")
    )
    line_amounts, cells = [], defaultdict(Decimal)
    for line in lines:
        planned, disbursed = defaultdict(Decimal), defaultdict(Decimal)
        for allocation in line.allocations.all():
            planned[allocation.source] += allocation.amount
            label = _period_label(allocation.year_from, allocation.year_to)
            cells[(label, "planned", allocation.source)] += allocation.amount
        unapproved = False
        for disbursement in line.disbursements.all():
            disbursed[disbursement.source] += disbursement.amount
            cells[(str(disbursement.year), "disbursed", disbursement.source)] += disbursement.amount
            unapproved |= disbursement.status != Disbursement.Status.APPROVED
        line_amounts.append(LineAmounts(line, dict(planned), dict(disbursed), unapproved))
    duties = defaultdict(list)
    agencies = {}
    # Each project's and duty's progress year by year, in the figures shown (`.progress_shown`).
    progress = Prefetch(
        "progress",
        queryset=WorkProgress.objects.filter(status__in=statuses).order_by("year"),
        to_attr="progress_shown",
    )
    for responsibility in (
        plan.responsibilities.select_related("agency", "section")
        .prefetch_related(progress)
        .order_by("position", "code")
    ):
        agencies[responsibility.agency_id] = responsibility.agency
        duties[responsibility.agency_id].append(responsibility)
    return PlanDashboard(
        plan=plan,
        progresses=progresses,
        years=list(range(plan.first_year, (plan.horizon_year or plan.last_year) + 1)),
        lines=line_amounts,
        budget_cells=dict(cells),
        projects=list(
            plan.projects.select_related("lead_agency", "parent")
            .prefetch_related(progress)
            .order_by("position", "code")
        ),
        project_budgets=_project_budgets(line_amounts),
        duties_by_agency=[(agencies[pk], items) for pk, items in duties.items()],
        stated_totals=list(plan.stated_totals.select_related("source")),
    )


def _project_budgets(line_amounts: list[LineAmounts]) -> dict[int, Decimal]:
    budgets: dict[int, Decimal] = defaultdict(Decimal)
    for item in line_amounts:
        if item.line.project_id:
            budgets[item.line.project_id] += item.planned
    return dict(budgets)


@dataclass
class YearRow:
    plan: Plan
    progress: IndicatorProgress
    target: object  # the target that applies in the year, if any
    target_is_own: bool


def year_view(user, province: Province, year: int, *, show_unapproved: bool) -> list[YearRow]:
    """Return every indicator of the plans in force in `year` of the province and of the
    provinces merged into it, judged in `year`; each row keeps its own plan and province."""
    provinces = access.province_and_predecessors(province.pk)
    plans = [
        plan
        for plan in access.plans_for_user(user)
        .filter(province__in=provinces)
        .select_related("province", "province__successor")
        if plan.covers_year(year)
    ]
    statuses = {p.pk: visible_statuses(user, p, show_unapproved=show_unapproved) for p in plans}
    indicators = with_progress_data(
        Indicator.objects.filter(plan__in=plans),
        statuses=ALL_STATUSES if show_unapproved else APPROVED_ONLY,
        up_to_year=year,
    ).order_by("plan__first_year", "plan__slug", "section__position", "position", "code")
    rows = []
    for indicator in indicators:
        progress = progress_of(indicator, as_of=year, statuses=statuses[indicator.plan_id])
        target = progress.target
        rows.append(
            YearRow(indicator.plan, progress, target, target is not None and target.year == year)
        )
    return rows


@dataclass
class ConceptSeries:
    plan: Plan
    progress: IndicatorProgress
    # What the indicator's figures are multiplied by to be in the concept's unit; None when
    # its unit does not convert: the chart leaves the series out and says so.
    factor: Decimal | None = Decimal(1)

    @property
    def convertible(self) -> bool:
        return self.factor is not None

    @property
    def targets_in_concept_unit(self) -> list[tuple[int, Decimal, str]]:
        """Return (year, value, printed phrase) of each target in the concept's unit."""
        if self.factor is None:
            return []
        return [
            (t.year, units.scale(t.value, self.factor), t.phrase) for t in self.progress.targets
        ]

    @property
    def actuals_in_concept_unit(self) -> list[tuple[int, Decimal]]:
        """Return (year, value) of each reported figure in the concept's unit."""
        if self.factor is None:
            return []
        # The figures judged (increments cumulative), as on the plan's own chart.
        return [
            (year, units.scale(figure, self.factor))
            for year, figure in self.progress.figures.items()
        ]


def comparison_plans(user) -> dict[int, Plan]:
    """Return the plans `user` reaches, by id, with their provinces: what a comparison reads."""
    return {
        p.pk: p
        for p in access.plans_for_user(user)
        .select_related("province", "province__successor")
        .defer(*Plan.TEXT_FIELDS)
    }


def concept_comparison(user, concept: IndicatorConcept, *, show_unapproved: bool, plans=None):
    """Return, for each plan the user reaches, its indicators measuring `concept`.

    Series are ordered by the unit of today's map they belong to, then by the province of
    their plan: a province merged in 2025 keeps its own series, next to its successor's, never
    summed into one. Each series carries the factor into the concept's unit (None if its unit
    won't convert). `plans` are comparison_plans(user) when the caller has them.
    """
    plans = comparison_plans(user) if plans is None else plans
    indicators = sorted(
        with_progress_data(
            concept.indicators.filter(plan__in=list(plans)),
            statuses=ALL_STATUSES if show_unapproved else APPROVED_ONLY,
        ).order_by("plan__province__name_folded", "plan__first_year", "code"),
        key=lambda i: plans[i.plan_id].province.current.name_folded,
    )
    series = []
    for indicator in indicators:
        plan = plans[indicator.plan_id]
        statuses = visible_statuses(user, plan, show_unapproved=show_unapproved)
        try:
            factor = units.factor(indicator.unit, concept.unit)
        except units.UnitMismatch:
            factor = None
        series.append(ConceptSeries(plan, progress_of(indicator, statuses=statuses), factor))
    return series


def agency_overview(user, agency: Agency):
    """Return the projects the agency leads and the duties assigned to it, in reachable plans,
    each with its approved progress year by year (`.progress_shown`).

    An agency merged into another (a Sở TT&TT into the Sở KH&CN on 1/3/2025, that one into
    the merged province's on 1/7/2025) carries on its work: the successor's page lists what
    its predecessors led and held, each naming them. Four queries, and one per generation of
    predecessors.
    """
    plans = access.plans_for_user(user)
    agencies = agency_and_predecessors(agency)
    progress = Prefetch(
        "progress",
        queryset=WorkProgress.objects.filter(status__in=APPROVED_ONLY).order_by("year"),
        to_attr="progress_shown",
    )
    text = [f"plan__{name}" for name in Plan.TEXT_FIELDS]
    projects = list(
        Project.objects.filter(lead_agency__in=agencies, plan__in=plans)
        .select_related("plan", "plan__province", "parent", "lead_agency")
        .defer(*text)
        .prefetch_related(progress)
        .order_by("plan__first_year", "plan__slug", "position")
    )
    duties = list(
        Responsibility.objects.filter(agency__in=agencies, plan__in=plans)
        .select_related("plan", "plan__province", "section", "agency")
        .defer(*text)
        .prefetch_related(progress)
        .order_by("plan__first_year", "plan__slug", "position")
    )
    return projects, duties


def agency_and_predecessors(agency: Agency) -> list[Agency]:
    """Return `agency` and every agency merged into it, at any depth (one query a generation)."""
    found, generation = [agency], [agency]
    while generation:
        generation = list(
            Agency.objects.filter(successor__in=generation).exclude(pk__in=[a.pk for a in found])
        )
        found += generation
    return found


def agencies_with_work(user):
    """Return the agencies that lead a project or hold a duty in a plan the user reaches."""
    plans = access.plans_for_user(user).values("pk")
    # Two EXISTS, not an OR across two joins: the joins multiply rows (every duty of every
    # plan) only for DISTINCT to fold them back.
    leads = Project.objects.filter(lead_agency=OuterRef("pk"), plan__in=plans)
    holds = Responsibility.objects.filter(agency=OuterRef("pk"), plan__in=plans)
    return Agency.objects.filter(Exists(leads) | Exists(holds)).order_by(
        "province__name_folded", "name_folded"
    )


@dataclass(frozen=True)
class AgencyGroup:
    province: str  # the province's name; "" for the central bodies
    items: SafeString  # one <li> with a link per agency


def agency_groups(agencies) -> list[AgencyGroup]:
    """Return the agencies grouped by province, each group's list written in one pass.

    Every province's agencies at national scale are some 250 links: read as plain values, with
    one reverse() for all of them, not a model instance and a {% url %} each.
    """
    link = reverse("plans:agency-detail", args=["-"]).removesuffix("-/")
    groups: list[AgencyGroup] = []
    items: list[str] = []
    province = province_id = None
    rows = agencies.values_list("province_id", "province__name", "code", "name")
    for row in [*rows, None]:
        if items and (row is None or row[0] != province_id):
            groups.append(AgencyGroup(province or "", mark_safe("".join(items))))
            items = []
        if row is None:
            break
        province_id, province, code, name = row
        items.append(format_html('<li><a href="{}{}/">{}</a></li>', link, code, name))
    return groups


def agency_list_groups(user) -> list[AgencyGroup]:
    """Return the groups of the agency list of `user`: for a viewer who reaches every province,
    kept under the country's version (plans.kept_parts)."""
    from plans import kept_parts

    if not kept_parts.reaches_country(user):
        return agency_groups(agencies_with_work(user))
    kept = kept_parts.kept(
        "agencies",
        code=_agency_list_code(),
        render=lambda: json.dumps(
            [
                [group.province, str(group.items)]
                for group in agency_groups(agencies_with_work(user))
            ]
        ),
        rests_on=CountryVersion.APPROVED,
    )
    return [AgencyGroup(province, mark_safe(items)) for province, items in json.loads(kept)]


@functools.cache
def _agency_list_code() -> str:
    return source_digest(agency_groups, agencies_with_work, agency_list_groups)

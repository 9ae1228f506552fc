"""Generate a national-size data set through the models, for `manage.py benchmark`.

Every generated row is marked: plans, provinces and agencies have slugs or codes starting with
"bench-", users are named "bench-…", funding sources made here start with "bench-". `--clear`
removes exactly those rows and their history, nothing else.
"""

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import CASCADE
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from budgets.models import (
    Allocation,
    BudgetLine,
    Disbursement,
    FundingSource,
    StatedTotal,
)
from indicators.models import Actual, Comparator, Direction, Indicator, IndicatorConcept, Target
from plans import roles
from plans.models import (
    Agency,
    CountryVersion,
    Membership,
    Plan,
    PlanYear,
    Project,
    Province,
    Responsibility,
    ReviewStatus,
    Section,
    Sector,
)

PREFIX = "bench-"
UPLOAD_PLAN = "bench-upload"
ADMIN_USER = "bench-admin"
DEFAULT_PASSWORD = "bench-Mat-khau-2025"
REASON = "Dữ liệu thử hiệu năng (benchmark_data)"
TWO = Decimal("0.01")

# Indicators not linked to a shared concept: (name, unit, direction, aggregation).
GENERIC = (
    ("Tỷ lệ hồ sơ xử lý trực tuyến", "%", Direction.HIGHER_IS_BETTER, "level"),
    ("Số trạm BTS", "trạm", Direction.HIGHER_IS_BETTER, "level"),
    ("Chiều dài cáp quang xây mới", "km", Direction.HIGHER_IS_BETTER, "increment"),
    ("Số điểm phục vụ bưu chính", "điểm", Direction.HIGHER_IS_BETTER, "level"),
    ("Thời gian xử lý hồ sơ bình quân", "ngày", Direction.LOWER_IS_BETTER, "level"),
)
SECTION_TITLES = ("Viễn thông", "Bưu chính", "Công nghệ thông tin", "Chuyển đổi số")


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str
    direction: str
    aggregation: str
    concept: IndicatorConcept | None = None
    qualitative: bool = False


def bench_filters() -> list[tuple[type, dict]]:
    """Return each model with the filter selecting the rows benchmark_data made, children first.

    Deleting in this order never leaves a row pointing at a deleted one.
    """
    plan = {"plan__slug__startswith": PREFIX}
    return [
        (Actual, {"indicator__plan__slug__startswith": PREFIX}),
        (Target, {"indicator__plan__slug__startswith": PREFIX}),
        (Disbursement, {"line__plan__slug__startswith": PREFIX}),
        (Allocation, {"line__plan__slug__startswith": PREFIX}),
        (BudgetLine, plan),
        (Indicator, plan),
        (Responsibility, plan),
        (Project, plan),
        (StatedTotal, plan),
        (Section, plan),
        (PlanYear, plan),
        (Plan, {"slug__startswith": PREFIX}),
        (Membership, {"user__username__startswith": PREFIX}),
        (Agency, {"code__startswith": PREFIX}),
        (FundingSource, {"code__startswith": PREFIX}),
        (Province, {"slug__startswith": PREFIX}),
    ]


def bench_counts() -> dict[str, int]:
    """Return how many rows benchmark_data made, by model (history included)."""
    counts = {}
    for model, lookup in bench_filters():
        rows = model._default_manager.filter(**lookup)
        counts[model.__name__] = rows.count()
        counts[f"{model.__name__} history"] = model.history.filter(id__in=rows.values("pk")).count()
    counts["User"] = get_user_model().objects.filter(username__startswith=PREFIX).count()
    return counts


def bench_clear() -> Counter:
    """Delete every row benchmark_data made and its history; return the counts deleted.

    Raw deletes: the ORM's would load every row and have django-simple-history record a
    deletion for each of them.
    """
    deleted = Counter()
    filters = bench_filters()
    ours = {model for model, _lookup in filters}
    with transaction.atomic():
        # Raw deletes send no signal: kept pages of the whole country are rendered again.
        CountryVersion.bump()
        for model, lookup in filters:
            _delete(model._default_manager.filter(**lookup), ours, deleted)
        users = get_user_model().objects.filter(username__startswith=PREFIX)
        deleted["User"] = users.count()
        users.delete()
    return deleted


def _delete(rows, ours: set, deleted: Counter) -> None:
    """Raw-delete `rows`, their history, and first the rows of other models cascading from them.

    Rows of models benchmark_data does not know (a cache keyed by plan, say) would otherwise
    block the delete of the rows they point to.
    """
    model = rows.model
    for relation in model._meta.related_objects:
        dependent = relation.related_model
        if dependent in ours or relation.many_to_many or relation.on_delete is not CASCADE:
            continue
        _delete(
            dependent._base_manager.filter(**{f"{relation.field.name}__in": rows.values("pk")}),
            ours,
            deleted,
        )
    history = getattr(model, "history", None)
    if history is not None:
        records = history.filter(id__in=rows.values("pk"))
        deleted[f"{model.__name__} history"] += records._raw_delete(records.db)
    deleted[model.__name__] += rows._raw_delete(rows.db)


def _vn(value: Decimal) -> str:
    """Return a money figure as printed in a Vietnamese table: 1.093.410."""
    return f"{int(value):,}".replace(",", ".")


def _when(year: int, month: int, day: int = 15) -> datetime.datetime:
    return datetime.datetime(year, month, day, 9, 0, tzinfo=datetime.UTC)


class Generator:
    """Build the rows of one province at a time and write them with bulk operations."""

    def __init__(self, *, options):
        self.options = options
        this_year = timezone.localdate().year
        # Approved years end last year; the plans run on to a horizon covering this year.
        self.years = list(range(this_year - options["years"], this_year))
        self.first_year, self.last_year = self.years[0], self.years[-1]
        self.horizon = max(self.last_year + 5, this_year)
        self.mid_year = self.first_year + (len(self.years) - 1) // 2

    # -- reference rows ------------------------------------------------------------------------

    def provinces(self) -> list[Province]:
        """Return the provinces to fill: the 63 of the map before 2025 first, then made-up ones.

        Provinces unchanged by the 2025 merger come first, so a one-province data set is a unit
        of today's map without predecessors (Hà Nội when the reference data is loaded).
        """
        wanted = self.options["provinces"]
        known = sorted(
            Province.objects.before_2025().exclude(slug__startswith=PREFIX),
            key=lambda p: (p.successor_id is not None, p.code),
        )[:wanted]
        made = [
            Province(code=f"BT{n}", name=f"Tỉnh thử {n}", slug=f"{PREFIX}tinh-thu-{n}")
            for n in range(len(known) + 1, wanted + 1)
        ]
        if made:
            bulk_create_with_history(made, Province, default_change_reason=REASON)
        return known + made

    def sources(self) -> list[FundingSource]:
        count = self.options["sources"]
        found = list(FundingSource.objects.exclude(code="chung").order_by("position", "code"))
        found = found[:count]
        made = [
            FundingSource(
                code=f"{PREFIX}{n}", name=f"Nguồn thử {n}", short_name=f"Nguồn {n}", position=80 + n
            )
            for n in range(len(found) + 1, count + 1)
        ]
        if made:
            bulk_create_with_history(made, FundingSource, default_change_reason=REASON)
        return found + made

    def users(self, provinces: list[Province]):
        """Create the benchmark users; return (leaders, staff) by unit-of-today id, and admin.

        One leader and one staff member per unit of today's map holding generated plans, as
        in production after the merger; national leaders and an administrator reach all.
        """
        roles.roles_ensure()
        groups = {group.name: group for group in Group.objects.all()}
        password = make_password(self.options["password"])  # hashed once: hashing is slow
        users = get_user_model()
        units = {}
        for province in provinces:
            units.setdefault(province.current.pk, province.current)
        accounts = []  # (username, role, province)
        for unit in units.values():
            accounts.append((f"{PREFIX}leader-{unit.code.lower()}", roles.LEADER, unit))
            accounts.append((f"{PREFIX}staff-{unit.code.lower()}", roles.STAFF, unit))
        for n in range(1, self.options["national_leaders"] + 1):
            accounts.append((f"{PREFIX}national-{n}", roles.NATIONAL, None))
        accounts.append((ADMIN_USER, roles.ADMIN, None))
        made = users.objects.bulk_create(
            [
                users(
                    username=name,
                    password=password,
                    is_staff=role == roles.ADMIN,
                    is_superuser=role == roles.ADMIN,
                )
                for name, role, _unit in accounts
            ]
        )
        if made and made[0].pk is None:
            made = list(users.objects.filter(username__in=[a[0] for a in accounts]))
        by_name = {user.username: user for user in made}
        through = users.groups.through
        through.objects.bulk_create(
            [
                through(user_id=by_name[name].pk, group_id=groups[role].pk)
                for name, role, _unit in accounts
            ]
        )
        bulk_create_with_history(
            [Membership(user=by_name[name], province=unit) for name, _role, unit in accounts],
            Membership,
            default_change_reason=REASON,
        )
        leaders = {u.pk: by_name[f"{PREFIX}leader-{u.code.lower()}"] for u in units.values()}
        staff = {u.pk: by_name[f"{PREFIX}staff-{u.code.lower()}"] for u in units.values()}
        return leaders, staff, by_name[ADMIN_USER]

    # -- one province --------------------------------------------------------------------------

    def province(self, province, *, leader, staff, concepts, sectors, sources, upload: bool):
        rng = random.Random(f"{self.options['seed']}-{province.code}")
        agencies = self._agencies(province)
        plans = [
            Plan(
                slug=f"{PREFIX}{province.code.lower()}-{k}",
                province=province,
                kind=Plan.Kind.ACTION_PLAN,
                document_number=f"{100 + k}/KH-UBND",
                title=f"Kế hoạch thử số {k} về phát triển bưu chính, viễn thông và CNTT "
                f"tỉnh {province.name} giai đoạn {self.first_year}-{self.last_year}",
                issued_year=self.first_year - 1,
                issued_month=12,
                issued_day=(k - 1) % 28 + 1,
                issuing_body=agencies["ubnd"],
                signer="Chủ tịch UBND tỉnh",
                first_year=self.first_year,
                last_year=self.last_year,
                horizon_year=self.horizon,
                based_on="Dữ liệu thử hiệu năng",
            )
            for k in range(1, self.options["plans_per_province"] + 1)
        ]
        specs = {
            plan.slug: self._indicator_specs(k, concepts) for k, plan in enumerate(plans, start=1)
        }
        if upload:
            plans.append(
                Plan(
                    slug=UPLOAD_PLAN,
                    province=province,
                    kind=Plan.Kind.ACTION_PLAN,
                    document_number="999/KH-UBND",
                    title=f"Kế hoạch thử tải lên {self.options['upload_rows']} dòng",
                    first_year=self.first_year,
                    last_year=self.last_year,
                    horizon_year=self.horizon,
                )
            )
        plans = bulk_create_with_history(plans, Plan, default_change_reason=REASON)
        sections = self._sections(plans, sectors)
        projects = self._projects(plans, sections, agencies)
        self._responsibilities(plans, sections, agencies)
        stated_totals = [
            StatedTotal(
                plan=plan,
                code="TT1",
                label="Tổng vốn đầu tư",
                year_from=self.first_year,
                year_to=self.last_year,
                amount=Decimal(rng.randrange(50, 500) * 1000),
                phrase="khoảng … tỷ đồng",
            )
            for plan in plans
        ]
        bulk_create_with_history(stated_totals, StatedTotal, default_change_reason=REASON)
        counts = {"actuals": 0, "money": 0}
        figure_plans = [p for p in plans if p.slug != UPLOAD_PLAN]
        counts["actuals"] = self._indicators(figure_plans, specs, sections, rng, staff=staff)
        counts["money"] = self._budget(
            figure_plans, sections, projects, sources, rng, staff=staff, lines=None
        )
        self._plan_years(figure_plans, staff=staff, leader=leader)
        upload_plan = next((p for p in plans if p.slug == UPLOAD_PLAN), None)
        if upload_plan is not None:
            self._upload_plan(upload_plan, sections, projects, sources, rng, staff=staff)
        return counts

    def _agencies(self, province) -> dict[str, Agency]:
        slug = province.slug.removeprefix(PREFIX)
        rows = {
            "department": Agency(
                code=f"{PREFIX}{slug}-so-khcn",
                name=f"Sở Khoa học và Công nghệ tỉnh {province.name}",
                short_name=f"Sở KH&CN {province.name}",
                kind=Agency.Kind.DEPARTMENT,
                province=province,
            ),
            "ubnd": Agency(
                code=f"{PREFIX}{slug}-ubnd",
                name=f"Ủy ban nhân dân tỉnh {province.name}",
                short_name=f"UBND {province.name}",
                kind=Agency.Kind.PEOPLES_COMMITTEE,
                province=province,
            ),
            "enterprise": Agency(
                code=f"{PREFIX}{slug}-vnpt",
                name=f"VNPT {province.name}",
                kind=Agency.Kind.ENTERPRISE,
                province=province,
            ),
        }
        bulk_create_with_history(list(rows.values()), Agency, default_change_reason=REASON)
        return rows

    def _sections(self, plans, sectors) -> dict[int, list[Section]]:
        rows = [
            Section(
                plan=plan,
                code=f"S{j}",
                number=f"{j}.",
                title=(sectors[j - 1].name if j <= len(sectors) else SECTION_TITLES[j - 1]),
                sector=sectors[j - 1] if j <= len(sectors) else None,
                position=j,
            )
            for plan in plans
            for j in range(1, len(SECTION_TITLES) + 1)
        ]
        rows = bulk_create_with_history(rows, Section, default_change_reason=REASON)
        by_plan = {}
        for row in rows:
            by_plan.setdefault(row.plan_id, []).append(row)
        return by_plan

    def _projects(self, plans, sections, agencies) -> dict[int, list[Project]]:
        rows = [
            Project(
                plan=plan,
                code=f"DA{j}",
                number=str(j),
                name=f"Dự án thử {j}: hạ tầng số và ứng dụng CNTT",
                section=sections[plan.pk][(j - 1) % len(SECTION_TITLES)],
                lead_agency=agencies["department" if j % 2 else "enterprise"],
                lead_agency_printed="Sở KH&CN",
                first_year=plan.first_year,
                last_year=plan.last_year,
                period_printed=f"{plan.first_year}-{plan.last_year}",
                position=j,
            )
            for plan in plans
            for j in range(1, 6)
        ]
        rows = bulk_create_with_history(rows, Project, default_change_reason=REASON)
        by_plan = {}
        for row in rows:
            by_plan.setdefault(row.plan_id, []).append(row)
        return by_plan

    def _responsibilities(self, plans, sections, agencies) -> None:
        duties = (
            ("department", Responsibility.Role.LEAD, "Chủ trì, hướng dẫn triển khai kế hoạch"),
            ("ubnd", Responsibility.Role.SUPPORT, "Chỉ đạo, bố trí kinh phí"),
            ("enterprise", Responsibility.Role.SUPPORT, "Phối hợp đầu tư hạ tầng"),
        )
        rows = [
            Responsibility(
                plan=plan,
                code=f"R{j}",
                agency=agencies[key],
                role=role,
                section=sections[plan.pk][0],
                duties=text,
                position=j,
            )
            for plan in plans
            for j, (key, role, text) in enumerate(duties, start=1)
        ]
        bulk_create_with_history(rows, Responsibility, default_change_reason=REASON)

    def _indicator_specs(self, k: int, concepts) -> list[IndicatorSpec]:
        """Return the indicators of the k-th plan of a province.

        Plans of the same parity share their concepts: each concept is measured in two plans
        of every province, as a plan and its follow-up print the same indicators.
        """
        count = self.options["indicators"]
        specs = []
        linked = [c for n, c in enumerate(concepts) if n % 2 == k % 2][: int(count * 0.4)]
        for concept in linked:
            aggregation = "yearly_rate" if concept.unit.startswith("%/") else "level"
            specs.append(
                IndicatorSpec(concept.name, concept.unit, concept.direction, aggregation, concept)
            )
        if count >= 5:
            specs.append(
                IndicatorSpec("Xây dựng trung tâm dữ liệu", "", "higher", "level", None, True)
            )
            specs.append(
                IndicatorSpec("Triển khai nền tảng tích hợp", "", "higher", "level", None, True)
            )
        n = 0
        while len(specs) < count:
            name, unit, direction, aggregation = GENERIC[n % len(GENERIC)]
            specs.append(
                IndicatorSpec(f"{name} ({n // len(GENERIC) + 1})", unit, direction, aggregation)
            )
            n += 1
        return specs[:count]

    def _series(self, spec: IndicatorSpec, rng) -> list[Decimal]:
        """Return one plausible figure per year for the indicator."""
        years = len(self.years)
        if spec.aggregation == "yearly_rate":
            return [Decimal(rng.uniform(3, 15)).quantize(TWO) for _ in range(years)]
        if spec.aggregation == "increment":
            return [Decimal(rng.uniform(5, 50)).quantize(TWO) for _ in range(years)]
        if spec.unit.strip() == "%":
            start, step = rng.uniform(20, 60), rng.uniform(1, 4)
            return [Decimal(min(start + step * n, 99.5)).quantize(TWO) for n in range(years)]
        if spec.direction == Direction.LOWER_IS_BETTER:
            start, rate = rng.uniform(2, 20), rng.uniform(0.01, 0.04)
            return [Decimal(start * (1 - rate) ** n).quantize(TWO) for n in range(years)]
        start, rate = rng.uniform(5, 100), rng.uniform(0.03, 0.1)
        return [Decimal(start * (1 + rate) ** n).quantize(TWO) for n in range(years)]

    def _targets(self, indicator, spec, series) -> list[Target]:
        lower = spec.direction == Direction.LOWER_IS_BETTER
        comparator = Comparator.LTE if lower else Comparator.GTE
        milestones = sorted({self.mid_year, self.last_year})
        targets, previous = [], None
        for year in milestones:
            index = year - self.first_year
            if spec.aggregation == "increment":
                reached = sum(series[: index + 1], Decimal(0))
            elif spec.aggregation == "yearly_rate":
                reached = Decimal(10)
            else:
                reached = series[index]
            value = reached * (Decimal("0.95") if lower else Decimal("1.05"))
            if spec.unit.strip() == "%":
                value = min(value, Decimal(100))
            value = value.quantize(TWO)
            sign = "dưới" if lower else "trên"
            targets.append(
                Target(
                    indicator=indicator,
                    year=year,
                    period_start=None if previous is None else previous + 1,
                    comparator=comparator,
                    value=value,
                    phrase=f"{sign} {str(value).replace('.', ',')} {spec.unit}".strip(),
                )
            )
            previous = year
        return targets

    def _indicators(self, plans, specs, sections, rng, *, staff) -> int:
        rows, figures = [], []  # the indicators; per indicator (spec, yearly figures)
        for plan in plans:
            for n, spec in enumerate(specs[plan.slug], start=1):
                series = None if spec.qualitative else self._series(spec, rng)
                baseline = series is not None and spec.aggregation == "level"
                rows.append(
                    Indicator(
                        plan=plan,
                        code=f"CT{n:02d}",
                        section=sections[plan.pk][(n - 1) % len(SECTION_TITLES)],
                        name=spec.name,
                        scope="toàn tỉnh",
                        unit=spec.unit,
                        kind=Indicator.Kind.QUALITATIVE
                        if spec.qualitative
                        else Indicator.Kind.QUANTITATIVE,
                        direction=spec.direction,
                        aggregation=spec.aggregation,
                        allows_negative=spec.aggregation == "yearly_rate",
                        baseline_value=series[0] if baseline else None,
                        baseline_year=self.first_year - 1 if baseline else None,
                        baseline_source="Niên giám thống kê" if baseline else "",
                        due_year=self.last_year if spec.qualitative else None,
                        concept=spec.concept,
                        position=n,
                    )
                )
                figures.append((spec, series))
        rows = bulk_create_with_history(rows, Indicator, default_change_reason=REASON)
        targets, actuals = [], []
        for indicator, (spec, series) in zip(rows, figures, strict=True):
            if series is None:
                done_from = self.first_year + rng.randrange(len(self.years))
                for year in self.years:
                    progress = (
                        Actual.Progress.DONE if year >= done_from else Actual.Progress.IN_PROGRESS
                    )
                    actuals.append(self._actual(indicator, year, None, progress, staff))
                continue
            targets += self._targets(indicator, spec, series)
            actuals += [
                self._actual(indicator, year, value, "", staff)
                for year, value in zip(self.years, series, strict=True)
            ]
        bulk_create_with_history(targets, Target, default_change_reason=REASON)
        self._figures(Actual, actuals, staff)
        return len(actuals)

    def _actual(self, indicator, year, value, progress, staff) -> Actual:
        return Actual(
            indicator=indicator,
            year=year,
            value=value,
            progress=progress,
            status=ReviewStatus.APPROVED,
            entered_by=staff,
            note="",
        )

    def _figures(self, model, rows, staff) -> None:
        """Create approved figures with the history the review leaves: entered, submitted,
        approved (three records each, as plans.workflow writes them)."""
        rows = model.objects.bulk_create(rows)
        history = model.history
        steps = (
            (ReviewStatus.DRAFT, False, 1),
            (ReviewStatus.SUBMITTED, True, 2),
            (ReviewStatus.APPROVED, True, 3),
        )
        for status, update, month in steps:
            for row in rows:
                row.status = status
            by_year = {}
            for row in rows:
                by_year.setdefault(row.year, []).append(row)
            for year, batch in by_year.items():
                history.bulk_history_create(
                    batch,
                    update=update,
                    default_user=staff,
                    default_change_reason=REASON,
                    default_date=_when(year + 1, month),
                )

    def _budget(self, plans, sections, projects, sources, rng, *, staff, lines) -> int:
        per_plan = self.options["lines"] if lines is None else lines
        line_rows = [
            BudgetLine(
                plan=plan,
                code=f"HM{j:02d}",
                name=f"Hạng mục đầu tư thử {j}",
                section=sections[plan.pk][(j - 1) % len(SECTION_TITLES)],
                sector=sections[plan.pk][(j - 1) % len(SECTION_TITLES)].sector,
                project=projects[plan.pk][j - 1] if j <= len(projects[plan.pk]) else None,
                position=j,
            )
            for plan in plans
            for j in range(1, per_plan + 1)
        ]
        line_rows = bulk_create_with_history(line_rows, BudgetLine, default_change_reason=REASON)
        allocations, disbursements = [], []
        for line in line_rows:
            for source in sources:
                for year in self.years:
                    planned = Decimal(rng.randrange(100, 5000))
                    allocations.append(
                        Allocation(
                            line=line,
                            year_from=year,
                            year_to=year,
                            source=source,
                            amount=planned,
                            amount_printed=_vn(planned),
                        )
                    )
                    spent = (planned * Decimal(rng.uniform(0.5, 1))).quantize(Decimal(1))
                    disbursements.append(
                        Disbursement(
                            line=line,
                            year=year,
                            source=source,
                            amount=spent,
                            status=ReviewStatus.APPROVED,
                            entered_by=staff,
                        )
                    )
        bulk_create_with_history(allocations, Allocation, default_change_reason=REASON)
        self._figures(Disbursement, disbursements, staff)
        return len(allocations) + len(disbursements)

    def _plan_years(self, plans, *, staff, leader) -> None:
        rows = [
            PlanYear(
                plan=plan,
                year=year,
                status=ReviewStatus.APPROVED,
                submitted_by=staff,
                submitted_at=_when(year + 1, 2),
                reviewed_by=leader,
                reviewed_at=_when(year + 1, 3),
            )
            for plan in plans
            for year in self.years
        ]
        bulk_create_with_history(rows, PlanYear, default_user=leader, default_change_reason=REASON)

    def _upload_plan(self, plan, sections, projects, sources, rng, *, staff) -> None:
        """Give the upload plan `upload_rows` template rows: 4/5 indicators, 1/5 money cells.

        Its current year is an open draft with no figures: each benchmark run fills it.
        """
        total = self.options["upload_rows"]
        lines = total // 5 // max(len(sources), 1)
        count = total - lines * len(sources)
        rows = [
            Indicator(
                plan=plan,
                code=f"TL{n:04d}",
                section=sections[plan.pk][(n - 1) % len(SECTION_TITLES)],
                name=f"Chỉ tiêu tải lên {n}",
                unit="%" if n % 2 else "trạm",
                position=n,
            )
            for n in range(1, count + 1)
        ]
        rows = bulk_create_with_history(rows, Indicator, default_change_reason=REASON)
        targets = [
            Target(
                indicator=indicator,
                year=self.last_year,
                comparator=Comparator.GTE,
                value=Decimal(90),
                phrase="trên 90" + (" %" if indicator.unit == "%" else " trạm"),
            )
            for indicator in rows
        ]
        bulk_create_with_history(targets, Target, default_change_reason=REASON)
        line_rows = bulk_create_with_history(
            [
                BudgetLine(plan=plan, code=f"TL{j:03d}", name=f"Hạng mục tải lên {j}", position=j)
                for j in range(1, lines + 1)
            ],
            BudgetLine,
            default_change_reason=REASON,
        )
        year = timezone.localdate().year
        bulk_create_with_history(
            [
                Allocation(
                    line=line,
                    year_from=year,
                    year_to=year,
                    source=source,
                    amount=Decimal(1000),
                    amount_printed="1.000",
                )
                for line in line_rows
                for source in sources
            ],
            Allocation,
            default_change_reason=REASON,
        )
        PlanYear.objects.create(plan=plan, year=year, status=ReviewStatus.DRAFT)


class Command(BaseCommand):
    help = (
        "Generate benchmark data through the models (plans, indicators, 'years' of approved "
        "figures, budgets, their history, and benchmark users), or remove it with --clear."
    )

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=1)
        parser.add_argument("--plans-per-province", type=int, default=4)
        parser.add_argument("--indicators", type=int, default=60, help="Per plan.")
        parser.add_argument(
            "--years", type=int, default=15, help="Approved years, ending last year."
        )
        parser.add_argument("--lines", type=int, default=20, help="Budget lines per plan.")
        parser.add_argument("--sources", type=int, default=2, help="Funding sources per line.")
        parser.add_argument(
            "--upload-rows",
            type=int,
            default=1000,
            help="Rows of the progress template of the upload plan (0: no upload plan).",
        )
        parser.add_argument("--national-leaders", type=int, default=5)
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clear", action="store_true", help="Remove the benchmark data.")

    def handle(self, *args, **options):
        if options["clear"]:
            started = time.perf_counter()
            deleted = bench_clear()
            self.stdout.write(
                f"Removed {sum(deleted.values())} benchmark row(s) in "
                f"{time.perf_counter() - started:.1f} s."
            )
            return
        if not settings.DEBUG:
            raise CommandError(
                "benchmark_data creates accounts with a published password; it runs only with "
                "DEBUG on, never against a production database."
            )
        for name in ("provinces", "plans_per_province", "indicators", "years"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
        if Plan.objects.filter(slug__startswith=PREFIX).exists():
            raise CommandError("Benchmark data is already loaded: run with --clear first.")
        # Without the query log DEBUG keeps: it would format and hold the text of every bulk
        # INSERT, hundreds of MB at the national size.
        with override_settings(DEBUG=False):
            self._generate(options)

    def _generate(self, options):
        started = time.perf_counter()
        generator = Generator(options=options)
        concepts = list(IndicatorConcept.objects.order_by("code"))
        sectors = list(Sector.objects.filter(parent__isnull=True).order_by("position", "code"))
        with transaction.atomic():
            provinces = generator.provinces()
            sources = generator.sources()
            # Again with their successors, which users and reviewers follow; in the same order.
            fetched = Province.objects.select_related("successor__successor").in_bulk(
                [p.pk for p in provinces]
            )
            provinces = [fetched[p.pk] for p in provinces]
            leaders, staff, _admin = generator.users(provinces)
        totals = {"actuals": 0, "money": 0}
        for n, province in enumerate(provinces):
            unit = province.current.pk
            with transaction.atomic():
                # Bulk writes send no signal: kept pages of the whole country are rendered again.
                CountryVersion.bump()
                counts = generator.province(
                    province,
                    leader=leaders[unit],
                    staff=staff[unit],
                    concepts=concepts,
                    sectors=sectors[: len(SECTION_TITLES)],
                    sources=sources,
                    upload=n == 0 and options["upload_rows"] > 0,
                )
            for key, value in counts.items():
                totals[key] += value
            if options["verbosity"] >= 2:
                self.stdout.write(
                    f"  {province.name}: {counts['actuals']} figures, "
                    f"{counts['money']} allocations and disbursements "
                    f"({time.perf_counter() - started:.0f} s)"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark data: {len(provinces)} province(s), "
                f"{totals['actuals']} approved figures, {totals['money']} allocations and "
                f"disbursements, in {time.perf_counter() - started:.1f} s."
            )
        )

"""Reporting status (tỷ lệ báo cáo): where each plan-year stands against its deadline.

Reads for the leaders' reporting status page, its workbook and the inbox, and the one write
of deadlines. A report is due for every year of a plan's period (not the horizon year), on
the plan's default day of that year unless the plan-year has its own deadline. A year past
its deadline and not submitted is late; so is one submitted after it.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from budgets.models import Disbursement
from indicators.models import Actual, Indicator
from plans import access
from plans.models import Plan, PlanYear, Province, ReviewStatus, is_late, reporting_deadline
from plans.spreadsheets import xlsx

# A report due within this many days is due now: listed in the inbox, and the page's default.
DUE_SOON_DAYS = 30
# Dates are typed and shown day first, whatever language the page is in.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class State(models.TextChoices):
    """Where a plan-year's report stands: a plan-year's status, or not started."""

    NOT_STARTED = "not_started", gettext_lazy("Not started")
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    RETURNED = "returned", gettext_lazy("Returned")
    APPROVED = "approved", gettext_lazy("Approved")


REPORTED = (State.SUBMITTED, State.APPROVED)


def state_of(plan_year: PlanYear | None, *, started: bool | None = None) -> State:
    """Return the state of a report: its plan-year's status, or not started.

    A year has not started while nothing was entered: no plan-year and no figure, or a draft
    plan-year (made, say, to hold a deadline of its own) without any. `started` None: unknown.
    """
    if plan_year is None:
        return State.DRAFT if started else State.NOT_STARTED
    if plan_year.status == ReviewStatus.DRAFT and started is False:
        return State.NOT_STARTED
    return State(plan_year.status)


def with_started(plan_years: QuerySet) -> QuerySet:
    """Annotate plan-years with whether figures (`has_figures`) or money (`has_money`) were
    entered: two EXISTS in the same query."""
    return plan_years.annotate(
        has_figures=Exists(
            Actual.objects.filter(indicator__plan=OuterRef("plan"), year=OuterRef("year"))
        ),
        has_money=Exists(
            Disbursement.objects.filter(line__plan=OuterRef("plan"), year=OuterRef("year"))
        ),
    )


def started(plan_year: PlanYear | None) -> bool | None:
    """Return whether anything was entered for an annotated plan-year (see with_started)."""
    if plan_year is None:
        return False
    return plan_year.has_figures or plan_year.has_money


def local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


@dataclass(frozen=True)
class ReportingRow:
    """One plan's report for one year, as the reporting status page shows it."""

    plan: Plan
    year: int
    plan_year: PlanYear | None
    state: State
    due_on: datetime.date
    today: datetime.date
    indicators: int
    with_figure: int

    @property
    def submitted_on(self) -> datetime.date | None:
        """Return the day of the last submission, for a year submitted or approved."""
        if self.state in REPORTED:
            return local_day(self.plan_year.submitted_at)
        return None

    @property
    def approved_on(self) -> datetime.date | None:
        if self.state == State.APPROVED:
            return local_day(self.plan_year.reviewed_at)
        return None

    @property
    def is_due(self) -> bool:
        """Return whether the deadline has come: a report is owed."""
        return self.due_on <= self.today

    @property
    def late(self) -> bool:
        if self.state in REPORTED and self.submitted_on is None:
            return False  # approved before submissions were dated: nothing to judge
        return is_late(due_on=self.due_on, submitted_on=self.submitted_on, today=self.today)

    @property
    def days_left(self) -> int:
        """Return the days until the deadline; negative once it has passed."""
        return (self.due_on - self.today).days

    @property
    def figure_share(self) -> float | None:
        """Return the share of the plan's indicators with a figure for the year (0 to 1)."""
        return self.with_figure / self.indicators if self.indicators else None

    @property
    def timeliness(self) -> str:
        """Return on time / late / the days left, in words."""
        if self.state in REPORTED:
            if self.submitted_on is None:
                return ""
            return _("Late") if self.late else _("On time")
        if self.late:
            return _("Late")
        return _("%(days)s days left") % {"days": self.days_left}


@dataclass(frozen=True)
class ReportingTotals:
    rows: int
    due: int  # reports whose deadline has come
    reported: int  # of those, submitted or approved
    on_time: int  # of those, submitted by the deadline
    late: int  # of those due, late (submitted late or not yet)
    states: dict[str, int]

    @property
    def reporting_rate(self) -> float | None:
        return self.reported / self.due if self.due else None

    @property
    def timeliness_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def reporting_totals(rows: list[ReportingRow]) -> ReportingTotals:
    """Return the reporting rate and timeliness of `rows`, DHIS2-style: of the reports due."""
    due = [row for row in rows if row.is_due]
    reported = [row for row in due if row.state in REPORTED]
    counts = Counter(row.state for row in rows)
    return ReportingTotals(
        rows=len(rows),
        due=len(due),
        reported=len(reported),
        on_time=sum(1 for row in reported if not row.late),
        late=sum(1 for row in due if row.late),
        states={state: counts[state] for state in State.values},
    )


def may_view_reporting(user) -> bool:
    """Return whether `user` may see the reporting status: leaders and national leaders."""
    return user.has_perm(access.APPROVE) or user.has_perm(access.VIEW_ALL)


def latest_due_year(plan: Plan, today: datetime.date) -> int | None:
    """Return the last year of `plan` whose report is due by `today` + DUE_SOON_DAYS."""
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    year = min(plan.last_year, horizon.year)
    while year >= plan.first_year:
        if plan.default_deadline(year) <= horizon:
            return year
        year -= 1
    return None


@dataclass(frozen=True)
class ReportingStatus:
    """The reporting status page: its rows, the years and provinces to choose from."""

    rows: list[ReportingRow]
    totals: ReportingTotals
    year: int | None  # None: every year
    years: list[int]
    province: Province | None
    provinces: list[Province]


def reporting_plans(user):
    """Return the plans whose reports `user` follows, with their province and its successor."""
    return (
        access.plans_for_user(user)
        .select_related("province", "province__successor")
        .defer(*Plan.TEXT_FIELDS)
        .order_by("province__name_folded", "first_year", "slug")
    )


def reporting_status(
    user, *, year: int | None = None, every_year: bool = False, province: str = "", today=None
) -> ReportingStatus:
    """Return the reports of the plans `user` reaches: one row per plan and year.

    Without `year`, the latest year due; `every_year` lists each year due so far. `province`
    is the slug of a province of today's map (its predecessors' plans included). Queries:
    plans, plan-years, indicators per plan, figures per plan and year.
    """
    today = today or timezone.localdate()
    plans = list(reporting_plans(user))
    provinces = sorted(
        {plan.province.current.pk: plan.province.current for plan in plans}.values(),
        key=lambda p: p.name_folded,
    )
    chosen = next((p for p in provinces if p.slug == province), None)
    if chosen is not None:
        plans = [plan for plan in plans if plan.province.current.pk == chosen.pk]
    due_years = [y for y in (latest_due_year(plan, today) for plan in plans) if y is not None]
    last = max(due_years, default=today.year)
    years = sorted({y for plan in plans for y in range(plan.first_year, plan.last_year + 1)})
    years = [y for y in years if y <= last]
    if every_year:
        year = None
    elif year is None:
        year = last
    rows = reporting_rows(plans, year=year, today=today)
    return ReportingStatus(
        rows=rows,
        totals=reporting_totals(rows),
        year=year,
        years=years,
        province=chosen,
        provinces=provinces,
    )


def reporting_rows(plans: list[Plan], *, year: int | None, today) -> list[ReportingRow]:
    """Return a row per plan and year (one `year`, or each year due so far) in three queries."""
    ids = [plan.pk for plan in plans]
    plan_years = with_started(PlanYear.objects.filter(plan__in=ids)).select_related(
        "submitted_by", "reviewed_by"
    )
    figures = Actual.objects.filter(indicator__plan__in=ids)
    if year is not None:
        plan_years = plan_years.filter(year=year)
        figures = figures.filter(year=year)
    stored = {(py.plan_id, py.year): py for py in plan_years}
    indicators = dict(
        Indicator.objects.filter(plan__in=ids)
        .order_by()
        .values_list("plan")
        .annotate(n=Count("pk"))
        .values_list("plan", "n")
    )
    entered = {
        (plan_id, y): n
        for plan_id, y, n in figures.order_by()
        .values_list("indicator__plan", "year")
        .annotate(n=Count("pk"))
        .values_list("indicator__plan", "year", "n")
    }
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    rows = []
    for plan in plans:
        for y in [year] if year is not None else range(plan.first_year, plan.last_year + 1):
            if not plan.reports_year(y):
                continue
            plan_year = stored.get((plan.pk, y))
            due_on = reporting_deadline(plan, y, plan_year.deadline if plan_year else None)
            if year is None and due_on > horizon:
                continue  # every year so far: not those still far from due
            count = entered.get((plan.pk, y), 0)
            rows.append(
                ReportingRow(
                    plan=plan,
                    year=y,
                    plan_year=plan_year,
                    state=state_of(plan_year, started=bool(count) or started(plan_year)),
                    due_on=due_on,
                    today=today,
                    indicators=indicators.get(plan.pk, 0),
                    with_figure=count,
                )
            )
    return rows


# The workbook


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def reporting_workbook(status: ReportingStatus) -> xlsx.ReportFile:
    """Return the reporting status as a workbook: one row per plan and year, then totals."""
    workbook = xlsx.new_workbook(_("Reporting status"))
    reporting_sheet(workbook, status)
    parts = [_("Reporting status")]
    if status.province:
        parts.append(status.province.name)
    if status.year:
        parts.append(str(status.year))
    return xlsx.ReportFile(xlsx.save(workbook), f"{xlsx.safe_filename(' '.join(parts))}.xlsx")


REPORTING_SHEET = "Tỷ lệ báo cáo"  # sheet names are Vietnamese whatever the page's language


def reporting_sheet(workbook, status: ReportingStatus) -> None:
    """Add the reporting status to `workbook`: one row per plan and year, then totals."""
    columns = (
        xlsx.Column(_("Province"), "province", width=24),
        xlsx.Column(_("Plan"), "plan", width=50, wrap=True),
        xlsx.Column(_("Year"), "year", width=8, fmt=xlsx.PLAIN_FORMAT),
        xlsx.Column(_("Status"), "state", width=16),
        xlsx.Column(_("Deadline"), "due_on", width=12),
        xlsx.Column(_("Submitted on"), "submitted_on", width=12),
        xlsx.Column(_("Approved on"), "approved_on", width=12),
        xlsx.Column(_("On time or late"), "timeliness", width=16),
        xlsx.Column(_("Indicators"), "indicators", width=11),
        xlsx.Column(_("With a figure"), "with_figure", width=11),
        xlsx.Column(_("Share with a figure"), "share", width=12, fmt=xlsx.PERCENT_FORMAT),
    )
    records = [
        {
            "province": row.plan.province.label,
            "plan": _plan_label(row.plan),
            "year": row.year,
            "state": str(row.state.label),
            "due_on": _date(row.due_on),
            "submitted_on": _date(row.submitted_on),
            "approved_on": _date(row.approved_on),
            "timeliness": row.timeliness,
            "indicators": row.indicators,
            "with_figure": row.with_figure,
            "share": row.figure_share,
        }
        for row in status.rows
    ]
    table = xlsx.Table(REPORTING_SHEET, columns, freeze="C2")
    sheet = table.write(workbook, records)
    totals = status.totals
    sheet.append([])
    for label, value, fmt in (
        (_("Reports due"), totals.due, None),
        (_("Submitted or approved"), totals.reported, None),
        (_("Reporting rate"), totals.reporting_rate, xlsx.PERCENT_FORMAT),
        (_("Submitted on time"), totals.on_time, None),
        (_("Timeliness"), totals.timeliness_rate, xlsx.PERCENT_FORMAT),
        (_("Late"), totals.late, None),
    ):
        sheet.append([sheet.cell(label, bold=True), sheet.cell(value, fmt=fmt)])


def _plan_label(plan: Plan) -> str:
    return f"{plan.document_number} — {plan.title}" if plan.document_number else plan.title


# Deadlines: the one write of this module


DEADLINES_CHANGED = gettext_noop("Reporting deadline changed")
INVALID_DATE = gettext_lazy("Enter a date that exists, as dd/mm/yyyy: for example 15/12/2025.")


class DeadlinesForm(forms.Form):
    """A plan's default deadline (day and month) and each reporting year's own deadline."""

    day = forms.IntegerField(
        label=gettext_lazy("Day"),
        min_value=1,
        max_value=31,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"),
            gettext_lazy("Enter the day as a number from 1 to 31."),
        ),
    )
    month = forms.IntegerField(
        label=gettext_lazy("Month"),
        min_value=1,
        max_value=12,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"),
            gettext_lazy("Enter the month as a number from 1 to 12."),
        ),
    )

    def __init__(self, *args, plan: Plan, plan_years: dict[int, PlanYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["day"].initial = plan.report_deadline_day
        self.fields["month"].initial = plan.report_deadline_month
        for year in range(plan.first_year, plan.last_year + 1):
            stored = plan_years.get(year)
            self.fields[f"y{year}"] = forms.DateField(
                label=str(year),
                required=False,
                input_formats=DATE_INPUT_FORMATS,
                error_messages={"invalid": INVALID_DATE},
                widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
                initial=stored.deadline if stored else None,
            )

    def year_fields(self):
        """Return (year, bound field, default deadline) for each reporting year."""
        return [
            (int(name[1:]), self[name], self.plan.default_deadline(int(name[1:])))
            for name in self.fields
            if name.startswith("y")
        ]

    def clean(self):
        data = super().clean()
        day, month = data.get("day"), data.get("month")
        if day and month:
            try:
                datetime.date(2000, month, day)
            except ValueError:
                self.add_error("day", _("This day does not exist in that month."))
        for year, bound, _default in self.year_fields():
            deadline = data.get(bound.name)
            if deadline and not year <= deadline.year <= year + 1:
                self.add_error(
                    bound.name,
                    _("The deadline of the %(year)s report falls in %(year)s or the year after.")
                    % {"year": year},
                )
        return data

    def deadlines(self) -> dict[int, datetime.date | None]:
        return {year: self.cleaned_data.get(bound.name) for year, bound, _d in self.year_fields()}


@transaction.atomic
def plan_deadlines_set(
    *, plan: Plan, day: int, month: int, deadlines: dict[int, datetime.date | None], user
) -> int:
    """Set `plan`'s default deadline and each year's own (None: the default); return changes.

    All or nothing: a day that does not exist or a year's deadline outside that year and the
    next raises ValidationError and writes nothing. Plan-years are created only for a year
    given a deadline of its own; history records each change with who and why.
    """
    with translation.override("vi"):
        reason = _(DEADLINES_CHANGED)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    changed = 0
    if (plan.report_deadline_day, plan.report_deadline_month) != (day, month):
        plan.report_deadline_day, plan.report_deadline_month = day, month
        plan.full_clean(
            exclude=[f.name for f in Plan._meta.fields if not f.name.startswith("report_")],
            validate_unique=False,
            validate_constraints=False,
        )
        plan._change_reason = reason
        plan.save(update_fields=["report_deadline_day", "report_deadline_month"])
        changed += 1
    stored = {py.year: py for py in PlanYear.objects.select_for_update().filter(plan=plan)}
    for year, deadline in sorted(deadlines.items()):
        plan.check_year(year)
        plan_year = stored.get(year)
        if plan_year is None:
            if deadline is None:
                continue
            plan_year = PlanYear(plan=plan, year=year)
        elif plan_year.deadline == deadline:
            continue
        plan_year.deadline = deadline
        plan_year.full_clean(exclude=["plan"], validate_unique=False, validate_constraints=False)
        plan_year._change_reason = reason
        plan_year.save()
        changed += 1
    return changed

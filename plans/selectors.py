"""Reads that span rows: each returns plain data for a page or an API document."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from budgets.models import Allocation, BudgetLine, Disbursement, StatedTotal
from indicators.models import Actual, Indicator, Target
from indicators.selectors import ALL_STATUSES, APPROVED_ONLY, progress_of
from plans.models import Plan, Project, Responsibility, Section


def json_number(value: Decimal | None) -> int | float | None:
    """Return a Decimal as a JSON number: an integer when whole, else the shortest float."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def plan_list(plans) -> list[dict]:
    """Return the summary of each plan in the queryset `plans`, one query."""
    return [
        {
            "slug": plan.slug,
            "province": {"code": plan.province.code, "name": plan.province.name},
            "kind": plan.kind,
            "document_number": plan.document_number,
            "title": plan.title,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "horizon_year": plan.horizon_year,
            "status": plan.status.value,
        }
        # The status follows the successor: fetched in the same query.
        for plan in plans.select_related("province", "superseded_by").order_by(
            "province__name_folded", "slug"
        )
    ]


def plan_with_everything():
    """Return plans with every row of their whole document, in a fixed number of queries."""
    return Plan.objects.select_related(
        "province", "province__successor", "issuing_body", "superseded_by"
    ).prefetch_related(
        Prefetch("sections", queryset=Section.objects.select_related("parent", "sector")),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.select_related("section", "concept").prefetch_related(
                Prefetch("targets", queryset=Target.objects.order_by("year")),
                Prefetch("actuals", queryset=Actual.objects.order_by("year")),
            ),
        ),
        Prefetch(
            "budget_lines",
            queryset=BudgetLine.objects.select_related(
                "section", "sector", "project"
            ).prefetch_related(
                Prefetch("allocations", queryset=Allocation.objects.select_related("source")),
                Prefetch("disbursements", queryset=Disbursement.objects.select_related("source")),
            ),
        ),
        Prefetch(
            "projects",
            queryset=Project.objects.select_related("parent", "lead_agency", "section"),
        ),
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.select_related("agency", "section"),
        ),
        Prefetch("stated_totals", queryset=StatedTotal.objects.select_related("source", "section")),
        Prefetch("supersedes", queryset=Plan.objects.order_by("first_year", "slug")),
    )


def _code(obj) -> str | None:
    return obj.code if obj is not None else None


def _actuals_with_verdicts(indicator: Indicator, include_unapproved: bool) -> list[dict]:
    """Return the indicator's shown figures, each judged as the dashboards judge it."""
    statuses = ALL_STATUSES if include_unapproved else APPROVED_ONLY
    progress = progress_of(indicator, statuses=statuses)
    documents = []
    for year in sorted(progress.actuals):
        actual = progress.actuals[year]
        document = {
            "year": actual.year,
            "value": json_number(actual.value),
            "progress": actual.progress,
            "status": actual.status,
        }
        if not indicator.is_qualitative:
            judged = progress.status_in(year)
            assessment = judged.assessment
            document["verdict"] = {
                "status": judged.status,
                "target_year": judged.target.year if judged.target else None,
                "figure": json_number(judged.figure),
                "expected": json_number(
                    None if judged.expected is None else judged.expected.quantize(Decimal("0.01"))
                ),
                "percent": json_number(assessment.percent) if assessment else None,
            }
        documents.append(document)
    return documents


def _named(obj) -> dict | None:
    """Return {"code", "name"} of an agency or province, or None."""
    return {"code": obj.code, "name": obj.name} if obj else None


def _province_document(province) -> dict:
    return {
        **_named(province),
        "successor": _named(province.successor),
        "merged_on": province.merged_on.isoformat() if province.merged_on else None,
    }


def _section_document(section) -> dict:
    return {
        "code": section.code,
        "parent": _code(section.parent),
        "number": section.number,
        "title": section.title,
        "sector": _code(section.sector),
    }


def _target_document(target: Target) -> dict:
    return {
        "year": target.year,
        "comparator": target.comparator,
        "value": json_number(target.value),
        "upper_value": json_number(target.upper_value),
        "unit": target.unit,
        "phrase": target.phrase,
        "period_start": target.period_start,
        "note": target.note,
    }


def _indicator_document(indicator: Indicator, include_unapproved: bool) -> dict:
    baseline = None
    if indicator.baseline_year is not None:
        baseline = {
            "value": json_number(indicator.baseline_value),
            "year": indicator.baseline_year,
            "source": indicator.baseline_source,
        }
    return {
        "code": indicator.code,
        "section": _code(indicator.section),
        "name": indicator.name,
        "scope": indicator.scope,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "aggregation": indicator.aggregation,
        "allows_negative": indicator.allows_negative,
        "baseline": baseline,
        "due_year": indicator.due_year,
        "concept": _code(indicator.concept),
        "targets": [_target_document(target) for target in indicator.targets.all()],
        "actuals": _actuals_with_verdicts(indicator, include_unapproved),
    }


def _budget_line_document(line: BudgetLine, include_unapproved: bool) -> dict:
    return {
        "code": line.code,
        "name": line.name,
        "section": _code(line.section),
        "sector": _code(line.sector),
        "project": _code(line.project),
        "printed_unit": line.printed_unit,
        "allocations": [
            {
                "year_from": allocation.year_from,
                "year_to": allocation.year_to,
                "source": allocation.source.code,
                "amount": json_number(allocation.amount),
                "amount_printed": allocation.amount_printed,
            }
            for allocation in line.allocations.all()
        ],
        "disbursements": [
            {
                "year": disbursement.year,
                "source": disbursement.source.code,
                "amount": json_number(disbursement.amount),
                "status": disbursement.status,
            }
            for disbursement in line.disbursements.all()
            if include_unapproved or disbursement.status == Disbursement.Status.APPROVED
        ],
    }


def _stated_total_document(stated) -> dict:
    return {
        "code": stated.code,
        "label": stated.label,
        "year_from": stated.year_from,
        "year_to": stated.year_to,
        "source": _code(stated.source),
        "amount": json_number(stated.amount),
        "phrase": stated.phrase,
    }


def _project_document(project: Project, budget: dict[str, Decimal]) -> dict:
    return {
        "code": project.code,
        "parent": _code(project.parent),
        "number": project.number,
        "name": project.name,
        "lead_agency": _named(project.lead_agency),
        "lead_agency_printed": project.lead_agency_printed,
        "content": project.content,
        "first_year": project.first_year,
        "last_year": project.last_year,
        "period_printed": project.period_printed,
        "budget": {source: json_number(amount) for source, amount in budget.items()},
    }


def _responsibility_document(responsibility: Responsibility) -> dict:
    return {
        "code": responsibility.code,
        "agency": _named(responsibility.agency),
        "role": responsibility.role,
        "section": _code(responsibility.section),
        "duties": responsibility.duties,
    }


def plan_document(plan: Plan, *, include_unapproved: bool) -> dict:
    """Return the whole plan as plain data (see docs/api.md); `plan` from plan_with_everything.

    Figures not yet approved are left out unless `include_unapproved`.
    """
    lines = list(plan.budget_lines.all())
    project_budget: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        if line.project_id:
            for allocation in line.allocations.all():
                project_budget[line.project_id][allocation.source.code] += allocation.amount
    return {
        "slug": plan.slug,
        "province": _province_document(plan.province),
        "kind": plan.kind,
        "document_number": plan.document_number,
        "title": plan.title,
        "issued": {
            "year": plan.issued_year,
            "month": plan.issued_month,
            "day": plan.issued_day,
            "display": plan.issued_display,
        },
        "issuing_body": _named(plan.issuing_body),
        "signer": plan.signer,
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "horizon_year": plan.horizon_year,
        "status": plan.status.value,
        "superseded_by": plan.superseded_by.slug if plan.superseded_by else None,
        "supersedes": [superseded.slug for superseded in plan.supersedes.all()],
        "based_on": plan.based_on,
        "source_file": plan.source_file,
        "sections": [_section_document(section) for section in plan.sections.all()],
        "indicators": [
            _indicator_document(indicator, include_unapproved)
            for indicator in plan.indicators.all()
        ],
        "budget_lines": [_budget_line_document(line, include_unapproved) for line in lines],
        "stated_totals": [_stated_total_document(stated) for stated in plan.stated_totals.all()],
        "projects": [
            _project_document(project, project_budget.get(project.pk, {}))
            for project in plan.projects.all()
        ],
        "responsibilities": [
            _responsibility_document(responsibility)
            for responsibility in plan.responsibilities.all()
        ],
    }


@dataclass
class HistoryEntry:
    when: object
    who: object
    what: str  # the figure or target the change was made to
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, object, object]]  # (field label, old, new)
    reason: str


def _choice_label(record, name: str, value):
    """Return a stored choice as its word ("đã duyệt", not "approved"); other values as they are."""
    choices = record._meta.get_field(name).flatchoices
    return dict(choices).get(value, value) if choices and value is not None else value


def _history_entries(records_by_model, include) -> list[HistoryEntry]:
    """Return entries, newest first, each listing the fields that changed since the record before.

    Diffs are computed in Python from consecutive records of the same row, not with
    simple-history's prev_record, which costs one query per record.
    """
    entries = []
    for records, fields, describe in records_by_model:
        previous_by_row = {}
        for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
            previous = previous_by_row.get(record.id)
            previous_by_row[record.id] = record
            if not include(record):
                continue
            changes = [
                (
                    record._meta.get_field(name).verbose_name,
                    _choice_label(
                        record, name, getattr(previous, name, None) if previous else None
                    ),
                    _choice_label(record, name, getattr(record, name)),
                )
                for name in fields
                if previous is None or getattr(previous, name) != getattr(record, name)
            ]
            if previous is not None and not changes and record.history_type == "~":
                continue
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=record.history_user,
                    what=describe(record),
                    kind=record.history_type,
                    changes=changes,
                    reason=record.history_change_reason or "",
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def indicator_history(indicator: Indicator, *, include_unapproved: bool) -> list[HistoryEntry]:
    """Return every recorded change to the indicator's targets and figures; two queries."""
    targets = Target.history.filter(indicator_id=indicator.pk).select_related("history_user")
    actuals = Actual.history.filter(indicator_id=indicator.pk).select_related("history_user")
    return _history_entries(
        [
            (
                targets,
                ["phrase", "comparator", "value", "upper_value", "unit"],
                lambda r: f"{_('target')} {r.year}",
            ),
            (
                actuals,
                ["value", "progress", "note", "evidence", "status"],
                lambda r: f"{_('actual')} {r.year}",
            ),
        ],
        include=lambda r: (
            include_unapproved
            or getattr(r, "status", Actual.Status.APPROVED) == Actual.Status.APPROVED
        ),
    )


def budget_line_history(line: BudgetLine, *, include_unapproved: bool) -> list[HistoryEntry]:
    """Return every recorded change to the line's allocations and disbursements; two queries."""
    allocations = Allocation.history.filter(line_id=line.pk).select_related(
        "history_user", "source"
    )
    disbursements = Disbursement.history.filter(line_id=line.pk).select_related(
        "history_user", "source"
    )
    return _history_entries(
        [
            (
                allocations,
                ["amount", "amount_printed"],
                lambda r: f"{_('allocation')} {r.year_from}-{r.year_to} {r.source}",
            ),
            (
                disbursements,
                ["amount", "status"],
                lambda r: f"{_('disbursement')} {r.year} {r.source}",
            ),
        ],
        include=lambda r: (
            include_unapproved
            or getattr(r, "status", Disbursement.Status.APPROVED) == Disbursement.Status.APPROVED
        ),
    )

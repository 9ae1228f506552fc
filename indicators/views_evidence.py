"""The evidence page of a plan-year (upload, list, remove) and the evidence download."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets.models import Disbursement
from indicators.evidence import max_bytes, megabytes
from indicators.models import Actual, EvidenceFile
from indicators.services import evidence_add, evidence_delete
from plans import access, pages
from plans.workflow import EntryRefused


def _rows(plan, year: int, statuses) -> list[dict]:
    """Return each indicator of `plan` with its visible figure of `year` and its files.

    Three queries: indicators, figures, files with their uploaders.
    """
    files = EvidenceFile.objects.select_related("uploaded_by").order_by("pk")
    actuals = {
        actual.indicator_id: actual
        for actual in Actual.objects.filter(
            indicator__plan=plan, year=year, status__in=statuses
        ).prefetch_related(Prefetch("evidence_files", queryset=files))
    }
    return [
        {"indicator": indicator, "actual": actuals.get(indicator.pk)}
        for indicator in plan.indicators.all()
    ]


def _disbursements(plan, year: int, statuses) -> list[Disbursement]:
    """Return the visible disbursements of `plan` in `year` with their files, lines and sources.

    Two queries: disbursements with their lines and sources, files with their uploaders.
    """
    files = EvidenceFile.objects.select_related("uploaded_by").order_by("pk")
    return list(
        Disbursement.objects.filter(line__plan=plan, year=year, status__in=statuses)
        .select_related("line", "source")
        .prefetch_related(Prefetch("evidence_files", queryset=files))
        .order_by("line__position", "line__code", "source__position", "source__code")
    )


def _posted_figure(request, plan, year: int) -> Actual | Disbursement:
    """Return the figure or disbursement of this plan-year the upload names; else 404."""
    if request.POST.get("disbursement"):
        found = Disbursement.objects.select_related("line__plan").filter(
            pk=_posted_pk(request.POST["disbursement"]), line__plan=plan, year=year
        )
    else:
        found = Actual.objects.select_related("indicator__plan").filter(
            pk=_posted_pk(request.POST.get("actual")), indicator__plan=plan, year=year
        )
    figure = found.first()
    if figure is None:
        raise Http404
    return figure


def _posted_pk(raw) -> int:
    return int(raw) if raw and str(raw).isdigit() else 0


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action=pages.action_of(request))
    plan_year = pages.plan_year(plan, year)
    if request.method == "POST":
        figure = _posted_figure(request, plan, year)
        try:
            added = evidence_add(
                figure=figure, user=request.user, uploads=request.FILES.getlist("files")
            )
        except EntryRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Attached %(count)s file(s).") % {"count": len(added)})
        return redirect("indicators:evidence", slug=plan.slug, year=year)
    statuses = access.figure_statuses(request.user, plan)
    context = pages.entry_context(request, plan, year, plan_year) | {
        "rows": _rows(plan, year, statuses),
        "disbursements": _disbursements(plan, year, statuses),
        "max_megabytes": megabytes(max_bytes()),
    }
    return render(request, "indicators/evidence.html", context)


@login_required
@require_POST
def evidence_remove(request, pk):
    item = get_object_or_404(EvidenceFile.objects.select_related("actual", "disbursement"), pk=pk)
    plan = _owner_plan(request.user, item, action=access.Action.ENTER)
    figure = item.actual or item.disbursement
    try:
        evidence_delete(evidence=item, user=request.user)
    except EntryRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Removed “%(name)s”.") % {"name": item.original_name})
    return redirect("indicators:evidence", slug=plan.slug, year=figure.year)


def _owner_plan(user, item: EvidenceFile, *, action=access.Action.VIEW):
    """Return the plan of the figure or disbursement `item` belongs to, if `user` may do
    `action` on it: 404 outside the user's reach, PermissionDenied for a read-only role."""
    if item.actual_id is not None:
        return access.get_indicator_for_user(user, item.actual.indicator_id, action=action).plan
    return access.get_budget_line_for_user(user, item.disbursement.line_id, action=action).plan


def _visible_owner_plan(user, item: EvidenceFile):
    """Return the plan of the figure `item` belongs to if `user` may see that figure; else 404.

    The figure's own rule: reach of its province, and drafts only to those who see them.
    """
    plan = _owner_plan(user, item)
    figure = item.actual or item.disbursement
    if figure.status not in access.figure_statuses(user, plan):
        raise Http404
    return plan


def attachment_disposition(name: str) -> str:
    """Return a Content-Disposition offering `name` for download, Vietnamese included."""
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name or 'file'}\"; filename*=UTF-8''{quote(name)}"


@login_required
@require_GET
def evidence_download(request, pk):
    item = get_object_or_404(EvidenceFile.objects.select_related("actual", "disbursement"), pk=pk)
    _visible_owner_plan(request.user, item)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = attachment_disposition(item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

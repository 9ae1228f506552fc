"""The evidence page of a plan-year (upload, list, remove) and the evidence download."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action=pages.action_of(request))
    plan_year = pages.plan_year(plan, year)
    if request.method == "POST":
        actual = Actual.objects.filter(
            pk=request.POST.get("actual") or 0, indicator__plan=plan, year=year
        ).first()
        if actual is None:
            raise Http404
        try:
            added = evidence_add(
                actual=actual, user=request.user, uploads=request.FILES.getlist("files")
            )
        except EntryRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Attached %(count)s file(s).") % {"count": len(added)})
        return redirect("indicators:evidence", slug=plan.slug, year=year)
    context = pages.entry_context(request, plan, year, plan_year) | {
        "rows": _rows(plan, year, access.figure_statuses(request.user, plan)),
    }
    return render(request, "indicators/evidence.html", context)


@login_required
@require_POST
def evidence_remove(request, pk):
    item = get_object_or_404(EvidenceFile.objects.select_related("actual__indicator"), pk=pk)
    if item.actual is None:
        raise Http404
    plan = access.get_plan_for_user(
        request.user, item.actual.indicator.plan.slug, action=access.Action.ENTER
    )
    try:
        evidence_delete(evidence=item, user=request.user)
    except EntryRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Removed “%(name)s”.") % {"name": item.original_name})
    return redirect("indicators:evidence", slug=plan.slug, year=item.actual.year)


def _visible_owner_plan(user, item: EvidenceFile):
    """Return the plan of the figure `item` belongs to if `user` may see that figure; else 404.

    The figure's own rule: reach of its province, and drafts only to those who see them.
    """
    if item.actual_id is not None:
        figure = item.actual
        plan = access.get_indicator_for_user(user, figure.indicator_id).plan
    else:
        figure = item.disbursement
        plan = access.get_budget_line_for_user(user, figure.line_id).plan
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

"""Pages of the yearly cycle: reporting status, a plan's deadlines, a user's notices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from plans import access, notices, pages, reporting, work
from plans.forms import WorkProgressForm
from plans.models import MAX_YEAR, MIN_YEAR, PlanYear


def _reporting_for(request) -> reporting.ReportingStatus:
    """Return the reporting status the request asks for; refuse users who may not see it."""
    if not reporting.may_view_reporting(request.user):
        raise PermissionDenied
    raw = request.GET.get("year", "").strip()
    year, every_year = None, raw == "all"
    if raw and not every_year:
        if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
            year = int(raw)
        else:
            messages.error(
                request,
                _("“%(year)s” is not a year; the latest year due is shown.") % {"year": raw},
            )
    return reporting.reporting_status(
        request.user, year=year, every_year=every_year, province=request.GET.get("province", "")
    )


@login_required
@require_GET
def reporting_status(request):
    status = _reporting_for(request)
    return render(
        request,
        "plans/reporting_status.html",
        {"status": status, "can_set_deadlines": request.user.has_perm(access.APPROVE)},
    )


@login_required
@require_GET
def reporting_status_export(request):
    return pages.xlsx_response(reporting.reporting_workbook(_reporting_for(request)))


@login_required
@require_http_methods(["GET", "POST"])
def plan_deadlines(request, slug):
    action = access.Action.APPROVE if request.method == "POST" else access.Action.VIEW
    plan = access.get_plan_for_user(request.user, slug, action=action)
    plan_years = {py.year: py for py in PlanYear.objects.filter(plan=plan)}
    form = reporting.DeadlinesForm(request.POST or None, plan=plan, plan_years=plan_years)
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = reporting.plan_deadlines_set(
                    plan=plan,
                    day=form.cleaned_data["day"],
                    month=form.cleaned_data["month"],
                    deadlines=form.deadlines(),
                    user=request.user,
                )
            except ValidationError as refused:
                messages.error(request, " ".join(refused.messages))
            else:
                messages.success(
                    request, _("Deadlines saved: %(count)s change(s).") % {"count": changed}
                )
                return redirect("plans:deadlines", slug=plan.slug)
        else:
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(
        request,
        "plans/deadlines.html",
        {"plan": plan, "form": form, "can_change": access.can_approve(request.user, plan)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_list(request):
    if request.method == "POST":
        choice = request.POST.get("email_notices")
        read = request.POST.get("read", "")
        if choice in ("on", "off"):
            notices.email_notices_set(request.user, wanted=choice == "on")
            messages.success(
                request,
                _("Notices will be sent by e-mail too.")
                if choice == "on"
                else _("Notices will no longer be sent by e-mail; they stay on this page."),
            )
        elif read == "all" or read.isdigit():
            notices.notices_read(request.user, notice_id=int(read) if read.isdigit() else None)
        return redirect("plans:notices")
    return render(
        request,
        "plans/notices.html",
        {
            "notices": notices.notices_of(request.user),
            "email_notices": notices.wants_email(request.user),
            "has_email": bool(request.user.email),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_entry(request, slug, year):
    """The progress of the plan's projects and duties in a year, entered with its figures."""
    plan = access.get_plan_for_user(request.user, slug, action=pages.action_of(request))
    plan_year = pages.plan_year(plan, year)
    projects, duties = work.work_rows(
        plan, year, statuses=access.figure_statuses(request.user, plan)
    )
    data = request.POST if request.method == "POST" else None
    forms_by_key = {}
    for row in (*projects, *duties):
        row.form = forms_by_key[row.key] = WorkProgressForm(data, row=row)

    return pages.entry_page(
        request,
        plan,
        year,
        plan_year,
        forms_by_key,
        save=lambda inputs: work.work_save(plan=plan, year=year, user=request.user, rows=inputs),
        done=_("Saved the progress of %(count)s project(s) and duties as draft."),
        url="plans:work-entry",
        template="plans/work_entry.html",
        context={"projects": projects, "duties": duties},
    )

import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets.selectors import disbursement_rows
from indicators.national import parse_year
from indicators.selectors import entry_rows, evidence_rows
from plans import (
    access,
    dashboard_page,
    dashboards,
    home_rows,
    pages,
    report_document,
    selectors,
    services,
    tables,
)
from plans.models import Agency, Plan
from plans.spreadsheets import plan_workbook, progress, report, xlsx
from plans.work import work_rows
from plans.workflow import EditConflict, EntryRefused
from plans.year_lines import plans_in_force, year_lines


def api_login_required(view):
    """Answer 401 with a JSON body, not a login redirect, to anonymous API callers."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"detail": _("Authentication required.")}, status=401)
        return view(request, *args, **kwargs)

    return wrapped


def _json(data) -> JsonResponse:
    # Vietnamese text stays readable in the response instead of \u escapes.
    return JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})


@require_GET
@api_login_required
def api_plan_list(request):
    return _json({"plans": selectors.plan_list(access.plans_for_user(request.user))})


@require_GET
@api_login_required
def api_plan_detail(request, slug):
    plan = access.get_plan_for_user(request.user, slug, queryset=selectors.plan_with_everything())
    return _json(
        selectors.plan_document(plan, include_unapproved=access.sees_unapproved(request.user, plan))
    )


# ---------------------------------------------------------------------------------------------
# Pages


@login_required
@require_GET
def home(request):
    show = pages.show_unapproved(request)
    groups = home_rows.groups_html(request, show_unapproved=show)
    return render(request, "plans/home.html", {"groups": groups, "show_unapproved": show})


@login_required
@require_GET
def plan_dashboard(request, slug):
    # The status follows the successor plan: fetched with the plan, and whether it supersedes
    # any (the list of those costs a query only then).
    plans = (
        Plan.objects.with_province()
        .select_related("superseded_by__province__successor")
        .annotate(supersedes_any=Exists(Plan.objects.filter(superseded_by=OuterRef("pk"))))
    )
    plan = access.get_plan_for_user(request.user, slug, queryset=plans)
    show = pages.show_unapproved(request)
    statuses = dashboards.visible_statuses(request.user, plan, show_unapproved=show)
    export_format = request.GET.get("_export")
    if tables.SafeTableExport.is_valid_format(export_format):
        records, years = dashboard_page.shown_records(request, plan, statuses=statuses)
        name = xlsx.safe_filename(f"{_('Indicators')} {plan.document_number or plan.slug}")
        exporter = tables.SafeTableExport(
            export_format, tables.indicator_table(records, years), heading=report.plan_heading(plan)
        )
        # Our own response: django-tables2 would put the Vietnamese name in a raw header.
        response = HttpResponse(exporter.export(), content_type=exporter.content_type())
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{name}.{export_format}"
        )
        return response
    show_unapproved = show and statuses != dashboards.APPROVED_ONLY
    last = plan.horizon_year or plan.last_year
    context = {
        "plan": plan,
        "report_years": range(plan.first_year, last + 1),
        "report_year": min(max(timezone.localdate().year, plan.first_year), last),
        "sections": dashboard_page.dashboard_sections(
            request, plan, statuses=statuses, show_unapproved=show_unapproved
        ),
        "show_unapproved": show_unapproved,
        "can_see_unapproved": access.sees_unapproved(request.user, plan),
        "can_enter": access.can_enter(request.user, plan),
        # Succession links, to the plans the viewer reaches only.
        "superseded_by": plan.superseded_by
        if plan.superseded_by_id and access.reaches(request.user, plan.superseded_by.province_id)
        else None,
        "supersedes": list(
            access.plans_for_user(request.user)
            .filter(superseded_by=plan)
            .select_related("province__successor")
            .order_by("first_year", "slug")
        )
        if plan.supersedes_any
        else [],
    }
    return render(request, "plans/plan_dashboard.html", context)


@login_required
@require_GET
def plan_source(request, slug):
    plan = access.get_plan_for_user(request.user, slug)
    return render(request, "plans/plan_source.html", {"plan": plan})


@login_required
@require_GET
def year_view(request, province, year):
    province_obj = access.get_province_for_user(request.user, province)
    show = pages.show_unapproved(request)
    return render(
        request,
        "plans/year_view.html",
        {
            "province": province_obj,
            "year": year,
            "rows": year_lines(request.user, province_obj, year, show_unapproved=show),
            "show_unapproved": show,
            "years": range(year - 5, year + 6),
        },
    )


@login_required
@require_GET
def agency_list(request):
    return render(
        request, "plans/agency_list.html", {"groups": dashboards.agency_list_groups(request.user)}
    )


@login_required
@require_GET
def agency_detail(request, code):
    agency = get_object_or_404(Agency.objects.select_related("province", "successor"), code=code)
    projects, duties = dashboards.agency_overview(request.user, agency)
    if not projects and not duties:
        raise Http404
    return render(
        request,
        "plans/agency_detail.html",
        {"agency": agency, "projects": projects, "duties": duties},
    )


def _workflow_action(request, slug, year, *, action, run, done):
    plan = access.get_plan_for_user(request.user, slug, action=action)
    pages.plan_year(plan, year)
    try:
        run(plan)
    except EntryRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("indicators:entry", slug=plan.slug, year=year)


def _workflow_view(action: access.Action, service, done, text_field: str | None = None):
    """Return a POST view running one workflow `service`; `text_field` is its comment/reason."""

    @login_required
    @require_POST
    def view(request, slug, year):
        extra = {text_field: request.POST.get(text_field, "")} if text_field else {}
        return _workflow_action(
            request,
            slug,
            year,
            action=action,
            run=lambda plan: service(plan=plan, year=year, user=request.user, **extra),
            done=done,
        )

    return view


plan_year_submit = _workflow_view(
    access.Action.ENTER, services.plan_year_submit, gettext_lazy("Submitted for approval.")
)
plan_year_approve = _workflow_view(
    access.Action.APPROVE,
    services.plan_year_approve,
    gettext_lazy("Approved: the figures are now locked."),
)
plan_year_return = _workflow_view(
    access.Action.APPROVE,
    services.plan_year_return,
    gettext_lazy("Returned to staff with your comment."),
    text_field="comment",
)
plan_year_reopen = _workflow_view(
    access.Action.APPROVE,
    services.plan_year_reopen,
    gettext_lazy("Reopened: staff can correct the figures."),
    text_field="reason",
)


@login_required
@require_GET
def plan_report(request, slug):
    plan = access.get_plan_for_user(request.user, slug, queryset=Plan.objects.with_province())
    statuses = dashboards.visible_statuses(
        request.user, plan, show_unapproved=pages.show_unapproved(request)
    )
    return pages.xlsx_response(
        report.plan_report(
            dashboards.plan_dashboard(plan, statuses=statuses),
            evidence=evidence_rows(plan, statuses=statuses),
        )
    )


@login_required
@require_GET
def plan_report_document(request, slug):
    """The yearly báo cáo of a plan as a Word document; `year` from the query string."""
    plan = access.get_plan_for_user(request.user, slug, queryset=Plan.objects.with_province())
    year = parse_year(request.GET.get("year")) or plan.report_year_default()
    pages.plan_year(plan, year)  # 404 for a year outside the plan
    statuses = dashboards.visible_statuses(
        request.user, plan, show_unapproved=pages.show_unapproved(request)
    )
    document = report_document.plan_year_report(
        plan, year, statuses, draft=statuses != dashboards.APPROVED_ONLY
    )
    return _docx_response(document)


@login_required
@require_GET
def year_report_document(request, province, year):
    """The yearly báo cáo of every plan in force of a province (merged ones included)."""
    province_obj = access.get_province_for_user(request.user, province)
    if parse_year(str(year)) is None:
        raise Http404
    show = pages.show_unapproved(request)
    parts = [
        (plan, dashboards.visible_statuses(request.user, plan, show_unapproved=show))
        for plan in plans_in_force(request.user, province_obj, year)
    ]
    document = report_document.province_year_report(
        province_obj.current,
        year,
        parts,
        draft=any(statuses != dashboards.APPROVED_ONLY for _plan, statuses in parts),
    )
    return _docx_response(document)


def _docx_response(document: report_document.ReportDocument) -> FileResponse:
    # FileResponse writes filename* (RFC 5987): the Vietnamese name survives the download.
    return FileResponse(
        io.BytesIO(document.content),
        as_attachment=True,
        filename=document.filename,
        content_type=report_document.DOCX_CONTENT_TYPE,
    )


@login_required
@require_GET
def year_report(request, province, year):
    province_obj = access.get_province_for_user(request.user, province)
    rows = dashboards.year_view(
        request.user, province_obj, year, show_unapproved=pages.show_unapproved(request)
    )
    return pages.xlsx_response(report.year_report(province_obj, year, rows))


@login_required
@require_GET
def progress_template(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action=access.Action.ENTER)
    pages.plan_year(plan, year)
    template = progress.progress_template(
        plan, year, entry_rows(plan, year), disbursement_rows(plan, year), work_rows(plan, year)
    )
    return pages.xlsx_response(template)


@login_required
@require_http_methods(["GET", "POST"])
def progress_upload(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action=access.Action.ENTER)
    plan_year = pages.plan_year(plan, year)
    context = pages.entry_context(request, plan, year, plan_year)
    if request.method == "POST" and "payload" in request.POST:
        try:
            count = progress.progress_apply(
                plan=plan,
                year=year,
                payload=request.POST["payload"],
                user=request.user,
                overwrite=request.POST.getlist("overwrite"),
            )
        except signing.BadSignature:
            messages.error(
                request, _("The preview has expired or was altered; upload the file again.")
            )
        except EntryRefused as refused:
            messages.error(request, str(refused))
        except EditConflict:
            messages.error(
                request,
                _(
                    "Nothing was saved: some figures changed since the preview; "
                    "upload the file again."
                ),
            )
        else:
            messages.success(
                request, _("Imported: %(count)s figure(s) saved as draft.") % {"count": count}
            )
            return redirect("indicators:entry", slug=plan.slug, year=year)
        return redirect("plans:progress-upload", slug=plan.slug, year=year)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a workbook to upload."))
        else:
            context["preview"] = progress.progress_preview(plan, year, upload)
            status = 400 if context["preview"].errors else 200
            return render(request, "plans/progress_upload.html", context, status=status)
    return render(request, "plans/progress_upload.html", context)


def _require_plan_admin(user) -> None:
    if not user.has_perm("plans.add_plan"):
        raise PermissionDenied


@login_required
@require_GET
def plan_workbook_export(request, slug):
    plan = access.get_plan_for_user(request.user, slug)
    return pages.xlsx_response(plan_workbook.plan_workbook(plan))


@login_required
@require_GET
def new_plan_template(request):
    _require_plan_admin(request.user)
    return pages.xlsx_response(plan_workbook.plan_workbook(None))


@login_required
@require_http_methods(["GET", "POST"])
def new_plan_upload(request):
    _require_plan_admin(request.user)
    context = {}
    if request.method == "POST" and "payload" in request.POST:
        try:
            plan = plan_workbook.new_plan_create(request.POST["payload"], user=request.user)
        except signing.BadSignature:
            messages.error(
                request, _("The preview has expired or was altered; upload the file again.")
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("The plan was created."))
            return redirect("plans:plan-dashboard", slug=plan.slug)
        return redirect("plans:new-plan")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a workbook to upload."))
        else:
            context["preview"] = plan_workbook.new_plan_preview(upload, user=request.user)
            status = 400 if context["preview"].errors else 200
            return render(request, "plans/new_plan.html", context, status=status)
    return render(request, "plans/new_plan.html", context)

import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2.export import TableExport

from budgets import charts as budget_charts
from budgets.forms import DisbursementEntryForm
from budgets.models import BudgetLine
from budgets.selectors import disbursement_rows
from budgets.services import disbursements_save
from indicators import charts as indicator_charts
from indicators.forms import ActualEntryForm, BaselineForm
from indicators.models import Indicator, IndicatorConcept
from indicators.selectors import baseline_rows, entry_rows
from indicators.services import actuals_save, baselines_save
from plans import (
    access,
    dashboards,
    forms,
    imports,
    plan_workbook,
    selectors,
    services,
    tables,
    workbooks,
)
from plans.models import Agency, Plan, PlanYear, Province
from plans.workflow import EditConflict, EntryRefused


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


def _show_unapproved(request) -> bool:
    return request.GET.get("figures") == "all"


@login_required
@require_GET
def home(request):
    show = _show_unapproved(request)
    return render(
        request,
        "plans/home.html",
        {
            "provinces": dashboards.home_summaries(request.user, show_unapproved=show),
            "show_unapproved": show,
        },
    )


@login_required
@require_GET
def plan_dashboard(request, slug):
    plan = access.get_plan_for_user(request.user, slug, queryset=Plan.objects.with_province())
    show = _show_unapproved(request)
    statuses = dashboards.visible_statuses(request.user, plan, show_unapproved=show)
    dashboard = dashboards.plan_dashboard(plan, statuses=statuses)
    records = tables.indicator_records(dashboard.progresses, dashboard.years)
    filters = forms.IndicatorFilterForm(request.GET or None, records=records)
    shown = filters.apply(records)
    charts = [
        {
            "id": f"chart-{record['pk']}",
            "data_id": f"chart-{record['pk']}-data",
            "code": record["code"],
            "name": record["name"],
            "figure": indicator_charts.indicator_figure(
                record["progress"], first_year=plan.first_year
            ),
            "summary": indicator_charts.indicator_chart_summary(record["progress"]),
        }
        for record in shown
        if not record["progress"].indicator.is_qualitative
    ]
    table = tables.indicator_table(shown, dashboard.years, request=request)
    export_format = request.GET.get("_export")
    if TableExport.is_valid_format(export_format):
        name = workbooks.safe_filename(f"{_('Indicators')} {plan.document_number or plan.slug}")
        exporter = TableExport(export_format, table)
        # Our own response: django-tables2 would put the Vietnamese name in a raw header.
        response = HttpResponse(exporter.export(), content_type=exporter.content_type())
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{name}.{export_format}"
        )
        return response
    context = {
        "plan": plan,
        "dashboard": dashboard,
        "table": table,
        "filters": filters,
        "charts": charts,
        "budget_figure": budget_charts.budget_figure(dashboard.budget_cells)
        if dashboard.budget_cells
        else None,
        "planned_total": budget_charts.total(dashboard.budget_cells, "planned"),
        "disbursed_total": budget_charts.total(dashboard.budget_cells, "disbursed"),
        "show_unapproved": show and statuses != dashboards.APPROVED_ONLY,
        "can_see_unapproved": access.sees_unapproved(request.user, plan),
        "can_enter": access.can_enter(request.user, plan),
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
    province_obj = get_object_or_404(Province, slug=province)
    if not (
        access.reaches_all_provinces(request.user)
        or access.user_province_id(request.user) == province_obj.pk
    ):
        raise Http404
    show = _show_unapproved(request)
    rows = dashboards.year_view(request.user, province_obj, year, show_unapproved=show)
    return render(
        request,
        "plans/year_view.html",
        {
            "province": province_obj,
            "year": year,
            "rows": rows,
            "show_unapproved": show,
            "years": range(year - 5, year + 6),
        },
    )


@login_required
@require_GET
def concept_list(request):
    concepts = (
        IndicatorConcept.objects.filter(indicators__plan__in=access.plans_for_user(request.user))
        .distinct()
        .order_by("name_folded")
    )
    return render(request, "plans/concept_list.html", {"concepts": concepts})


@login_required
@require_GET
def concept_compare(request, code):
    concept = get_object_or_404(IndicatorConcept, code=code)
    show = _show_unapproved(request)
    series = dashboards.concept_comparison(request.user, concept, show_unapproved=show)
    return render(
        request,
        "plans/concept_compare.html",
        {
            "concept": concept,
            "series": series,
            "figure": indicator_charts.comparison_figure(concept, series),
            "years": sorted(
                {
                    y
                    for s in series
                    for y in [*s.progress.actuals, *(t.year for t in s.progress.targets)]
                }
            ),
            "show_unapproved": show,
        },
    )


@login_required
@require_GET
def agency_list(request):
    return render(
        request, "plans/agency_list.html", {"agencies": dashboards.agencies_with_work(request.user)}
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


def _plan_year(plan: Plan, year: int) -> PlanYear:
    """Return the stored plan-year, or an unsaved draft one; 404 for a year outside the plan."""
    if not plan.covers_year(year):
        raise Http404(_("The year %(year)s is outside the plan's period.") % {"year": year})
    return PlanYear.objects.filter(plan=plan, year=year).first() or PlanYear(plan=plan, year=year)


def _entry_context(request, plan, year, plan_year):
    return {
        "plan": plan,
        "year": year,
        "plan_year": plan_year,
        "years": range(plan.first_year, (plan.horizon_year or plan.last_year) + 1),
        "can_enter": access.can_enter(request.user, plan) and plan_year.is_editable,
        "can_approve": access.can_approve(request.user, plan),
    }


def _show_conflicts(forms_by_key, conflict: EditConflict) -> None:
    for item in conflict.conflicts:
        form = forms_by_key[item.key]
        field = next(iter(form.fields))
        form.add_error(
            field,
            _(
                "Someone else saved this figure meanwhile: %(theirs)s (by %(who)s). You typed "
                "%(yours)s. Check it, then save again to keep yours."
            )
            % {"theirs": item.theirs, "who": item.saved_by or "?", "yours": item.yours},
        )
        # The next save is a deliberate overwrite of the version now shown.
        data = form.data.copy()
        data[form.add_prefix("version")] = str(item.version)
        form.data = data


def _save_entry_forms(request, forms_by_key: dict, save, done: str) -> bool:
    """Validate every form of an entry page and save them all together, or none.

    Return True when saved; otherwise the forms carry the errors and a message says why.
    """
    if not all(form.is_valid() for form in forms_by_key.values()):
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
        return False
    inputs = [form.to_input() for form in forms_by_key.values()]
    try:
        count = save([entry for entry in inputs if entry is not None])
    except EntryRefused as refused:
        messages.error(request, str(refused))
    except EditConflict as conflict:
        _show_conflicts(forms_by_key, conflict)
        messages.error(request, _("Nothing was saved: some figures changed meanwhile."))
    else:
        messages.success(request, done % {"count": count})
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def entry_indicators(request, slug, year):
    action = "enter" if request.method == "POST" else "view"
    plan = access.get_plan_for_user(request.user, slug, action=action)
    plan_year = _plan_year(plan, year)
    groups = entry_rows(plan, year)
    data = request.POST if request.method == "POST" else None
    forms_by_key = {}
    for group in groups:
        for row in group.rows:
            row.form = ActualEntryForm(data, indicator=row.indicator, current=row.current)
            forms_by_key[row.indicator.pk] = row.form
    if request.method == "POST" and _save_entry_forms(
        request,
        forms_by_key,
        lambda rows: actuals_save(plan=plan, year=year, user=request.user, rows=rows),
        _("Saved %(count)s figure(s) as draft."),
    ):
        return redirect("plans:entry-indicators", slug=plan.slug, year=year)
    context = _entry_context(request, plan, year, plan_year) | {"groups": groups}
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/entry_indicators.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def entry_budget(request, slug, year):
    action = "enter" if request.method == "POST" else "view"
    plan = access.get_plan_for_user(request.user, slug, action=action)
    plan_year = _plan_year(plan, year)
    rows = disbursement_rows(plan, year)
    data = request.POST if request.method == "POST" else None
    forms_by_key = {}
    for row in rows:
        for cell in row.cells:
            cell.form = DisbursementEntryForm(
                data, line=row.line, source=cell.source, current=cell.current
            )
            forms_by_key[(row.line.pk, cell.source.pk)] = cell.form
    if request.method == "POST" and _save_entry_forms(
        request,
        forms_by_key,
        lambda inputs: disbursements_save(plan=plan, year=year, user=request.user, rows=inputs),
        _("Saved %(count)s amount(s) as draft."),
    ):
        return redirect("plans:entry-budget", slug=plan.slug, year=year)
    context = _entry_context(request, plan, year, plan_year) | {"rows": rows}
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/entry_budget.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_baselines(request, slug):
    action = "enter" if request.method == "POST" else "view"
    plan = access.get_plan_for_user(
        request.user, slug, action=action, queryset=Plan.objects.with_province()
    )
    rows = baseline_rows(plan)
    data = request.POST if request.method == "POST" else None
    forms_by_key = {}
    for row in rows:
        row.form = BaselineForm(data, indicator=row.indicator, plan=plan, version=row.version)
        forms_by_key[row.indicator.pk] = row.form
    if request.method == "POST" and _save_entry_forms(
        request,
        forms_by_key,
        lambda inputs: baselines_save(plan=plan, user=request.user, rows=inputs),
        _("Saved %(count)s baseline(s)."),
    ):
        return redirect("plans:plan-baselines", slug=plan.slug)
    context = {"plan": plan, "rows": rows, "can_enter": access.can_enter(request.user, plan)}
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/baselines.html", context, status=status)


def _workflow_action(request, slug, year, *, action, run, done):
    plan = access.get_plan_for_user(request.user, slug, action=action)
    _plan_year(plan, year)
    try:
        run(plan)
    except EntryRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("plans:entry-indicators", slug=plan.slug, year=year)


def _workflow_view(action: str, service, done, text_field: str | None = None):
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
    "enter", services.plan_year_submit, gettext_lazy("Submitted for approval.")
)
plan_year_approve = _workflow_view(
    "approve", services.plan_year_approve, gettext_lazy("Approved: the figures are now locked.")
)
plan_year_return = _workflow_view(
    "approve",
    services.plan_year_return,
    gettext_lazy("Returned to staff with your comment."),
    text_field="comment",
)
plan_year_reopen = _workflow_view(
    "approve",
    services.plan_year_reopen,
    gettext_lazy("Reopened: staff can correct the figures."),
    text_field="reason",
)


@login_required
@require_GET
def indicator_history(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("plan"), pk=pk)
    access.get_plan_for_user(request.user, indicator.plan.slug)
    entries = selectors.indicator_history(
        indicator, include_unapproved=access.sees_unapproved(request.user, indicator.plan)
    )
    return render(
        request,
        "plans/history.html",
        {"plan": indicator.plan, "subject": indicator, "entries": entries},
    )


@login_required
@require_GET
def budget_line_history(request, pk):
    line = get_object_or_404(BudgetLine.objects.select_related("plan"), pk=pk)
    access.get_plan_for_user(request.user, line.plan.slug)
    entries = selectors.budget_line_history(
        line, include_unapproved=access.sees_unapproved(request.user, line.plan)
    )
    return render(
        request, "plans/history.html", {"plan": line.plan, "subject": line, "entries": entries}
    )


def _xlsx_response(report: workbooks.ReportFile) -> FileResponse:
    # FileResponse writes filename* (RFC 5987) so Vietnamese names survive the download.
    return FileResponse(
        io.BytesIO(report.content),
        as_attachment=True,
        filename=report.filename,
        content_type=workbooks.XLSX_CONTENT_TYPE,
    )


@login_required
@require_GET
def plan_report(request, slug):
    plan = access.get_plan_for_user(request.user, slug, queryset=Plan.objects.with_province())
    statuses = dashboards.visible_statuses(
        request.user, plan, show_unapproved=_show_unapproved(request)
    )
    return _xlsx_response(workbooks.plan_report(dashboards.plan_dashboard(plan, statuses=statuses)))


@login_required
@require_GET
def year_report(request, province, year):
    province_obj = get_object_or_404(Province, slug=province)
    if not (
        access.reaches_all_provinces(request.user)
        or access.user_province_id(request.user) == province_obj.pk
    ):
        raise Http404
    rows = dashboards.year_view(
        request.user, province_obj, year, show_unapproved=_show_unapproved(request)
    )
    return _xlsx_response(workbooks.year_report(province_obj, year, rows))


@login_required
@require_GET
def progress_template(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action="enter")
    _plan_year(plan, year)
    report = workbooks.progress_template(
        plan, year, entry_rows(plan, year), disbursement_rows(plan, year)
    )
    return _xlsx_response(report)


@login_required
@require_http_methods(["GET", "POST"])
def progress_upload(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action="enter")
    plan_year = _plan_year(plan, year)
    context = _entry_context(request, plan, year, plan_year)
    if request.method == "POST" and "payload" in request.POST:
        try:
            count = imports.progress_apply(
                plan=plan, year=year, payload=request.POST["payload"], user=request.user
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
            return redirect("plans:entry-indicators", slug=plan.slug, year=year)
        return redirect("plans:progress-upload", slug=plan.slug, year=year)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a workbook to upload."))
        else:
            context["preview"] = imports.progress_preview(plan, year, upload)
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
    return _xlsx_response(plan_workbook.plan_workbook(plan))


@login_required
@require_GET
def new_plan_template(request):
    _require_plan_admin(request.user)
    return _xlsx_response(plan_workbook.plan_workbook(None))


@login_required
@require_http_methods(["GET", "POST"])
def new_plan_upload(request):
    _require_plan_admin(request.user)
    context = {}
    if request.method == "POST" and "payload" in request.POST:
        try:
            plan = plan_workbook.new_plan_create(request.POST["payload"])
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
            context["preview"] = plan_workbook.new_plan_preview(upload)
            status = 400 if context["preview"].errors else 200
            return render(request, "plans/new_plan.html", context, status=status)
    return render(request, "plans/new_plan.html", context)

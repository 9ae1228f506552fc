"""Helpers the pages of plans, indicators and budgets share: entry forms, plan-years, downloads."""

import io

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indicators.selectors import evidence_count
from plans import access
from plans.models import Plan, PlanYear, YearOutsidePlan
from plans.services import plan_year_save_and_submit
from plans.spreadsheets.xlsx import XLSX_CONTENT_TYPE, ReportFile
from plans.workflow import EditConflict, EntryRefused


def show_unapproved(request) -> bool:
    """Return whether the page was asked to show draft and submitted figures too."""
    return request.GET.get("figures") == "all"


def action_of(request) -> access.Action:
    """Return the action an entry page's request asks for: entering on POST, else viewing."""
    return access.Action.ENTER if request.method == "POST" else access.Action.VIEW


def plan_year(plan: Plan, year: int) -> PlanYear:
    """Return the stored plan-year, or an unsaved draft one; 404 for a year outside the plan."""
    try:
        plan.check_year(year)
    except YearOutsidePlan as outside:
        raise Http404(str(outside)) from outside
    return PlanYear.objects.filter(plan=plan, year=year).first() or PlanYear(plan=plan, year=year)


def entry_context(request, plan: Plan, year: int, plan_year: PlanYear) -> dict:
    """Return the context of the pages under a plan-year's header: entry tabs and upload."""
    return {
        "plan": plan,
        "year": year,
        "plan_year": plan_year,
        "years": range(plan.first_year, (plan.horizon_year or plan.last_year) + 1),
        "can_enter": access.can_enter(request.user, plan) and plan_year.is_editable,
        "can_approve": access.can_approve(request.user, plan),
        # Counted only where a template shows it (the header's evidence link): one query.
        "evidence_count": lambda: evidence_count(
            plan, year, statuses=access.figure_statuses(request.user, plan)
        ),
    }


def show_conflicts(forms_by_key: dict, conflict: EditConflict) -> None:
    """Put on each form the figure someone else saved meanwhile, ready to be overwritten."""
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


def save_entry_forms(request, forms_by_key: dict, save, done: str) -> bool:
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
        show_conflicts(forms_by_key, conflict)
        messages.error(request, _("Nothing was saved: some figures changed meanwhile."))
    else:
        messages.success(request, done % {"count": count})
        return True
    return False


def xlsx_response(report: ReportFile) -> FileResponse:
    """Return `report` as a download."""
    # FileResponse writes filename* (RFC 5987) so Vietnamese names survive the download.
    return FileResponse(
        io.BytesIO(report.content),
        as_attachment=True,
        filename=report.filename,
        content_type=XLSX_CONTENT_TYPE,
    )


def entry_post(request, plan, year: int, forms_by_key, save, done: str) -> bool:
    """Apply an entry page's POST: save the typed rows, or save then submit; True if done.

    "Gửi duyệt" belongs to the entry form: what was typed is saved first, and the save and the
    submission succeed or fail together (plans.services.plan_year_save_and_submit). A refusal
    leaves the typed values on the page with the reason.
    """
    submitting = request.POST.get("action") == "submit"
    if submitting:
        save_rows = save

        def save(rows):
            count, _plan_year = plan_year_save_and_submit(
                plan=plan, year=year, user=request.user, save=lambda: save_rows(rows)
            )
            return count

        done = _("Submitted for approval, after saving %(count)s changed figure(s).")
    if save_entry_forms(request, forms_by_key, save, done):
        return True
    if submitting:
        messages.error(request, _("Not submitted for approval: what you typed is kept below."))
    return False


def entry_page(
    request,
    plan,
    year: int,
    plan_year,
    forms_by_key,
    *,
    save,
    done: str,
    url: str,
    template: str,
    context: dict,
):
    """Answer an entry page of a plan-year: apply its POST (entry_post) and return to the page,
    or render the page with its forms; 400 after a refused POST, what was typed kept."""
    if request.method == "POST" and entry_post(request, plan, year, forms_by_key, save, done):
        return redirect(url, slug=plan.slug, year=year)
    context = entry_context(request, plan, year, plan_year) | context
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)

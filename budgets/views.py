from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from budgets.forms import DisbursementEntryForm
from budgets.selectors import disbursement_rows
from budgets.services import disbursements_save
from plans import access, pages, selectors


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action=pages.action_of(request))
    plan_year = pages.plan_year(plan, year)
    rows = disbursement_rows(plan, year, statuses=access.figure_statuses(request.user, plan))
    data = request.POST if request.method == "POST" else None
    forms_by_key = {}
    for row in rows:
        for cell in row.cells:
            cell.form = DisbursementEntryForm(
                data, line=row.line, source=cell.source, current=cell.current
            )
            forms_by_key[(row.line.pk, cell.source.pk)] = cell.form

    return pages.entry_page(
        request,
        plan,
        year,
        plan_year,
        forms_by_key,
        save=lambda inputs: disbursements_save(
            plan=plan, year=year, user=request.user, rows=inputs
        ),
        done=_("Saved %(count)s amount(s) as draft."),
        url="budgets:entry",
        template="budgets/entry.html",
        context={"rows": rows},
    )


@login_required
@require_GET
def line_history(request, pk):
    line = access.get_budget_line_for_user(request.user, pk)
    entries = selectors.budget_line_history(
        line, include_unapproved=access.sees_unapproved(request.user, line.plan)
    )
    return render(
        request, "plans/history.html", {"plan": line.plan, "subject": line, "entries": entries}
    )

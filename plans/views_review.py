"""The leader's review screen of a plan-year: every row with its verdict, then approve or return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from plans import access, pages, review, services, work
from plans.models import PlanYear
from plans.workflow import EntryRefused

ROW_FIELD = "row-"  # the name of a row's comment field: "row-<indicator id>"


def _review_page(request, plan, year: int, *, typed=None, status: int = 200):
    """Render the review screen; `typed`: the refused return's row comments, to keep them."""
    plan_year = pages.plan_year(plan, year)
    statuses = access.figure_statuses(request.user, plan)
    groups = review.review_rows(plan, year, statuses=statuses)
    projects, duties = work.work_rows(plan, year, statuses=statuses)
    posted, typed = typed is not None, typed or {}
    for group in groups:
        for row in group.rows:
            row.typed = typed.get(row.indicator.pk, "")
    context = pages.entry_context(request, plan, year, plan_year) | {
        "groups": groups,
        # What the year reports of its projects and duties is approved with its figures.
        "work": [row for row in (*projects, *duties) if row.current],
        "can_decide": access.can_approve(request.user, plan)
        and plan_year.status == PlanYear.Status.SUBMITTED,
        "typed_comment": request.POST.get("comment", "") if posted else "",
    }
    return render(request, "plans/review.html", context, status=status)


@login_required
@require_GET
def plan_year_review(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug)
    return _review_page(request, plan, year)


def _posted_row_comments(post) -> dict[int, str]:
    """Return the row comments of the return form by indicator id; refuse a malformed name."""
    comments = {}
    for name, text in post.items():
        if not name.startswith(ROW_FIELD):
            continue
        pk = name.removeprefix(ROW_FIELD)
        if not pk.isdigit():
            raise EntryRefused(review.FOREIGN_ROW_MESSAGE)
        comments[int(pk)] = text
    return comments


@login_required
@require_POST
def plan_year_review_return(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action=access.Action.APPROVE)
    pages.plan_year(plan, year)
    typed = {}
    try:
        typed = _posted_row_comments(request.POST)
        review.plan_year_return_with_comments(
            plan=plan,
            year=year,
            user=request.user,
            comment=request.POST.get("comment", ""),
            row_comments=typed,
        )
    except EntryRefused as refused:
        messages.error(request, str(refused))
        # What the leader typed stays on the page with the reason.
        return _review_page(request, plan, year, typed=typed, status=400)
    messages.success(request, _("Returned to staff with your comments."))
    return redirect("plans:review", slug=plan.slug, year=year)


@login_required
@require_POST
def plan_year_review_approve(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action=access.Action.APPROVE)
    pages.plan_year(plan, year)
    try:
        services.plan_year_approve(plan=plan, year=year, user=request.user)
    except EntryRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Approved: the figures are now locked."))
    return redirect("plans:review", slug=plan.slug, year=year)

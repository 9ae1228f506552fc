from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from indicators import national_workbook as workbooks
from indicators.compare_page import compare_body
from indicators.compare_rows import compare_years
from indicators.compare_workbook import compare_workbook
from indicators.forms import ActualEntryForm, BaselineForm
from indicators.models import IndicatorConcept
from indicators.national import PROVINCE, parse_year
from indicators.national_page import national_page
from indicators.selectors import baseline_rows, entry_rows
from indicators.services import actuals_save, baselines_save
from plans import access, dashboards, pages, selectors
from plans.models import Plan
from plans.review import open_review_comments


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, slug, year):
    plan = access.get_plan_for_user(request.user, slug, action=pages.action_of(request))
    plan_year = pages.plan_year(plan, year)
    groups = entry_rows(plan, year, statuses=access.figure_statuses(request.user, plan))
    comments = open_review_comments(plan_year)  # the leader's, on the rows to correct
    data = request.POST if request.method == "POST" else None
    forms_by_key = {}
    for group in groups:
        for row in group.rows:
            row.review_comment = comments.get(row.indicator.pk)
            row.form = ActualEntryForm(data, indicator=row.indicator, current=row.current)
            forms_by_key[row.indicator.pk] = row.form

    return pages.entry_page(
        request,
        plan,
        year,
        plan_year,
        forms_by_key,
        save=lambda rows: actuals_save(plan=plan, year=year, user=request.user, rows=rows),
        done=_("Saved %(count)s figure(s) as draft."),
        url="indicators:entry",
        template="indicators/entry.html",
        context={"groups": groups},
    )


@login_required
@require_http_methods(["GET", "POST"])
def baselines(request, slug):
    plan = access.get_plan_for_user(
        request.user, slug, action=pages.action_of(request), queryset=Plan.objects.with_province()
    )
    rows = baseline_rows(plan)
    data = request.POST if request.method == "POST" else None
    forms_by_key = {}
    for row in rows:
        row.form = BaselineForm(data, indicator=row.indicator, plan=plan, version=row.version)
        forms_by_key[row.indicator.pk] = row.form
    if request.method == "POST" and pages.save_entry_forms(
        request,
        forms_by_key,
        lambda inputs: baselines_save(plan=plan, user=request.user, rows=inputs),
        _("Saved %(count)s baseline(s)."),
    ):
        return redirect("indicators:baselines", slug=plan.slug)
    context = {"plan": plan, "rows": rows, "can_enter": access.can_enter(request.user, plan)}
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/baselines.html", context, status=status)


@login_required
@require_GET
def history(request, pk):
    indicator = access.get_indicator_for_user(request.user, pk)
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
def concept_list(request):
    concepts = (
        IndicatorConcept.objects.filter(indicators__plan__in=access.plans_for_user(request.user))
        .distinct()
        .order_by("name_folded")
    )
    return render(request, "indicators/concept_list.html", {"concepts": concepts})


@login_required
@require_GET
def concept_compare(request, code):
    concept = get_object_or_404(IndicatorConcept, code=code)
    show = pages.show_unapproved(request)
    return render(
        request,
        "indicators/concept_compare.html",
        {
            "concept": concept,
            "body": compare_body(request, concept, show_unapproved=show),
            "show_unapproved": show,
        },
    )


@login_required
@require_GET
def concept_compare_workbook(request, code):
    """The comparison as a workbook: the series the viewer reaches, each year's target and
    figure."""
    concept = get_object_or_404(IndicatorConcept, code=code)
    series = dashboards.concept_comparison(
        request.user, concept, show_unapproved=pages.show_unapproved(request)
    )
    return pages.xlsx_response(compare_workbook(concept, series, compare_years(series)))


@login_required
@require_GET
def national(request):
    if access.reach(request.user) is not access.ALL:
        raise PermissionDenied
    page = national_page(
        parse_year(request.GET.get("year")),
        sort=request.GET.get("sort", PROVINCE),
        order=request.GET.get("order", ""),
    )
    return render(
        request,
        "indicators/national.html",
        {"matrix": page},
    )


@login_required
@require_GET
def national_workbook(request):
    """Every shared indicator × today's provinces × the years, and the reporting status."""
    if access.reach(request.user) is not access.ALL:
        raise PermissionDenied
    years = workbooks.national_workbook_years()
    return pages.xlsx_response(workbooks.national_workbook(request.user, years))


@login_required
@require_GET
def national_ranking(request, code):
    """Return one concept's ranking chart of the national matrix, as JSON, when it is opened."""
    if access.reach(request.user) is not access.ALL:
        raise PermissionDenied
    year = parse_year(request.GET.get("year"))
    page = national_page(year, with_figures=True)
    figure = page.figures.get(f"ranking-{code}")
    if figure is None:
        raise Http404
    return JsonResponse(figure, encoder=DjangoJSONEncoder)

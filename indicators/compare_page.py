"""The comparison page's chart and table, kept per concept between two changes of its plans.

A national leader's comparison judges every series of the country (docs/benchmark.md: 7,6
times the one-province page). What it shows rests on the plans the viewer reaches and the
figures they see of each (the page's reach), those plans' data (their data_version bumps with
every figure, target and indicator; their approved_version where an approved figure moved),
their provinces, the concept, the rules and the code.
The unfiltered page is kept in ComparePage under that fingerprint; any other query string
is rendered fresh. For a viewer who reaches every province, the page of approved figures is
kept under the country's version instead (plans.kept_parts): reading every plan of the
country to check the fingerprint cost more than the page.
"""

import functools
import hashlib
import sys

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from indicators import charts, compare_rows, units
from indicators.models import ComparePage, IndicatorConcept
from plans import dashboards, kept_parts
from plans.models import CountryVersion, Plan

KEPT_QUERIES = ("", "figures=all")
BODY_TEMPLATE = "indicators/_compare_body.html"


def compare_body(request, concept: IndicatorConcept, *, show_unapproved: bool) -> SafeString:
    """Return the comparison's chart and table as HTML.

    Queries: the reached plans and one read when kept; otherwise the comparison's own and
    one write.
    """
    user = request.user
    query = request.GET.urlencode()
    if query in KEPT_QUERIES and not show_unapproved and kept_parts.reaches_country(user):
        # Every plan of the country, approved figures: one page for every such viewer.
        return mark_safe(
            kept_parts.kept(
                f"compare-{concept.pk}",
                code=code(),
                render=lambda: _render(
                    request, concept, dashboards.comparison_plans(user), show_unapproved
                ),
                rests_on=CountryVersion.APPROVED,
            )
        )
    plans = dashboards.comparison_plans(user)
    if query not in KEPT_QUERIES:
        return _render(request, concept, plans, show_unapproved)
    language = get_language()
    statuses = {
        pk: dashboards.visible_statuses(user, plan, show_unapproved=show_unapproved)
        for pk, plan in plans.items()
    }
    reach = _reach(statuses)
    fingerprint = _fingerprint(concept, plans, statuses, language)
    kept = (
        ComparePage.objects.filter(
            concept=concept, language=language, reach=reach, fingerprint=fingerprint
        )
        .values_list("body", flat=True)
        .first()
    )
    if kept is not None:
        return mark_safe(kept)
    body = _render(request, concept, plans, show_unapproved)
    ComparePage.objects.bulk_create(
        [
            ComparePage(
                concept=concept,
                language=language,
                reach=reach,
                fingerprint=fingerprint,
                body=str(body),
            )
        ],
        update_conflicts=True,
        unique_fields=["concept", "language", "reach"],
        update_fields=["fingerprint", "body", "computed_at"],
    )
    return body


def _render(request, concept, plans, show_unapproved) -> SafeString:
    series = dashboards.concept_comparison(
        request.user, concept, show_unapproved=show_unapproved, plans=plans
    )
    years = compare_rows.compare_years(series)
    figure = charts.comparison_figure(concept, series)
    context = {
        "concept": concept,
        "series": series,
        "rows": compare_rows.compare_rows(series, years),
        "figure": figure,
        "figures": {"compare-chart": figure},
        "years": years,
    }
    return render_to_string(BODY_TEMPLATE, context, request)


def _reach(statuses: dict[int, tuple]) -> str:
    """Return a digest of the plans the viewer reaches and the figures they see of each."""
    digest = hashlib.sha256()
    for pk in sorted(statuses):
        digest.update(f"{pk}:{','.join(statuses[pk])};".encode())
    return digest.hexdigest()


def _fingerprint(concept, plans: dict[int, Plan], statuses: dict, language: str) -> str:
    digest = hashlib.sha256(
        f"{dashboards.RULES_FINGERPRINT}|{code()}|{language}|{concept.pk}|{concept.code}|"
        f"{concept.name}|{concept.unit}|{concept.direction}".encode()
    )
    for pk in sorted(plans):
        plan = plans[pk]
        province = plan.province
        version = plan.version_for(approved_only=dashboards.is_approved_only(statuses[pk]))
        digest.update(repr([*plan.shown_values(), version]).encode())
        digest.update(
            f"{province.label}|{province.current.label}|{province.current.name_folded}".encode()
        )
    return digest.hexdigest()


@functools.cache
def code() -> str:
    """Return a digest of the code and template that render the page (computed on first use:
    templates load once the apps are ready)."""
    modules = (sys.modules[__name__], dashboards, charts, compare_rows, units)
    return dashboards.source_digest(*modules, templates=(BODY_TEMPLATE,))

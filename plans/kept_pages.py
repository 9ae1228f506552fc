"""Render every kept page ahead of its readers: after a deploy, a rule change or a bulk load.

The pages a leader opens most (home counts, each plan's dashboard, each province's year view,
the national matrix, a national leader's home, comparisons and agency list) are kept per
version of what they show and rendered again by the first reader after a change
(docs/architecture.md). A deploy that changes the rendering code, or a rule change, makes
every one of them old at once: the first minutes of the day would then be slow for everyone.
`manage.py pages_refresh` renders them all beforehand, as a reader of
approved figures sees them (the default of every page), in every language of the portal.
Draft views are still rendered by their first reader.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from indicators.compare_page import compare_body
from indicators.models import IndicatorConcept
from indicators.national import default_year, stored_entries
from indicators.national_page import national_page
from indicators.national_workbook import national_workbook_years
from indicators.selectors import APPROVED_ONLY
from plans import dashboard_page, dashboards, home_rows
from plans.inbox import inbox_for
from plans.models import Plan, Province
from plans.year_lines import year_lines


@dataclass
class Refreshed:
    plans: int = 0
    dashboards: int = 0
    year_views: int = 0
    national_years: int = 0
    entry_years: int = 0
    country_parts: int = 0  # the national leader's home, agency list, comparisons, inbox


def _everyone():
    """Return an unsaved user who reaches every province and sees approved figures only."""
    return get_user_model()(username="pages-refresh", is_superuser=True, is_active=True)


def pages_refresh(years: list[int] | None = None) -> Refreshed:
    """Render the kept pages of every plan and province for `years` (default: the latest
    year with approved figures), in every language, and judge the national matrix's entries
    of every year the national workbook covers; return what was rendered."""
    years = years or [default_year()]
    plans = list(
        Plan.objects.select_related("province", "province__successor").defer(*Plan.TEXT_FIELDS)
    )
    provinces = list(Province.objects.filter(successor__isnull=True))
    everyone = _everyone()
    factory = RequestFactory()
    done = Refreshed(plans=len(plans))
    dashboards.status_snapshots(plans, {plan.pk: APPROVED_ONLY for plan in plans})
    # The national matrix's entries of every year the national workbook covers.
    for year in national_workbook_years():
        stored_entries([plan for plan in plans if plan.covers_year(year)], year)
        done.entry_years += 1
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for plan in plans:
                request = factory.get(reverse("plans:plan-dashboard", args=[plan.slug]))
                request.user = AnonymousUser()
                dashboard_page.dashboard_sections(
                    request, plan, statuses=APPROVED_ONLY, show_unapproved=False
                )
                done.dashboards += 1
            for year in years:
                for province in provinces:
                    year_lines(everyone, province, year, show_unapproved=False)
                    done.year_views += 1
                national_page(year)
                done.national_years += 1
            done.country_parts += _country_parts(factory, everyone)
    return done


def _country_parts(factory, everyone) -> int:
    """Render the parts of the pages of the whole country (plans.kept_parts); return how many."""
    request = factory.get(reverse("plans:home"))
    request.user = everyone
    home_rows.groups_html(request, show_unapproved=False)
    dashboards.agency_list_groups(everyone)
    inbox_for(everyone)  # the reporting status of every province
    concepts = list(IndicatorConcept.objects.all())
    for concept in concepts:
        request = factory.get(reverse("indicators:concept-compare", args=[concept.code]))
        request.user = everyone
        compare_body(request, concept, show_unapproved=False)
    return 3 + len(concepts)

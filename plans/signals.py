"""Bump the versions that kept pages rest on when what they show changes.

A plan's data version: the dashboard's sections are kept per version of the plan
(plans.dashboard_page): its projects and duties, and the names of the agencies and sectors it
shows, are read from there too. The figures, targets and money have their own signals
(indicators.signals, budgets.signals).

The country's version (plans.models.CountryVersion): every row of the three apps saved or
deleted, the caches and notices aside; the bulk writes bump it through Plan.data_changed.
"""

from django.apps import apps
from django.db import connections
from django.db.models.signals import post_delete, post_migrate, post_save
from simple_history.models import HistoricalChanges

from plans.models import (
    Agency,
    CountryVersion,
    Plan,
    Project,
    Responsibility,
    Section,
    Sector,
    WorkProgress,
)

DATA_APPS = ("plans", "indicators", "budgets")
# Kept from the data (verdicts, pages, the version itself) or written for one person (notices):
# writing them changes nothing a page of the country shows.
NOT_DATA = {
    "plans.PlanStatusSnapshot",
    "plans.ConceptVerdictSnapshot",
    "plans.YearRowsSnapshot",
    "plans.DashboardPage",
    "plans.NationalMatrixPage",
    "plans.CountryVersion",
    "plans.KeptPart",
    "plans.Notice",
    "indicators.ComparePage",
}


def data_models() -> list:
    """Return the models whose every write changes the country's version."""
    return [
        model
        for label in DATA_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in NOT_DATA and not issubclass(model, HistoricalChanges)
    ]


# Rows that hold no approved figure and nothing shown beside one: a year's step of review (a
# submission, a return), a leader's comments, who works for which province. Their writes
# leave `approved`.
BESIDE_APPROVED = {"plans.PlanYear", "indicators.ReviewComment", "plans.Membership"}


def _changed_country(sender, **kwargs):
    CountryVersion.bump(approved=sender._meta.label not in BESIDE_APPROVED)


def _migrated(sender, using, **kwargs):
    # Also sent after migrating backwards, when the table may be gone.
    if CountryVersion._meta.db_table in connections[using].introspection.table_names():
        CountryVersion.bump(using=using)


def _changed_plan(sender, instance, **kwargs):
    Plan.data_changed(plan_ids=[instance.plan_id])


def version_with_plan(*models) -> None:
    """Bump the plan's versions whenever a row of `models` (each with a `plan`) is saved or
    deleted one at a time: the one handler of every app for a plan's own rows."""
    for model in models:
        uid = f"plan-version-{model._meta.label}"
        post_save.connect(_changed_plan, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed_plan, sender=model, dispatch_uid=f"{uid}-deleted")


def _renamed_agency(sender, instance, created, **kwargs):
    if not created:
        Plan.data_changed(
            plan_ids=[
                *Project.objects.filter(lead_agency=instance).values_list("plan", flat=True),
                *Responsibility.objects.filter(agency=instance).values_list("plan", flat=True),
            ]
        )


def _renamed_sector(sender, instance, created, **kwargs):
    from budgets.models import BudgetLine

    if not created:
        Plan.data_changed(
            plan_ids=[
                *Section.objects.filter(sector=instance).values_list("plan", flat=True),
                *BudgetLine.objects.filter(sector=instance).values_list("plan", flat=True),
            ]
        )


def connect() -> None:
    for model in data_models():
        uid = f"country-version-{model._meta.label}"
        post_save.connect(_changed_country, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed_country, sender=model, dispatch_uid=f"{uid}-deleted")
    # A data migration writes without signals.
    post_migrate.connect(_migrated, dispatch_uid="country-version-migrated")
    # A section's position orders the plan's rows on the pages that keep them (year view).
    version_with_plan(Project, Responsibility, Section)
    # The dashboard shows each project's and duty's progress (a single save: the admin, a seed).
    version_with_plan(WorkProgress)
    # Agencies and sectors are shared; a rename changes the pages of the plans naming them.
    post_save.connect(_renamed_agency, sender=Agency, dispatch_uid="version-agency")
    post_save.connect(_renamed_sector, sender=Sector, dispatch_uid="version-sector")

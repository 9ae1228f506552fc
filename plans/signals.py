"""Bump a plan's data version when what its kept pages show, beyond its figures, changes.

The dashboard's sections are kept per version of the plan (plans.dashboard_page): its projects
and duties, and the names of the agencies and sectors it shows, are read from there too. The
figures, targets and money have their own signals (indicators.signals, budgets.signals).
"""

from django.db.models.signals import post_delete, post_save

from plans.models import Agency, Plan, Project, Responsibility, Section, Sector


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
    # A section's position orders the plan's rows on the pages that keep them (year view).
    version_with_plan(Project, Responsibility, Section)
    # Agencies and sectors are shared; a rename changes the pages of the plans naming them.
    post_save.connect(_renamed_agency, sender=Agency, dispatch_uid="version-agency")
    post_save.connect(_renamed_sector, sender=Sector, dispatch_uid="version-sector")

"""Bump a plan's data version whenever its money is saved or deleted one row at a time.

The home page keeps each plan's planned and disbursed sums in a versioned snapshot
(plans.models.PlanStatusSnapshot); bulk writes of disbursements bump it in plans.workflow.
"""

from django.db.models.signals import post_delete, post_save

from budgets.models import Allocation, BudgetLine, Disbursement, FundingSource, StatedTotal
from plans.models import Plan
from plans.signals import version_with_plan


def _changed_line(sender, instance, **kwargs):
    Plan.data_changed(line_ids=[instance.line_id])


def _renamed_source(sender, instance, created, **kwargs):
    if not created:
        Plan.data_changed(
            line_ids=[
                *Allocation.objects.filter(source=instance).values_list("line", flat=True),
                *Disbursement.objects.filter(source=instance).values_list("line", flat=True),
            ],
            plan_ids=StatedTotal.objects.filter(source=instance).values_list("plan", flat=True),
        )


def connect() -> None:
    for model in (Allocation, Disbursement):
        post_save.connect(_changed_line, sender=model, dispatch_uid=f"version-{model}")
        post_delete.connect(_changed_line, sender=model, dispatch_uid=f"version-d-{model}")
    # The dashboard keeps a plan's stated totals and its sources' names (plans.dashboard_page).
    version_with_plan(BudgetLine, StatedTotal)
    post_save.connect(_renamed_source, sender=FundingSource, dispatch_uid="version-source")

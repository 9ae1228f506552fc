"""Bump a plan's data version whenever something its verdicts rest on is saved or deleted.

Single saves and deletes (entry pages, the admin, the seed, the new-plan workbook) arrive here;
the bulk writes of plans.workflow and plans.services call Plan.data_changed themselves.
"""

from django.db.models.signals import post_delete, post_save

from indicators.models import Actual, Indicator, Target
from plans.models import Plan
from plans.signals import version_with_plan


def _forget_for_indicator(sender, instance, **kwargs):
    Plan.data_changed(indicator_ids=[instance.indicator_id])


def connect() -> None:
    for model in (Actual, Target):
        post_save.connect(_forget_for_indicator, sender=model, dispatch_uid=f"forget-{model}")
        post_delete.connect(_forget_for_indicator, sender=model, dispatch_uid=f"forget-d-{model}")
    version_with_plan(Indicator)

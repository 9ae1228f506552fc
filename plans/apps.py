from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = _("Plans")

    def ready(self):
        from plans.spreadsheets.formulas import register_binary_format

        register_binary_format()

        from plans import signals

        signals.connect()

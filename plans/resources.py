"""django-import-export resources: every model moves between installations by natural keys.

Foreign keys are written as natural keys (codes, slugs), never database ids, so a workbook
exported from one portal imports into another. Folded search columns are left out: they are
recomputed on save.
"""

from django.db import models
from import_export import resources, widgets

from plans.fields import FoldedField


class PortalResource(resources.ModelResource):
    """A ModelResource whose long texts read back as the short ones do."""

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # django-import-export gives a TextField the bare Widget, which reads an empty xlsx
        # cell as None: an exported blank description then fails its NOT NULL on import.
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)


def natural_key_resource(model, import_id_fields: list[str], *, exclude=()):
    """Return a ModelResource for `model` keyed by its natural key fields, without `exclude`."""
    excluded = ["id", *exclude] + [
        field.name for field in model._meta.concrete_fields if isinstance(field, FoldedField)
    ]

    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "exclude": excluded,
            "import_id_fields": import_id_fields,
            "use_natural_foreign_keys": True,
            # A second import of the same file changes nothing.
            "skip_unchanged": True,
            "report_skipped": True,
        },
    )
    return type(f"{model.__name__}Resource", (PortalResource,), {"Meta": meta})

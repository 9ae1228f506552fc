"""Model fields shared across apps."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.signals import pre_save

from plans.text import fold


class FoldedField(models.CharField):
    """An accent-folded copy of other text fields, kept in step on every save path.

    `pre_save()` covers `save()` and `bulk_create()`; fixtures are saved raw, which skips
    `pre_save()`, so a `pre_save` signal covers `loaddata` too. Queryset `.update()` of a
    source field bypasses both: use `save()` or call `refresh_folded()` after it.
    """

    def __init__(self, *args, sources=(), **kwargs):
        self.sources = tuple(sources)
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for key, value in (("max_length", 1000), ("editable", False), ("blank", True)):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def folded_value(self, instance) -> str:
        """Return the folded text of the source fields of `instance`."""
        parts = [str(getattr(instance, source) or "") for source in self.sources]
        return fold(" ".join(part for part in parts if part))[: self.max_length]

    def pre_save(self, model_instance, add):
        value = self.folded_value(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        if not cls._meta.abstract:
            pre_save.connect(_fill_folded_on_raw_save, sender=cls, weak=False)


def _fill_folded_on_raw_save(sender, instance, raw=False, **kwargs):
    """Fill folded fields of an instance that `loaddata` is about to save raw."""
    if not raw:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, FoldedField):
            setattr(instance, field.attname, field.folded_value(instance))


# One limit for what people type beside a figure (notes, evidence, comments, reasons, sources),
# whatever the path: form, upload, admin or import. A 50 MB note once made every later save of
# its screen fail.
NOTE_LIMIT = 2000


def note_field(verbose_name, **kwargs) -> models.TextField:
    """Return a blank-able text field held to NOTE_LIMIT characters on every validated path.

    A TextField's max_length alone only sizes the form widget; the validator enforces it.
    """
    return models.TextField(
        verbose_name,
        blank=True,
        max_length=NOTE_LIMIT,
        validators=[MaxLengthValidator(NOTE_LIMIT)],
        **kwargs,
    )

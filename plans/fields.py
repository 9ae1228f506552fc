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


# Every text field has a limit, stated here and enforced on every validated path (form,
# upload, admin, import). A 50 MB note once made every later save of its screen fail.
# What people type beside a figure: notes, evidence, comments, reasons, sources.
NOTE_LIMIT = 2000
# Text a document prints: a task's content, an agency's duties (the longest seed: 2.693).
DOCUMENT_TEXT_LIMIT = 20_000
# A plan's whole text, as loaded from its source file (the longest seed: about 100.000).
SOURCE_TEXT_LIMIT = 2_000_000


def limited_text_field(verbose_name, *, limit: int, **kwargs) -> models.TextField:
    """Return a text field held to `limit` characters.

    A TextField's max_length alone only sizes the form widget; the validator enforces it.
    """
    return models.TextField(
        verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs
    )


def note_field(verbose_name, **kwargs) -> models.TextField:
    """Return a blank-able text field for what people type beside a figure."""
    return limited_text_field(verbose_name, limit=NOTE_LIMIT, blank=True, **kwargs)

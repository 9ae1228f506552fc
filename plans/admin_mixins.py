"""Admin behaviour shared by every app: accent-blind search, province scope, Vietnamese numbers,
figures that change only through the entry screens and the review workflow, and exports of any
size."""

import tempfile
from decimal import Decimal
from operator import attrgetter

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.signals import post_export

from budgets.models import BudgetLine
from indicators.models import Indicator
from plans.access import ALL, reach, within_reach
from plans.models import EDITABLE_STATUSES, Plan, PlanYear, Project, Province, Section
from plans.numbers import FigureRule, TargetPhraseError, check_figure, figure_text, parse_number
from plans.spreadsheets import exports
from plans.text import clean_text, fold

READ_ONLY_FIGURES = _(
    "Figures and their review status are shown here but not changed: staff enter them on the "
    "entry screens of each plan and year, and leaders submit, approve, return or reopen them "
    "there, so that every change is versioned, attributed and kept out of locked years."
)


class FoldedSearchMixin:
    """Search accent-blind: "hau giang" and "HẬU" both find "Hậu Giang" on SQLite and PostgreSQL.

    `search_fields` name FoldedField columns (or plain ASCII codes); the term is folded the
    same way the columns are.
    """

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))


class StreamedExportMixin(ExportMixin):
    """Export what the changelist shows (filters, search, province scope), however many rows.

    The resource's columns and widgets decide the content, as in django-import-export; the
    rows come from one query read in chunks and go out as they are written: CSV streamed,
    xlsx through a temporary file (plans.spreadsheets.exports). A resource whose columns are
    not plain fields or natural keys, or another format, exports the library's way.
    """

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        is_csv = isinstance(file_format, base_formats.CSV)
        if not (is_csv or isinstance(file_format, base_formats.XLSX)):
            return super()._do_file_export(file_format, request, queryset, export_form)
        resource_class = self.choose_export_resource_class(export_form, request)
        resource = resource_class(
            **self.get_export_resource_kwargs(request, export_form=export_form)
        )
        table = exports.export_rows(
            resource,
            queryset,
            self.get_export_resource_fields_from_form(export_form),
            native=not is_csv,
        )
        if table is None:
            return super()._do_file_export(file_format, request, queryset, export_form)
        filename = self.get_export_filename(request, queryset, file_format)
        if is_csv:
            response = StreamingHttpResponse(
                exports.csv_chunks(*table), content_type=exports.CSV_CONTENT_TYPE
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        else:
            file = tempfile.TemporaryFile()  # closed by the response once sent
            try:
                exports.write_xlsx(
                    file, *table, title=str(capfirst(self.model._meta.verbose_name_plural))
                )
            except BaseException:
                file.close()
                raise
            file.seek(0)
            response = FileResponse(
                file,
                as_attachment=True,
                filename=filename,
                content_type=exports.XLSX_CONTENT_TYPE,
            )
        post_export.send(sender=None, model=self.model)
        return response


class StreamedImportExportMixin(StreamedExportMixin, ImportExportMixin):
    """Import as django-import-export does; export as StreamedExportMixin."""


class VietnameseDecimalField(forms.DecimalField):
    """A number typed and shown as the portal writes it: "1.234" is 1234, "0,85" is 0.85.

    "1,234" is refused as ambiguous, as on the entry screens (plans.numbers.parse_number).
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            number = parse_number(str(value))
        except TargetPhraseError as exc:
            raise forms.ValidationError(exc.reason, code="invalid") from exc
        # Sign rules belong to the model (amounts refuse negatives in clean()); the size and
        # the places are the database column's.
        return check_figure(number, FigureRule(negative=True))

    def prepare_value(self, value):
        return figure_text(value) if isinstance(value, Decimal) else value


class CleanTextField(forms.CharField):
    """Text as the rest of the portal stores it: composed (NFC), without invisible characters."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class VietnameseInputMixin:
    """Read every decimal field in Vietnamese notation and every text field cleaned, as the
    entry screens and uploads do."""

    formfield_overrides = {
        models.DecimalField: {"form_class": VietnameseDecimalField},
        # Fields with choices keep their choice field: Django applies form_class without them.
        # Codes keep their own checks (a match follows the model field's class first).
        models.SlugField: {"form_class": forms.SlugField},
        models.CharField: {"form_class": CleanTextField},
        models.TextField: {"form_class": CleanTextField},
    }


# How to reach the province from a model whose choices a form offers.
_CHOICE_SCOPES = {
    Province: "pk",
    Plan: "province",
    Section: "plan__province",
    Project: "plan__province",
    Indicator: "plan__province",
    BudgetLine: "plan__province",
}


class ProvinceScopedMixin(VietnameseInputMixin):
    """List, show and offer only rows of the provinces the user reaches, as every page does.

    `province_field` is the lookup from the model to its province ("plan__province").
    Superusers and national roles reach all provinces (plans.access.reach).
    """

    province_field = "plan__province"

    def get_queryset(self, request):
        return within_reach(
            super().get_queryset(request), request.user, province_field=self.province_field
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = _CHOICE_SCOPES.get(db_field.related_model)
        if scope and "queryset" not in kwargs:
            kwargs["queryset"] = within_reach(
                db_field.related_model._default_manager.all(), request.user, province_field=scope
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _check_in_reach(self, request, object_id):
        """Raise Http404 unless the row (or, deleted, its history) is in the user's reach."""
        if reach(request.user) is ALL:
            return
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._check_in_reach(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted version ("revert") with view permission alone.
        self._check_in_reach(request, object_id)
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyFigureMixin(ProvinceScopedMixin):
    """Show reported figures (or plan-year statuses) without adding or changing them.

    Writes go through the services behind the entry screens and the workflow, which bump the
    version, record who entered the figure and refuse locked years. Deleting is left to those
    allowed to delete, and only while the year is open: a deletion is in the history.
    `plan_field` is the lookup from the model to its plan.
    """

    plan_field = "indicator__plan"
    entry_url_name = "indicators:entry"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk in self._locked_pks(request):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "where_to_change"]

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.get_fields(request, obj), "description": READ_ONLY_FIGURES})]

    def _locked_pks(self, request) -> set:
        """Return the ids of this model's rows in a submitted or approved year, once a request."""
        cache = request.__dict__.setdefault("_locked_figures", {})
        if self.model not in cache:
            locked_year = PlanYear.objects.filter(
                plan=OuterRef(self.plan_field), year=OuterRef("year")
            ).exclude(status__in=EDITABLE_STATUSES)
            locked = ~Q(status__in=EDITABLE_STATUSES) | Q(Exists(locked_year))
            cache[self.model] = set(
                self.model._default_manager.filter(locked).values_list("pk", flat=True)
            )
        return cache[self.model]

    @admin.display(description=_("where to change it"))
    def where_to_change(self, obj):
        plan = attrgetter(self.plan_field.replace("__", "."))(obj)
        url = reverse(self.entry_url_name, args=[plan.slug, obj.year])
        return format_html('<a href="{}">{}</a>', url, _("Entry screen and review of this year"))


class ReadOnlyInlineMixin:
    """Show the figures of a plan, indicator or budget line on its page, never changing them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Actual, EvidenceFile, Indicator, IndicatorConcept, Target
from plans.access import ALL, reach
from plans.admin_mixins import (
    FoldedSearchMixin,
    ProvinceScopedMixin,
    ReadOnlyFigureMixin,
    ReadOnlyInlineMixin,
    StreamedExportMixin,
    StreamedImportExportMixin,
    VietnameseInputMixin,
)
from plans.resources import natural_key_resource

_ConceptResourceBase = natural_key_resource(IndicatorConcept, ["code"])


class IndicatorConceptResource(_ConceptResourceBase):
    class Meta(_ConceptResourceBase.Meta):
        # An uploaded unit must still fit every linked indicator (IndicatorConcept.clean).
        clean_model_instances = True


@admin.register(IndicatorConcept)
class IndicatorConceptAdmin(StreamedImportExportMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    resource_classes = [IndicatorConceptResource]
    list_display = ["name", "code", "unit", "direction"]
    search_fields = ["name_folded", "code"]


class TargetInline(VietnameseInputMixin, admin.TabularInline):
    model = Target
    fields = ["year", "phrase", "comparator", "value", "upper_value", "unit", "note"]
    extra = 0


class ActualInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Actual
    fields = ["year", "value", "progress", "status", "note", "evidence", "entered_by"]
    readonly_fields = ["entered_by"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entered_by")


@admin.register(Indicator)
class IndicatorAdmin(
    StreamedExportMixin, FoldedSearchMixin, ProvinceScopedMixin, SimpleHistoryAdmin
):
    resource_classes = [natural_key_resource(Indicator, ["plan", "code"])]
    list_display = ["code", "name", "scope", "unit", "plan", "section", "kind", "aggregation"]
    list_display_links = ["code", "name"]
    list_select_related = ["plan", "section"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        ("section__sector", admin.RelatedOnlyFieldListFilter),
        "kind",
        "direction",
        "aggregation",
        ("targets__year", admin.AllValuesFieldListFilter),
    ]
    search_fields = ["name_folded"]
    autocomplete_fields = ["plan", "section", "concept"]
    inlines = [TargetInline, ActualInline]


@admin.register(Target)
class TargetAdmin(StreamedExportMixin, FoldedSearchMixin, ProvinceScopedMixin, SimpleHistoryAdmin):
    province_field = "indicator__plan__province"
    resource_classes = [natural_key_resource(Target, ["indicator", "year"])]
    list_display = ["indicator", "plan", "year", "phrase", "comparator", "value", "upper_value"]
    list_select_related = ["indicator", "indicator__plan"]
    list_filter = [
        ("indicator__plan__province", admin.RelatedOnlyFieldListFilter),
        ("indicator__plan", admin.RelatedOnlyFieldListFilter),
        ("indicator__section__sector", admin.RelatedOnlyFieldListFilter),
        "year",
        "comparator",
    ]
    search_fields = ["indicator__name_folded", "phrase"]
    autocomplete_fields = ["indicator"]

    @admin.display(description=_("plan"), ordering="indicator__plan")
    def plan(self, target):
        return target.indicator.plan


@admin.register(Actual)
class ActualAdmin(StreamedExportMixin, FoldedSearchMixin, ReadOnlyFigureMixin, SimpleHistoryAdmin):
    province_field = "indicator__plan__province"
    plan_field = "indicator__plan"
    entry_url_name = "indicators:entry"
    resource_classes = [natural_key_resource(Actual, ["indicator", "year"])]
    list_display = ["indicator", "plan", "year", "value", "progress", "status", "entered_by"]
    list_select_related = ["indicator", "indicator__plan", "entered_by"]
    list_filter = [
        ("indicator__plan__province", admin.RelatedOnlyFieldListFilter),
        ("indicator__plan", admin.RelatedOnlyFieldListFilter),
        ("indicator__section__sector", admin.RelatedOnlyFieldListFilter),
        "year",
        "status",
    ]
    search_fields = ["indicator__name_folded"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["entered_by", "entered_at", "updated_at", "version"]

    @admin.display(description=_("plan"), ordering="indicator__plan")
    def plan(self, actual):
        return actual.indicator.plan


@admin.register(EvidenceFile)
class EvidenceFileAdmin(StreamedExportMixin, ProvinceScopedMixin, SimpleHistoryAdmin):
    """Evidence files, listed for checking; attached and removed on the plan-year's evidence page.

    Never a link to the stored file itself: downloads go through the evidence view, which
    applies the figure's access rules (indicators.views_evidence.evidence_download); the
    export lists the files without where they are stored.
    """

    resource_classes = [
        natural_key_resource(
            EvidenceFile, ["actual", "disbursement", "original_name"], exclude=["file"]
        )
    ]

    list_display = [
        "original_name",
        "plan",
        "attached_to",
        "year",
        "extension",
        "size",
        "uploaded_by",
        "uploaded_at",
        "download",
    ]
    list_select_related = [
        "actual__indicator__plan",
        "disbursement__line__plan",
        "disbursement__source",
        "uploaded_by",
    ]
    list_filter = ["extension", ("uploaded_at", admin.DateFieldListFilter)]
    search_fields = ["original_name", "actual__indicator__code", "disbursement__line__code"]
    fields = [
        "original_name",
        "plan",
        "attached_to",
        "year",
        "extension",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "download",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # Two ways to a province (a figure's indicator or a disbursement's line): the mixin's
        # one-field scope does not fit, so scope here with both.
        queryset = (
            super(ProvinceScopedMixin, self)
            .get_queryset(request)
            .select_related(*self.list_select_related)
        )
        provinces = reach(request.user)
        if provinces is ALL:
            return queryset
        return queryset.filter(
            Q(actual__indicator__plan__province__in=provinces)
            | Q(disbursement__line__plan__province__in=provinces)
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Removed by its uploader on the evidence page, and only while the year is open.
        return False

    @admin.display(description=_("plan"))
    def plan(self, item):
        figure = self._figure(item)
        return figure.indicator.plan if item.actual_id else figure.line.plan

    @admin.display(description=_("attached to"))
    def attached_to(self, item):
        if item.actual_id:
            indicator = item.actual.indicator
            return f"{indicator.code} {indicator.name}"
        disbursement = item.disbursement
        return f"{disbursement.line.code} {disbursement.line.name} ({disbursement.source})"

    @admin.display(description=_("year"))
    def year(self, item):
        return self._figure(item).year

    @admin.display(description=_("download"))
    def download(self, item):
        url = reverse("indicators:evidence-download", args=[item.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    @staticmethod
    def _figure(item):
        return item.actual or item.disbursement

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Actual, Indicator, IndicatorConcept, Target
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

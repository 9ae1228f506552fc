from django.contrib import admin
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from budgets.models import Allocation, BudgetLine, Disbursement, FundingSource, StatedTotal
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


def line_total(model):
    """Return a subquery summing `model.amount` per budget line.

    A subquery, not a join: summing allocations and disbursements over one join would
    multiply each by the other's row count.
    """
    rows = (
        model.objects.filter(line=OuterRef("pk"))
        .order_by()
        .values("line")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(rows), Value(0), output_field=DecimalField())


@admin.register(FundingSource)
class FundingSourceAdmin(StreamedImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [natural_key_resource(FundingSource, ["code"])]
    list_display = ["short_name", "name", "code", "position"]
    search_fields = ["code", "short_name"]


class AllocationInline(VietnameseInputMixin, admin.TabularInline):
    model = Allocation
    fields = ["year_from", "year_to", "source", "amount", "amount_printed"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class DisbursementInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Disbursement
    fields = ["year", "source", "amount", "status", "note", "entered_by"]
    readonly_fields = ["entered_by"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "entered_by")


@admin.register(BudgetLine)
class BudgetLineAdmin(
    StreamedExportMixin, FoldedSearchMixin, ProvinceScopedMixin, SimpleHistoryAdmin
):
    resource_classes = [natural_key_resource(BudgetLine, ["plan", "code"])]
    list_display = ["name", "code", "plan", "sector", "printed_unit", "planned", "disbursed"]
    list_select_related = ["plan", "sector"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        ("sector", admin.RelatedOnlyFieldListFilter),
        ("allocations__year_from", admin.AllValuesFieldListFilter),
    ]
    search_fields = ["name_folded", "code"]
    autocomplete_fields = ["plan", "section", "project"]
    inlines = [AllocationInline, DisbursementInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                planned_total=line_total(Allocation), disbursed_total=line_total(Disbursement)
            )
        )

    @admin.display(description=_("planned (million VND)"), ordering="planned_total")
    def planned(self, line):
        return line.planned_total

    @admin.display(description=_("disbursed (million VND)"), ordering="disbursed_total")
    def disbursed(self, line):
        return line.disbursed_total


@admin.register(Allocation)
class AllocationAdmin(StreamedExportMixin, ProvinceScopedMixin, SimpleHistoryAdmin):
    province_field = "line__plan__province"
    resource_classes = [
        natural_key_resource(Allocation, ["line", "year_from", "year_to", "source"])
    ]
    list_display = ["line", "plan", "year_from", "year_to", "source", "amount", "amount_printed"]
    list_select_related = ["line", "line__plan", "source"]
    list_filter = [
        ("line__plan__province", admin.RelatedOnlyFieldListFilter),
        ("line__plan", admin.RelatedOnlyFieldListFilter),
        ("line__sector", admin.RelatedOnlyFieldListFilter),
        "year_from",
        "source",
    ]
    search_fields = ["line__name_folded", "line__code"]
    autocomplete_fields = ["line"]

    @admin.display(description=_("plan"), ordering="line__plan")
    def plan(self, allocation):
        return allocation.line.plan


@admin.register(Disbursement)
class DisbursementAdmin(StreamedExportMixin, ReadOnlyFigureMixin, SimpleHistoryAdmin):
    province_field = "line__plan__province"
    plan_field = "line__plan"
    entry_url_name = "budgets:entry"
    resource_classes = [natural_key_resource(Disbursement, ["line", "year", "source"])]
    list_display = ["line", "plan", "year", "source", "amount", "status", "entered_by"]
    list_select_related = ["line", "line__plan", "source", "entered_by"]
    list_filter = [
        ("line__plan__province", admin.RelatedOnlyFieldListFilter),
        ("line__plan", admin.RelatedOnlyFieldListFilter),
        ("line__sector", admin.RelatedOnlyFieldListFilter),
        "year",
        "source",
        "status",
    ]
    search_fields = ["line__name_folded", "line__code"]
    autocomplete_fields = ["line"]
    readonly_fields = ["entered_by", "entered_at", "updated_at", "version"]

    @admin.display(description=_("plan"), ordering="line__plan")
    def plan(self, disbursement):
        return disbursement.line.plan


@admin.register(StatedTotal)
class StatedTotalAdmin(StreamedExportMixin, ProvinceScopedMixin, SimpleHistoryAdmin):
    resource_classes = [natural_key_resource(StatedTotal, ["plan", "code"])]
    list_display = ["label", "plan", "year_from", "year_to", "source", "amount", "phrase"]
    list_select_related = ["plan", "source"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "plan__title_folded"]
    autocomplete_fields = ["plan", "section"]

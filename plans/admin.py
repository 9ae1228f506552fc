from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator
from plans.admin_mixins import (
    FoldedSearchMixin,
    ProvinceScopedMixin,
    ReadOnlyFigureMixin,
    StreamedExportMixin,
    StreamedImportExportMixin,
    VietnameseInputMixin,
)
from plans.models import (
    Agency,
    Membership,
    Plan,
    PlanYear,
    Project,
    Province,
    Responsibility,
    Section,
    Sector,
    WorkProgress,
)
from plans.resources import natural_key_resource
from plans.roles import ADMIN


class ProvinceMapFilter(admin.SimpleListFilter):
    """Today's 34 units, or the provinces that ended on a merger."""

    title = _("map")
    parameter_name = "map"

    def lookups(self, request, model_admin):
        return [("current", _("Units of today")), ("ended", _("Merged into another"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "ended":
            return queryset.filter(successor__isnull=False)
        return queryset


@admin.register(Province)
class ProvinceAdmin(StreamedImportExportMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    resource_classes = [natural_key_resource(Province, ["code"])]
    list_display = ["name", "code", "successor", "merged_on", "formed_on"]
    list_select_related = ["successor"]
    list_filter = [ProvinceMapFilter]
    search_fields = ["name_folded", "code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["successor"]


@admin.register(Agency)
class AgencyAdmin(StreamedImportExportMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    resource_classes = [natural_key_resource(Agency, ["code"])]
    list_display = ["name", "short_name", "kind", "province", "successor"]
    list_select_related = ["province", "successor"]
    list_filter = ["kind", ("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name_folded", "code"]
    autocomplete_fields = ["province", "successor"]


@admin.register(Sector)
class SectorAdmin(StreamedImportExportMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    resource_classes = [natural_key_resource(Sector, ["code"])]
    list_display = ["name", "code", "parent", "position"]
    list_select_related = ["parent"]
    search_fields = ["name_folded", "code"]
    ordering = ["position"]


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "code", "number", "title", "parent", "sector"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent", "sector")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only this plan's sections as parents, not every plan's.
        if db_field.name == "parent":
            plan_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(plan_id=plan_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class IndicatorInline(VietnameseInputMixin, admin.TabularInline):
    model = Indicator
    fields = ["position", "code", "name", "scope", "unit", "kind", "direction", "aggregation"]
    extra = 0
    show_change_link = True


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ["position", "code", "agency", "role", "duties"]
    extra = 0
    autocomplete_fields = ["agency"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency")


@admin.register(Plan)
class PlanAdmin(StreamedExportMixin, FoldedSearchMixin, ProvinceScopedMixin, SimpleHistoryAdmin):
    province_field = "province"
    resource_classes = [natural_key_resource(Plan, ["slug"])]
    list_display = [
        "title",
        "document_number",
        "province",
        "kind",
        "first_year",
        "last_year",
        "horizon_year",
        "status_today",
        "indicator_count",
    ]
    list_select_related = ["province", "superseded_by"]
    list_filter = ["kind", ("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_folded", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["province", "issuing_body", "superseded_by"]
    inlines = [SectionInline, IndicatorInline, ResponsibilityInline]
    readonly_fields = ["source_text"]
    fieldsets = [
        (
            None,
            {"fields": ["province", "kind", "document_number", "title", "slug"]},
        ),
        (
            _("Issue"),
            {"fields": ["issued_day", "issued_month", "issued_year", "issuing_body", "signer"]},
        ),
        (_("Period"), {"fields": ["first_year", "last_year", "horizon_year", "superseded_by"]}),
        (_("Reporting deadline"), {"fields": ["report_deadline_day", "report_deadline_month"]}),
        (_("Source"), {"fields": ["based_on", "source_file", "source_text"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(indicator_total=Count("indicators"))

    @admin.display(description=_("indicators"), ordering="indicator_total")
    def indicator_count(self, plan):
        return plan.indicator_total

    @admin.display(description=_("status"))
    def status_today(self, plan):
        return plan.status.label


@admin.register(Section)
class SectionAdmin(StreamedExportMixin, FoldedSearchMixin, ProvinceScopedMixin, SimpleHistoryAdmin):
    resource_classes = [natural_key_resource(Section, ["plan", "code"])]
    list_display = ["__str__", "code", "plan", "sector", "position"]
    list_select_related = ["plan", "sector"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        "sector",
    ]
    search_fields = ["title_folded", "code"]
    autocomplete_fields = ["plan", "parent"]


@admin.register(Project)
class ProjectAdmin(StreamedExportMixin, FoldedSearchMixin, ProvinceScopedMixin, SimpleHistoryAdmin):
    resource_classes = [natural_key_resource(Project, ["plan", "code"])]
    list_display = ["__str__", "plan", "parent", "lead_agency", "first_year", "last_year"]
    list_select_related = ["plan", "parent", "lead_agency"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name_folded", "code"]
    autocomplete_fields = ["plan", "parent", "lead_agency", "section"]


@admin.register(Responsibility)
class ResponsibilityAdmin(
    StreamedExportMixin, FoldedSearchMixin, ProvinceScopedMixin, SimpleHistoryAdmin
):
    resource_classes = [natural_key_resource(Responsibility, ["plan", "code"])]
    list_display = ["agency", "role", "plan", "short_duties"]
    list_select_related = ["agency", "plan"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        "role",
        "section__sector",
    ]
    search_fields = ["agency__name_folded", "code"]
    autocomplete_fields = ["plan", "agency", "section"]

    @admin.display(description=_("duties as printed"))
    def short_duties(self, responsibility):
        text = responsibility.duties
        return text if len(text) <= 120 else f"{text[:117]}…"


@admin.register(PlanYear)
class PlanYearAdmin(StreamedExportMixin, ReadOnlyFigureMixin, SimpleHistoryAdmin):
    plan_field = "plan"
    entry_url_name = "indicators:entry"
    resource_classes = [natural_key_resource(PlanYear, ["plan", "year"])]
    list_display = [
        "plan",
        "year",
        "status",
        "submitted_by",
        "reviewed_by",
        "reviewed_at",
        "deadline",
    ]
    list_select_related = ["plan", "submitted_by", "reviewed_by"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        "year",
        "status",
    ]
    search_fields = ["plan__title_folded"]
    autocomplete_fields = ["plan"]
    readonly_fields = ["submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]


@admin.register(WorkProgress)
class WorkProgressAdmin(StreamedExportMixin, ReadOnlyFigureMixin, SimpleHistoryAdmin):
    plan_field = "plan"
    entry_url_name = "plans:work-entry"
    resource_classes = [natural_key_resource(WorkProgress, ["plan", "year", "project", "duty"])]
    list_display = ["plan", "year", "project", "duty", "state", "disbursed", "status"]
    list_select_related = ["plan", "project", "duty", "duty__agency", "entered_by"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        "year",
        "state",
        "status",
    ]
    search_fields = ["plan__title_folded", "project__code", "duty__code"]
    readonly_fields = ["entered_by", "entered_at", "updated_at", "version"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["province"]


@admin.register(Membership)
class MembershipAdmin(StreamedExportMixin, SimpleHistoryAdmin):
    resource_classes = [natural_key_resource(Membership, ["user"])]
    list_display = ["user", "province"]
    list_select_related = ["user", "province"]
    list_filter = [("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username"]
    autocomplete_fields = ["user", "province"]


User = get_user_model()

# Fields that make a user more than their groups: only a superuser sees or sets them.
SUPERUSER_ONLY_FIELDS = {"is_superuser", "user_permissions"}


def admin_groups():
    """Return the groups whose members administer users: only a superuser grants them."""
    return Group.objects.filter(Q(name=ADMIN) | Q(permissions__content_type__app_label="auth"))


# Django stores a default permission's name in English ("Can add plan"), built from the model's
# untranslated verbose_name; the admin shows it as stored. These say it again in the language
# of the page.
DEFAULT_PERMISSION_NAMES = {
    "add": gettext_noop("Can add %(name)s"),
    "change": gettext_noop("Can change %(name)s"),
    "delete": gettext_noop("Can delete %(name)s"),
    "view": gettext_noop("Can view %(name)s"),
}


def model_name_shown(model) -> str:
    """Return the model's verbose name in the active language, history tables included."""
    original = getattr(model, "instance_type", None)  # a django-simple-history table
    if original is not None and model.__name__.startswith("Historical"):
        return gettext("historical %(name)s") % {"name": original._meta.verbose_name}
    return str(model._meta.verbose_name)


def permission_label(permission: Permission) -> str:
    """Return "app | model | permission" in the active language, as the admin lists it."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model that no longer exists
        return str(permission)
    action, _sep, model_name = permission.codename.partition("_")
    if action in DEFAULT_PERMISSION_NAMES and model_name == model._meta.model_name:
        name = gettext(DEFAULT_PERMISSION_NAMES[action]) % {"name": model_name_shown(model)}
    else:
        # Custom permissions (Meta.permissions) are stored under their msgid.
        name = gettext(permission.name)
    app = apps.get_app_config(content_type.app_label).verbose_name
    return f"{app} | {model_name_shown(model)} | {name}"


class TranslatedPermissionsMixin:
    """Show the permission widget's choices in the language of the page."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


class ProvinceUserAdmin(TranslatedPermissionsMixin, UserAdmin):
    """Users with the province they work for, edited on the same page."""

    inlines = [*UserAdmin.inlines, MembershipInline]
    list_display = [*UserAdmin.list_display, "province"]
    list_select_related = ["membership__province"]
    list_filter = [
        *UserAdmin.list_filter,
        ("membership__province", admin.RelatedOnlyFieldListFilter),
    ]

    def has_change_permission(self, request, obj=None):
        # Changing a superuser's password or groups would take their powers.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser or obj is None:
            return readonly
        # Nobody but a superuser changes their own groups, or takes an administrator's away.
        if obj.pk == request.user.pk or obj.groups.filter(pk__in=admin_groups()).exists():
            readonly.append("groups")
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(pk__in=admin_groups())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("province"), ordering="membership__province__name")
    def province(self, user):
        membership = getattr(user, "membership", None)
        return membership.province if membership else "—"


admin.site.unregister(User)
admin.site.register(User, ProvinceUserAdmin)


class TranslatedGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    """Django's group admin, its permissions listed in the language of the page."""


admin.site.unregister(Group)
admin.site.register(Group, TranslatedGroupAdmin)

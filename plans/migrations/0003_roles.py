"""Create the four roles as groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OUR_APPS = ("plans", "indicators", "budgets")
VIEW_OURS = [
    ("plans", "view_province"),
    ("plans", "view_agency"),
    ("plans", "view_sector"),
    ("plans", "view_plan"),
    ("plans", "view_section"),
    ("plans", "view_project"),
    ("plans", "view_responsibility"),
    ("plans", "view_planyear"),
    ("indicators", "view_indicatorconcept"),
    ("indicators", "view_indicator"),
    ("indicators", "view_target"),
    ("indicators", "view_actual"),
    ("budgets", "view_fundingsource"),
    ("budgets", "view_budgetline"),
    ("budgets", "view_allocation"),
    ("budgets", "view_disbursement"),
    ("budgets", "view_statedtotal"),
]
ROLES = {
    "Cán bộ nhập liệu": VIEW_OURS
    + [
        ("plans", "enter_figures"),
        ("indicators", "add_actual"),
        ("indicators", "change_actual"),
        ("budgets", "add_disbursement"),
        ("budgets", "change_disbursement"),
    ],
    "Lãnh đạo": VIEW_OURS + [("plans", "approve_figures")],
    "Lãnh đạo trung ương": VIEW_OURS + [("plans", "view_all_provinces")],
}
ADMIN_ROLE = "Quản trị"


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        ]
        group.permissions.set(permissions)
    admin, _ = Group.objects.get_or_create(name=ADMIN_ROLE)
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=[*OUR_APPS, "auth"])
    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[*ROLES, ADMIN_ROLE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_historicalplanyear_membership_planyear"),
        ("indicators", "0002_historicalactual_historicaltarget"),
        ("budgets", "0002_historicalallocation_historicaldisbursement"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

"""Create the four roles as groups with their permissions, as they were when this ran.

The permission lists are frozen here on purpose: importing plans.roles would let a later edit
of the roles silently rewrite what this old migration did. A change of roles is a new
migration; plans.roles.roles_ensure() recreates the current roles after a database flush.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = "Cán bộ nhập liệu"
LEADER = "Lãnh đạo"
NATIONAL = "Lãnh đạo trung ương"
ADMIN = "Quản trị"
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
ROLE_PERMISSIONS = {
    STAFF: VIEW_OURS
    + [
        ("plans", "enter_figures"),
        ("indicators", "add_actual"),
        ("indicators", "change_actual"),
        ("budgets", "add_disbursement"),
        ("budgets", "change_disbursement"),
    ],
    LEADER: VIEW_OURS + [("plans", "approve_figures")],
    NATIONAL: VIEW_OURS + [("plans", "view_all_provinces")],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codenames
            ]
        )
    admin, _created = Group.objects.get_or_create(name=ADMIN)
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=[*OUR_APPS, "auth"])
    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[*ROLE_PERMISSIONS, ADMIN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_historicalplanyear_membership_planyear"),
        ("indicators", "0002_historicalactual_historicaltarget"),
        ("budgets", "0002_historicalallocation_historicaldisbursement"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

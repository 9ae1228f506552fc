"""Create the four roles as groups with their permissions (plans/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from plans.roles import ADMIN, ROLE_PERMISSIONS, roles_sync


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


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

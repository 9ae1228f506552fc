"""Every role may see the progress of projects and duties; the administrator role holds all
its permissions (plans/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ("Cán bộ nhập liệu", "Lãnh đạo", "Lãnh đạo trung ương")
ADMIN = "Quản trị"


def grant(apps, schema_editor):
    config = apps.get_app_config("plans")
    config.models_module = True  # create_permissions skips an app without models
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(
        content_type__app_label="plans", content_type__model="workprogress"
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*ours.filter(codename="view_workprogress"))
    for group in Group.objects.filter(name=ADMIN):
        group.permissions.add(*ours)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0019_work_progress"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

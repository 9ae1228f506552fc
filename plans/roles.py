"""The four roles, as groups with their permissions, as they are today.

Migration 0003 created them from its own frozen copy; a change here needs a new data migration
(tests/plans/test_roles.py fails until one applies it). `roles_ensure()` recreates them where
they were lost, e.g. after a test database flush."""

OUR_APPS = ("plans", "indicators", "budgets")
STAFF = "Cán bộ nhập liệu"
LEADER = "Lãnh đạo"
NATIONAL = "Lãnh đạo trung ương"
ADMIN = "Quản trị"

VIEW_OURS = [
    ("plans", "view_province"),
    ("plans", "view_agency"),
    ("plans", "view_sector"),
    ("plans", "view_plan"),
    ("plans", "view_section"),
    ("plans", "view_project"),
    ("plans", "view_responsibility"),
    ("plans", "view_planyear"),
    ("plans", "view_workprogress"),
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


def roles_sync(group_model, permission_model) -> None:
    """Create or update the role groups; works with real or migration-state models."""
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.set(
            [
                permission_model.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codenames
            ]
        )
    admin, _created = group_model.objects.get_or_create(name=ADMIN)
    admin.permissions.set(
        permission_model.objects.filter(content_type__app_label__in=[*OUR_APPS, "auth"])
    )


def roles_ensure() -> None:
    """Recreate missing role groups (after a test database flush, for instance).

    A flush that skipped post_migrate also took the permissions and content types the roles
    are made of: those are created first, as `migrate` would.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes

    if (
        Group.objects.filter(name__in=[*ROLE_PERMISSIONS, ADMIN]).count()
        < len(ROLE_PERMISSIONS) + 1
    ):
        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
            create_permissions(app_config, verbosity=0)
        roles_sync(Group, Permission)

"""Writes that span rows: loading the seed plans, creating the demo accounts."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from plans.models import Plan

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SOURCES_DIR = FIXTURES_DIR / "sources"


def seed_fixture_paths() -> list[Path]:
    """Return every fixture file in `fixtures/`, reference data first (files sort by prefix)."""
    return sorted(FIXTURES_DIR.glob("*.yaml"))


@transaction.atomic
def seed_plans_load(*, verbosity: int = 0) -> int:
    """Load every fixture and attach each plan's source text; return the number of plans.

    Fixtures use natural keys, so loading twice updates rows instead of duplicating them.
    Source texts live as plain files under fixtures/sources/ because a 60 KB document does not
    belong in a fixture a reviewer corrects by hand.
    """
    paths = seed_fixture_paths()
    if paths:
        call_command("loaddata", *[str(path) for path in paths], verbosity=verbosity)
    for plan in Plan.objects.exclude(source_file=""):
        text = (SOURCES_DIR / plan.source_file).read_text(encoding="utf-8")
        if plan.source_text != text:
            plan.source_text = text
            plan.save(update_fields=["source_text"])
    return Plan.objects.count()


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


DEMO_ACCOUNTS = [
    DemoAccount("admin", "admin-ictplan", "Quản trị (superuser)"),
]


@transaction.atomic
def demo_accounts_ensure() -> list[DemoAccount]:
    """Create the demo accounts that are missing, reset their passwords; return them all."""
    users = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, _created = users.objects.get_or_create(username=account.username)
        user.is_staff = user.is_superuser = True
        user.set_password(account.password)
        user.save()
    return DEMO_ACCOUNTS

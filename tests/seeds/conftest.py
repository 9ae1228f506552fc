import pytest
from django.db import transaction

from plans.services import seed_plans_load


@pytest.fixture(scope="package")
def seeded(django_db_setup, django_db_blocker):
    """Load every fixture once for the package, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            seed_plans_load()
            yield
            transaction.set_rollback(True)

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Hashing with PBKDF2 dominates test time; the hasher itself is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last.

    They need live_server, so their database is flushed after each one; tests after them
    would find the rows migrations create (roles, the 'chung' funding source) gone.
    """
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path).replace("\\", "/"))

import pytest


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in the portal's language, whatever the request before it switched to.

    A request in English leaves English active in the thread after it; a test that reads a
    translated string without a request of its own would then see English.
    """
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


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

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Hashing with PBKDF2 dominates test time; the hasher itself is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

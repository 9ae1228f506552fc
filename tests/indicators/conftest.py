"""Fixtures of the evidence tests: the permission world, logging in as one of its users, and a
temporary MEDIA_ROOT for the files they write."""

import pytest

from tests.plans.conftest import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def media(settings, tmp_path):
    """Write every evidence file under a temporary MEDIA_ROOT, removed after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT

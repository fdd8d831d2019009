"""Shared pytest fixtures: the cast (a small org tree and one user per role)."""

from __future__ import annotations

import pytest

from tests.factories import Cast, build_cast


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (lock-out counters, rate limits)."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_configure(config):
    from django.conf import settings

    # Hashing is deliberately slow in production; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

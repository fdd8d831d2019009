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

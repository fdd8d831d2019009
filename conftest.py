"""Shared pytest fixtures: the cast (a small org tree and one user per role)."""

from __future__ import annotations

import pytest

from tests.factories import Cast, build_cast

# needs_tools marker: a check skipped for a missing program is reported at the end (fails under CI)
pytest_plugins = ["tests.tool_checks"]


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (lock-out counters, rate limits)."""
    _clear_cache()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the site's default language. A request made in English by the
    test client leaves English active in the thread (LocaleMiddleware activates, nothing
    deactivates), which would turn the next test's messages English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _clear_cache() -> None:
    """Empty the cache. On Redis only this run's keys go (KEY_PREFIX): FLUSHDB would also wipe
    whatever else shares the database."""
    from django.conf import settings
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache") and prefix:
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def pytest_configure(config):
    from django.conf import settings

    # Hashing is deliberately slow in production; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _evidence_files_in_tmp(settings, tmp_path_factory):
    """Uploaded files and partial uploads of a test go to a temporary folder, never var/."""
    root = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = root / "media"
    settings.UPLOAD_PARTIAL_DIR = root / "uploads-partial"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "media"), "base_url": None},
        },
    }

"""Every URL pattern × every role: the status each must get (see tests/access.py).

About 1,500 cases, so the expensive part is shared the way Django's ``setUpTestData`` shares it:
the cast is built once for the module inside a transaction, each row's ``args`` (often publishing
the 2021 campaign) run once for the row's ten roles inside a savepoint, and each role's request
runs in its own savepoint (the usual ``db`` fixture), so every request still starts from the state
its row built, and nothing survives the row. Each row gets a deep copy of the cast (a row that
changes an instance in memory does not leak into the next) and its own folder for uploaded files.
``data`` is built afresh for each request (an upload is read once)."""

from __future__ import annotations

import copy
import importlib
import pkgutil

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import safetymonth
from tests.access import ROLES, Row
from tests.factories import Cast, build_cast

# URL names that need no row: framework pages covered elsewhere.
EXEMPT: set[str] = set()


def _collect_rows() -> list[Row]:
    """``ACCESS`` of every ``safetymonth/<app>/tests/access.py`` and ``access_<part>.py`` (an app
    whose URLs are written by several hands may split its rows)."""
    rows: list[Row] = []
    for mod in pkgutil.iter_modules(safetymonth.__path__):
        try:
            tests_pkg = importlib.import_module(f"safetymonth.{mod.name}.tests")
        except ModuleNotFoundError:
            continue
        for sub in sorted(pkgutil.iter_modules(tests_pkg.__path__), key=lambda m: m.name):
            if sub.name == "access" or sub.name.startswith("access_"):
                rows.extend(importlib.import_module(f"{tests_pkg.__name__}.{sub.name}").ACCESS)
    return rows


ROWS = _collect_rows()


def _all_url_names(resolver=None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _all_url_names(p, ns)
        elif isinstance(p, URLPattern):
            if p.name:
                names.add(prefix + p.name)
            else:
                names.add(f"<unnamed {prefix}{p.pattern}>")
    return names


def test_every_url_has_a_row():
    listed = {row.url_name for row in ROWS}
    missing = sorted(_all_url_names() - listed - EXEMPT)
    assert not missing, f"URL patterns without an access-matrix row: {missing}"


@pytest.fixture
def _evidence_files_in_tmp():
    """Replaces the root conftest's per-test folder: the files of a row live in the row's folder
    (``prepared``), made before the role's test starts."""


@pytest.fixture(scope="module")
def matrix_cast(django_db_setup, django_db_blocker) -> Cast:
    """The cast, built once for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_cast()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def prepared(row: Row, matrix_cast: Cast, django_db_blocker, tmp_path_factory) -> tuple[Cast, str]:
    """The row's state, built once for its roles inside a savepoint rolled back after them: a copy
    of the cast and the URL (``args`` run here)."""
    root = tmp_path_factory.mktemp("matrix-files")
    storages = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root / "media"), "base_url": None},
    }
    from django.conf import settings

    files = override_settings(
        MEDIA_ROOT=root / "media",
        UPLOAD_PARTIAL_DIR=root / "uploads-partial",
        STORAGES={**settings.STORAGES, "default": storages},
    )
    with files, django_db_blocker.unblock(), transaction.atomic():
        cast = copy.deepcopy(matrix_cast)
        yield cast, reverse(row.url_name, args=row.args(cast)) + row.query
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.url_name}{'-' + r.note if r.note else ''}", scope="module")
def test_access(client, db, prepared: tuple[Cast, str], row: Row, role: str):
    cast, url = prepared
    if role != "anonymous":
        client.force_login(cast.users_by_role()[role])
    data = row.data(cast) if row.data else {}
    response = getattr(client, row.method)(url, data)
    expected = row.expect[role]
    assert response.status_code == expected, (
        f"{row.method.upper()} {url} as {role}: got {response.status_code}, expected {expected}"
    )
    if role == "anonymous" and expected == 302 and not row.public:
        assert reverse("accounts:login") in response["Location"]

"""Every URL pattern × every role: the status each must get (see tests/access.py)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import safetymonth
from tests.access import ROLES, Row

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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.url_name}{'-' + r.note if r.note else ''}")
def test_access(client, cast, row: Row, role: str):
    if role != "anonymous":
        client.force_login(cast.users_by_role()[role])
    url = reverse(row.url_name, args=row.args(cast)) + row.query
    data = row.data(cast) if row.data else {}
    response = getattr(client, row.method)(url, data)
    expected = row.expect[role]
    assert response.status_code == expected, (
        f"{row.method.upper()} {url} as {role}: got {response.status_code}, expected {expected}"
    )
    if role == "anonymous" and expected == 302 and not row.public:
        assert reverse("accounts:login") in response["Location"]

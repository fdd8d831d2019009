"""Hostile query values never give a 500 (issue 11, item 6).

Every GET URL of the access matrix (the rows of every app's ``tests/access.py``) is requested as an
office user with hostile values — NUL, 5,000 digits, ``../``, unicode digits, negative and huge
numbers, SQL and markup, and arrays (a parameter repeated) — for every query parameter the views
read. The parameter names are found in the code itself: ``request.GET.get("x")`` / ``request.GET["x"]``
and the fields of every form bound to ``request.GET``, so a new parameter is walked without editing
this test."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import NoReverseMatch, reverse

from tests.test_access_matrix import ROWS

SAFETYMONTH = Path(__file__).resolve().parent.parent / "safetymonth"

HOSTILE = [
    "\x00",
    "1\x00",
    "9" * 5000,
    "../../../etc/passwd",
    "１２３",  # full-width digits: str.isdigit() says yes, int() agrees, the database may not
    "٣",
    "-1",
    "-99999999999999999999999999",
    "99999999999999999999999999",
    "1e400",
    "NaN",
    "2026-13",
    "0000-00-00",
    "' OR 1=1 --",
    "<script>x</script>",
    "中文\u202e",
    "",
]


def _get_params() -> list[str]:
    """Names of the query parameters the views read."""
    names: set[str] = set()
    form_names: set[tuple[str, str]] = set()
    for path in SAFETYMONTH.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'request\.GET(?:\.get)?[(\[]"([A-Za-z_]+)"', text))
        module_name = ".".join(path.relative_to(SAFETYMONTH.parent).with_suffix("").parts)
        for form in re.findall(r"\b([A-Z]\w*Form)\(\s*(?:request\.GET|params\b)", text):
            form_names.add((module_name, form))
    for module_name, form in form_names:
        cls = getattr(importlib.import_module(module_name), form)
        assert issubclass(cls, forms.BaseForm)
        names |= set(cls.base_fields)
    return sorted(names)


PARAMS = _get_params()
GET_ROWS = [row for row in ROWS if row.method == "get"]


def test_the_walk_finds_the_parameters():
    # a sample of what the views read, so that a broken scan cannot pass silently
    assert {"page", "event", "month", "form", "campaign", "org", "counting", "q"} <= set(PARAMS)


@pytest.mark.parametrize("row", GET_ROWS, ids=lambda r: f"{r.url_name}{'-' + r.note if r.note else ''}")
def test_hostile_query_values_never_give_a_500(client, cast, row):
    client.force_login(cast.office)
    url = reverse(row.url_name, args=row.args(cast))
    for value in HOSTILE:
        response = client.get(url, dict.fromkeys(PARAMS, value))
        assert response.status_code < 500, f"{url} with every parameter = {value[:20]!r}: {response.status_code}"
    arrays = {name: ["1", "\x00", "9" * 5000] for name in PARAMS}
    response = client.get(url, arrays)
    assert response.status_code < 500, f"{url} with repeated parameters: {response.status_code}"
    # the ids in the path too (/accounts/users/<public_id>/ with a NUL in it), one at a time; parts
    # whose pattern refuses a NUL (slugs, numbers) never reach a view
    args = row.args(cast)
    for i, arg in enumerate(args):
        if not isinstance(arg, str):
            continue
        try:
            hostile = reverse(row.url_name, args=[*args[:i], f"{arg}\x00", *args[i + 1 :]])
        except NoReverseMatch:
            continue
        response = client.get(hostile)
        assert response.status_code < 500, f"{hostile}: {response.status_code}"

"""Mounts the API. Its views answer 401 JSON themselves (ninja auth), so the login redirect of
LoginRequiredMiddleware is switched off for them. The schema and its docs page keep the login
requirement: they hold no data but map every endpoint, and only signed-in users need them
(docs/security.md)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from safetymonth.api.api import api

SIGNED_IN_ONLY = {"openapi-json", "openapi-view"}


def _public_patterns(patterns: list) -> list:
    for p in patterns:
        if isinstance(p, URLResolver):
            _public_patterns(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name not in SIGNED_IN_ONLY:
            p.callback.login_required = False  # type: ignore[attr-defined]
    return patterns


urls = api.urls
_public_patterns(urls[0])

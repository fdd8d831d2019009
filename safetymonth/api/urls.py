"""Mounts the API. Its views answer 401 JSON themselves (ninja auth), so the login redirect of
LoginRequiredMiddleware is switched off for them; the schema and docs describe no data and are public."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from safetymonth.api.api import api


def _public_patterns(patterns: list) -> list:
    for p in patterns:
        if isinstance(p, URLResolver):
            _public_patterns(p.url_patterns)
        elif isinstance(p, URLPattern):
            p.callback.login_required = False  # type: ignore[attr-defined]
    return patterns


urls = api.urls
_public_patterns(urls[0])

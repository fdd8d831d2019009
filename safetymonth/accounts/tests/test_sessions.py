"""Sessions end after 30 idle minutes: a request pushes the expiry forward when the session was last
refreshed more than a minute ago (accounts.middleware.SessionRefreshMiddleware)."""

from __future__ import annotations

import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD


def _expire_in_cache_too(session_key: str) -> None:
    """With Redis (cached_db sessions) the cached copy expires by its TTL: drop it, as Redis would."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if hasattr(store, "cache_key"):
        caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key)


def test_idle_expiry_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # the middleware saves at most once a minute
    assert "safetymonth.accounts.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE


def _age_refresh_stamp(client, seconds: int) -> None:
    """Pretend the session was last refreshed ``seconds`` ago (the stamp lives in the session data)."""
    from safetymonth.accounts.middleware import REFRESHED_AT

    session = client.session
    session[REFRESHED_AT] = int(time.time()) - seconds
    session.save()


def test_session_expiry_age_after_login(client, cast):
    client.post(reverse("accounts:login"), {"username": "section", "password": PASSWORD})
    assert client.session.get_expiry_age() == 30 * 60
    stored = Session.objects.get(session_key=client.session.session_key)
    remaining = stored.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_a_request_a_minute_after_the_last_refresh_pushes_the_expiry_forward(client, cast):
    client.post(reverse("accounts:login"), {"username": "section", "password": PASSWORD})
    key = client.session.session_key
    _age_refresh_stamp(client, 61)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    _expire_in_cache_too(key)
    assert client.get(reverse("core:home")).status_code == 200
    remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert remaining > timedelta(minutes=29)


def test_requests_within_a_minute_do_not_write_the_session(client, cast):
    client.post(reverse("accounts:login"), {"username": "section", "password": PASSWORD})
    assert client.get(reverse("core:home")).status_code == 200
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    _expire_in_cache_too(key)  # the cached copy must not hide a write either
    assert client.get(reverse("core:home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == before
    assert client.get(reverse("core:home")).cookies.get(settings.SESSION_COOKIE_NAME) is None  # no Set-Cookie


def test_an_expired_session_is_signed_out(client, cast):
    client.post(reverse("accounts:login"), {"username": "section", "password": PASSWORD})
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    _expire_in_cache_too(key)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]

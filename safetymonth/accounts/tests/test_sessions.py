"""Sessions end after 30 idle minutes: every request pushes the expiry forward."""

from __future__ import annotations

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
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_expiry_age_after_login(client, cast):
    client.post(reverse("accounts:login"), {"username": "section", "password": PASSWORD})
    assert client.session.get_expiry_age() == 30 * 60
    stored = Session.objects.get(session_key=client.session.session_key)
    remaining = stored.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_each_request_pushes_the_expiry_forward(client, cast):
    client.post(reverse("accounts:login"), {"username": "section", "password": PASSWORD})
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    _expire_in_cache_too(key)
    assert client.get(reverse("core:home")).status_code == 200
    remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert remaining > timedelta(minutes=29)


def test_an_expired_session_is_signed_out(client, cast):
    client.post(reverse("accounts:login"), {"username": "section", "password": PASSWORD})
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    _expire_in_cache_too(key)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]

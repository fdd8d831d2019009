"""Abuse controls for the public tip pages, with nothing stored about the client but keyed hashes
in the cache that expire: rate limits per address, the proof-of-work challenge, duplicates.

The address is read from the request only to compute ``receipts.address_key`` (HMAC with the
secret key); neither it nor the hash is written to the database, the session or a log.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

from safetymonth.audit.context import client_ip
from safetymonth.lib import receipts

POW_SALT = "tipoffs.pow"
POW_MAX_AGE = 2 * 3600


def _key(request: HttpRequest, purpose: str) -> str:
    return "tips:" + purpose + ":" + receipts.address_key(client_ip(request) or "?", settings.SECRET_KEY, purpose)


def _hit(key: str, limit: int, seconds: int) -> bool:
    """Count one attempt; False once more than ``limit`` happened within the window."""
    if cache.add(key, 1, seconds):
        return limit >= 1
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        n = 1
    return n <= limit


def allow_tip(request: HttpRequest, with_pow: bool) -> bool:
    """A tip from this address within the hour's limit (stricter without the proof-of-work)."""
    if not _hit(_key(request, "tip"), settings.TIP_RATE_PER_HOUR, 3600):
        return False
    if not with_pow:
        return _hit(_key(request, "tip-nopow"), settings.TIP_RATE_PER_HOUR_NO_POW, 3600)
    return True


def receipt_blocked(request: HttpRequest) -> bool:
    return (cache.get(_key(request, "receipt")) or 0) >= settings.TIP_RECEIPT_FAILURES


def receipt_failed(request: HttpRequest) -> None:
    _hit(_key(request, "receipt"), settings.TIP_RECEIPT_FAILURES, 15 * 60)


def is_duplicate(request: HttpRequest, text: str) -> bool:
    """The same text from the same address within a day (remembered as one keyed hash)."""
    digest = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()
    key = _key(request, "dup") + ":" + receipts.address_key(digest, settings.SECRET_KEY, "dup-text")
    return not cache.add(key, 1, 24 * 3600)


def new_challenge() -> str:
    return signing.dumps(secrets.token_hex(8), salt=POW_SALT)


def pow_valid(challenge: str, nonce: str) -> bool:
    """The challenge is ours, recent and unused, and the nonce solves it."""
    try:
        signing.loads(challenge, salt=POW_SALT, max_age=POW_MAX_AGE)
    except signing.BadSignature:
        return False
    if not receipts.pow_ok(challenge, nonce, settings.TIP_POW_BITS):
        return False
    used = "tips:pow-used:" + hashlib.sha256(challenge.encode()).hexdigest()[:32]
    return bool(cache.add(used, 1, POW_MAX_AGE))

"""Fixed-window attempt counters in the configured cache (Redis in production, so every app server
counts together). Cheap: one ``add`` and one ``incr``, no database, no password hashing."""

from __future__ import annotations

from django.core.cache import cache


def count_attempt(key: str, window_seconds: int) -> int:
    """Count one attempt under ``key`` and return how many were made in the current window."""
    full = f"ratelimit:{key}"
    cache.add(full, 0, timeout=window_seconds)
    try:
        return cache.incr(full)
    except ValueError:  # the window ran out between add and incr
        cache.set(full, 1, timeout=window_seconds)
        return 1


def attempts(key: str) -> int:
    """How many attempts were counted under ``key`` in the current window (without counting one)."""
    return int(cache.get(f"ratelimit:{key}", 0))


def forget(key: str) -> None:
    cache.delete(f"ratelimit:{key}")

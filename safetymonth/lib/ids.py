"""Public identifiers: short, random, URL-safe, never sequential."""

from __future__ import annotations

import secrets

_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/1/i/l/o: easy to read aloud
ALPHABET = _ALPHABET  # also drawn from in SQL (reports.services.create_expected_reports)
DEFAULT_LENGTH = 12


def new_public_id(length: int = DEFAULT_LENGTH) -> str:
    """A random id of ``length`` characters (31**12 ≈ 7.9e17 values)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))

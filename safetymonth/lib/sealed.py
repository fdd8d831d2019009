"""Sealing personal data at rest: Fernet (AES-128-CBC + HMAC-SHA256) with key rotation.

``Sealer(keys)`` encrypts with the first key and decrypts with any of them (MultiFernet), so a
new key is put first, ``rotate`` re-encrypts old tokens, and the old key is dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SealError(ValueError):
    """A token that none of the keys opens (a wrong or dropped key)."""


class Sealer:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SealError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode() if text else ""

    def open(self, token: str) -> str:
        if not token:
            return ""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SealError("no key opens this token") from exc

    def rotate(self, token: str) -> str:
        return self._fernet.rotate(token.encode()).decode() if token else ""


def new_key() -> str:
    return Fernet.generate_key().decode()

"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative division (6
digits), organisation code (9), check character (1). The check character is computed over the first
17 characters with weights 3**i mod 31 from the 31-character alphabet below (no I, O, S, V, Z).
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


@dataclass(frozen=True)
class UsccProblem:
    """Why a code is refused; ``code`` is stable, ``position`` is 1-based where it applies."""

    code: str
    position: int | None = None
    expected: str | None = None
    found: str | None = None


def normalise(raw: str) -> str:
    """Strip blanks (also full-width) and upper-case; full-width letters and digits become ASCII."""
    out = []
    for ch in raw.strip():
        if ch in " \u3000\t":
            continue
        if "\uff01" <= ch <= "\uff5e":  # full-width ASCII block
            ch = chr(ord(ch) - 0xFEE0)
        out.append(ch.upper())
    return "".join(out)


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be valid alphabet characters)."""
    if len(first17) != 17:
        raise ValueError("need exactly 17 characters")
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(code: str) -> UsccProblem | None:
    """None when ``code`` (already normalised) is a well-formed code with the right check character."""
    if len(code) != 18:
        return UsccProblem("length", found=str(len(code)))
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return UsccProblem("character", position=pos, found=ch)
    if not code[2:8].isdigit():
        return UsccProblem("division", position=3)
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccProblem("check", position=18, expected=expected, found=code[17])
    return None


def complete(first17: str) -> str:
    """The full 18-character code for 17 characters (used to make demo and test data)."""
    return first17 + check_character(first17)

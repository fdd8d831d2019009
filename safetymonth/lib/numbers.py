"""Integers typed into a form's blanks, without Django: full-width digits, other scripts' digits,
and the plausible upper bounds of a count by its unit.

Chinese input methods type full-width digits (１２) as readily as ASCII ones; they are accepted and
stored as ASCII. Digits of other scripts (Arabic-Indic ١٢, Devanagari १२, …) are refused with their
own message rather than silently read (Python's ``int`` would accept them).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")

# Plausible bounds of one org's own figure for a month's campaign, by unit: (soft, hard). Above
# soft: a warning that needs a comment; above hard: refused. An indicator's definition may set its
# own (``soft_max``, ``max_value``).
UNIT_BOUNDS: dict[str, tuple[int, int]] = {
    "次": (1_000, 100_000),
    "场": (1_000, 100_000),
    "期": (1_000, 100_000),
    "篇": (1_000, 100_000),
    "个": (1_000, 100_000),
    "条": (5_000, 1_000_000),
    "处": (5_000, 1_000_000),
    "家": (5_000, 1_000_000),
    "份": (50_000, 10_000_000),
    "人": (100_000, 10_000_000),
    "人次": (100_000, 10_000_000),
}
# Without a known unit: no soft bound, and the hard bound of what is stored (a signed 64-bit
# integer would hold more; a count beyond ten billion is a typing error).
DEFAULT_HARD = 9_999_999_999


@dataclass(frozen=True)
class Parsed:
    value: int | None
    problem: str = ""  # "" (ok), "not_integer", "other_digits", "too_large", "too_small"


def normalise(text: str) -> str:
    """Full-width digits and signs as ASCII, surrounding blanks (also the ideographic space) gone."""
    return text.strip().strip("\u3000").translate(FULL_WIDTH)


def has_foreign_digits(text: str) -> bool:
    """Whether ``text`` holds a decimal digit of a script other than ASCII (after ``normalise``)."""
    return any(not c.isascii() and unicodedata.category(c) == "Nd" for c in text)


def bounds_for(unit: str, soft_max: int | None, max_value: int | None) -> tuple[int | None, int]:
    """(soft, hard) upper bounds: the definition's own, else the unit's defaults."""
    default_soft, default_hard = UNIT_BOUNDS.get(unit.strip(), (None, DEFAULT_HARD))
    hard = min(max_value, DEFAULT_HARD) if max_value is not None else default_hard
    soft = soft_max if soft_max is not None else default_soft
    if soft is not None and soft >= hard:
        soft = None
    return soft, hard


def parse_integer(text: str, *, minimum: int | None, hard: int) -> Parsed:
    """An integer typed as ``text`` (ASCII or full-width digits, optional sign) within bounds."""
    text = normalise(text)
    digits = text[1:] if text[:1] in "+-" else text
    if has_foreign_digits(text):
        return Parsed(None, "other_digits")
    if not digits or not digits.isascii() or not digits.isdigit():
        return Parsed(None, "not_integer")
    if len(digits) > len(str(hard)) + 1:  # far beyond: do not even build a huge int
        return Parsed(None, "too_large")
    number = int(text)
    if number > hard:
        return Parsed(None, "too_large")  # never stored: it would swell every roll-up
    if minimum is not None and number < minimum:
        return Parsed(number, "too_small")
    return Parsed(number)

"""Chinese telephone numbers: mobile (11 digits from 1[3-9]) or landline with area code."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}(?:-\d{1,6})?$")


def normalise(raw: str) -> str:
    """Remove blanks, full-width digits and brackets around the area code: (023)68083116 → 023-68083116."""
    s = "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in raw.strip())
    s = s.replace(" ", "").replace("\u3000", "").replace("－", "-").replace("—", "-")
    m = re.fullmatch(r"[（(](0\d{2,3})[)）]-?(\d+(?:-\d+)?)", s)
    if m:
        s = f"{m.group(1)}-{m.group(2)}"
    return s


def is_valid(number: str) -> bool:
    s = normalise(number)
    return bool(_MOBILE.match(s) or _LANDLINE.match(s))

"""One rule for every cell that leaves the application in a spreadsheet or CSV file: text that a
spreadsheet program would run as a formula is made inert (OWASP, CSV injection).

A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their full-width
forms ``＝ ＋ － ＠``, which Chinese input methods type and some spreadsheet programs read as the
same) gets a leading apostrophe: ``=HYPERLINK("http://…")`` is shown as the text
``'=HYPERLINK("http://…")`` and never evaluated. Numbers, dates, booleans and ``None`` are left as
they are, so figures stay numbers. The export writers (safetymonth/exports/writers.py) pass every
cell through :func:`neutralise`; see docs/exports.md. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def is_live(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """``value`` made safe for a cell: risky text gets a leading apostrophe; anything that is not
    text (numbers, dates, None, openpyxl cells handled by the caller) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]

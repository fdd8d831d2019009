"""Blanks in a form item's progress text (进展情况).

The paper text is stored with every blank replaced by ``[[indicator_code]]`` and the paper's own
punctuation kept around it::

    理论学习中心组学习（[[theory_study_sessions]]）次，参与（[[theory_study_participants]]）人次；

A yes/no blank (□是□否) is one marker too. ``split`` turns the text into segments — text, blank,
text, … — which the web form renderer and the xlsx/docx exports share, so that a box or a figure
stands exactly where the blank stood on paper. ``fill`` puts values into the blanks for documents.

Codes are snake_case: a lower-case letter, then lower-case letters, digits and ``_``. A literal
``[[`` or ``]]`` cannot appear in a progress text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

OPEN, CLOSE = "[[", "]]"
MARKER_RE = re.compile(r"\[\[([^\[\]]*)\]\]")
CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,59}")

YES_BOX, NO_BOX, CHECKED_BOX = "□", "□", "☑"


class Reason(StrEnum):
    UNCLOSED = "unclosed"  # "[[" without "]]"
    STRAY_CLOSE = "stray_close"  # "]]" without "[["
    BAD_CODE = "bad_code"  # "[[Not A Code]]"


class BlankError(ValueError):
    def __init__(self, reason: Reason, position: int, token: str = "") -> None:
        self.reason = reason
        self.position = position
        self.token = token
        super().__init__(f"{reason.value} at position {position}" + (f": {token!r}" if token else ""))


@dataclass(frozen=True)
class Text:
    text: str

    is_blank = False


@dataclass(frozen=True)
class Blank:
    code: str
    position: int  # of "[[" in the stored text

    is_blank = True


Segment = Text | Blank


def split(text: str) -> list[Segment]:
    """[Text, Blank, Text, …] for a progress text; raises BlankError on a malformed marker.

    Consecutive text is merged and empty text is left out, so two adjacent blanks give
    [Blank, Blank]."""
    segments: list[Segment] = []
    pos = 0
    for m in MARKER_RE.finditer(text):
        _check_plain(text, pos, m.start())
        code = m.group(1)
        if not CODE_RE.fullmatch(code):
            raise BlankError(Reason.BAD_CODE, m.start(), code)
        if m.start() > pos:
            segments.append(Text(text[pos : m.start()]))
        segments.append(Blank(code, m.start()))
        pos = m.end()
    _check_plain(text, pos, len(text))
    if pos < len(text):
        segments.append(Text(text[pos:]))
    return segments


def _check_plain(text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    i = chunk.find(OPEN)
    if i >= 0:
        raise BlankError(Reason.UNCLOSED, start + i, OPEN)
    i = chunk.find(CLOSE)
    if i >= 0:
        raise BlankError(Reason.STRAY_CLOSE, start + i, CLOSE)


def codes(text: str) -> list[str]:
    """The codes of the blanks in order (duplicates kept, so that callers can report them)."""
    return [s.code for s in split(text) if isinstance(s, Blank)]


def lines(segments: list[Segment]) -> list[list[Segment]]:
    """Segments grouped by the text's lines (a "\\n" inside a text segment starts a new line)."""
    out: list[list[Segment]] = [[]]
    for seg in segments:
        if isinstance(seg, Text):
            parts = seg.text.split("\n")
            for k, part in enumerate(parts):
                if k:
                    out.append([])
                if part:
                    out[-1].append(Text(part))
        else:
            out[-1].append(seg)
    return out


def yes_no(value: bool | None) -> str:
    """☑是□否, □是☑否, or □是□否 when not answered (as the paper prints it)."""
    return f"{CHECKED_BOX if value is True else YES_BOX}是{CHECKED_BOX if value is False else NO_BOX}否"


def default_format(code: str, value: object) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    return "" if value is None else str(value)


def fill(
    text: str,
    values: Mapping[str, object],
    formatter: Callable[[str, object], str] = default_format,
) -> str:
    """The progress text with each blank replaced by ``formatter(code, value)`` (missing → None).

    With the default formatter a number is written as is, True/False as ☑是□否/□是☑否, a missing
    value as nothing (so "（）"). Exports that know the indicators' kinds pass their own formatter,
    e.g. to print □是□否 for an unanswered yes/no blank."""
    return "".join(s.text if isinstance(s, Text) else formatter(s.code, values.get(s.code)) for s in split(text))

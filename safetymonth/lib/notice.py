"""The publish checklist of a campaign notice (通知), without Django.

A campaign copied from last year's keeps last year's texts: its 发文字号 and 成文日期 are emptied by
the copy, but the titles, the cited documents, the preamble and the Safety Month's ordinal
(全国第20个“安全生产月”) still speak of the source year. ``check_notice`` reads a definition as
data (``campaigns.services.campaign_to_data``) and returns what is missing or stale: errors block
publishing, warnings need a tick. The same checks run when a definition file is loaded.

Findings carry a code, the definition field and the values to name; the campaigns app turns them
into sentences (in Chinese, with the English catalogue).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"

# 机关代字〔年份〕序号号, e.g. 渡商发〔2021〕19号 (GB/T 9704: the year in hexagonal brackets, no leading 0).
DOC_NUMBER = re.compile(r"(?P<agency>[^\s〔〕\[\]［］]+)〔(?P<year>\d{4})〕(?P<n>[1-9]\d*)号")
# A year in a text: four digits not part of a longer number (2021年, 〔2021〕, 2021-06-02).
YEAR = re.compile(r"(?<![0-9])((?:19|20)\d\d)(?![0-9])")
# 第20个“安全生产月”, 第20个全国“安全生产月”, 第二十个安全生产月.
ORDINAL = re.compile(r"第(?P<n>[0-9]{1,3}|[〇零一二三四五六七八九十]{1,4})个[^，。；、\n第]{0,4}?安全生产月")
# The first national Safety Month was June 2002 (2021 was the 20th).
FIRST_SAFETY_MONTH_YEAR = 2002

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Finding:
    severity: str  # ERROR or WARNING
    code: str  # what is wrong, e.g. "doc_number_missing"
    where: str  # a definition path such as "doc_number" or "contents.2.text"
    params: Mapping[str, Any] = field(default_factory=dict)


def safety_month_ordinal(year: int) -> int:
    """The national Safety Month's ordinal in ``year``: 2021 → 20."""
    return year - FIRST_SAFETY_MONTH_YEAR + 1


def parse_cn_number(text: str) -> int | None:
    """ "20" → 20, "二十" → 20, "十九" → 19, "二十一" → 21; None when it is not a number."""
    if text.isascii() and text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        if tens and tens not in CN_DIGITS or ones and ones not in CN_DIGITS:
            return None
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    if all(c in CN_DIGITS for c in text):
        return int("".join(str(CN_DIGITS[c]) for c in text))
    return None


def _texts(data: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(field path, text) of every text of the notice that may name a year."""
    for key in ("title", "theme", "preamble", "approach", "contents_heading", "leadership_group_name", "closing"):
        if data.get(key):
            yield key, str(data[key])
    for i, doc in enumerate(data.get("cited_documents") or []):
        yield f"cited_documents.{i}", f"{doc.get('title', '')} {doc.get('doc_number', '')}"
    for key in ("contents", "requirements"):
        for i, row in enumerate(data.get(key) or []):
            yield f"{key}.{i}", f"{row.get('title', '')} {row.get('text', '')}"
    for i, period in enumerate(data.get("periods") or []):
        if period.get("note"):
            yield f"periods.{i}.note", str(period["note"])
    slogans = data.get("slogans") or {}
    for key in ("attachment_title", "heading", "note"):
        if slogans.get(key):
            yield f"slogans.{key}", str(slogans[key])
    for i, text in enumerate(slogans.get("items") or []):
        yield f"slogans.items.{i}", str(text)
    for i, form in enumerate(data.get("forms") or []):
        yield f"forms.{i}.title", str(form.get("title", ""))


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _deadline(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def check_notice(data: Mapping[str, Any], *, now: dt.datetime, tz: dt.tzinfo) -> list[Finding]:
    """The checklist of a campaign definition ``data`` at the aware moment ``now`` (dates compared
    in ``tz``, the campaign's local time zone). Errors first, then warnings, in notice order."""
    out: list[Finding] = []
    year = int(data.get("year") or 0)

    def error(code: str, where: str, **params: Any) -> None:
        out.append(Finding(ERROR, code, where, params))

    def warning(code: str, where: str, **params: Any) -> None:
        out.append(Finding(WARNING, code, where, params))

    number = str(data.get("doc_number") or "").strip()
    match = DOC_NUMBER.fullmatch(number)
    if not number:
        error("doc_number_missing", "doc_number", year=year)
    elif match is None:
        error("doc_number_format", "doc_number", value=number, year=year)
    elif int(match["year"]) != year:
        error("doc_number_year", "doc_number", value=number, found=int(match["year"]), year=year)

    issued = _date(data.get("issue_date"))
    if issued is None:
        error("issue_date_missing", "issue_date")
    if not data.get("issuing_org"):
        error("issuing_org_missing", "issuing_org")

    # every date of the notice lies in the campaign's year
    dates: list[tuple[str, dt.date | None]] = [
        ("issue_date", issued),
        ("printed_date", _date(data.get("printed_date"))),
    ]
    for i, period in enumerate(data.get("periods") or []):
        dates += [(f"periods.{i}.start", _date(period.get("start"))), (f"periods.{i}.end", _date(period.get("end")))]
    rounds = list(data.get("rounds") or [])
    deadlines = [(i, r, _deadline(r.get("deadline"), tz)) for i, r in enumerate(rounds)]
    dates += [(f"rounds.{i}.deadline", d.date() if d else None) for i, _r, d in deadlines]
    for where, day in dates:
        if day is not None and day.year != year:
            error("date_outside_year", where, value=day.isoformat(), year=year)

    # at least one round still open; a past year's campaign entered afterwards only warns
    # (a past year's campaign entered afterwards is allowed: its rounds' past deadlines only warn)
    if not any(d is not None and d > now for _i, _r, d in deadlines) and year >= now.astimezone(tz).year:
        error("no_future_deadline", "rounds", year=year)

    # leftovers of an earlier year
    for where, text in _texts(data):
        older = sorted({int(y) for y in YEAR.findall(text) if int(y) < year})
        if older:
            warning("earlier_year", where, years=older, year=year)
        for m in ORDINAL.finditer(text):
            n = parse_cn_number(m["n"])
            if n is not None and n != safety_month_ordinal(year):
                warning("ordinal", where, found=n, expected=safety_month_ordinal(year), year=year, text=m[0])
    out.sort(key=lambda f: f.severity != ERROR)
    return out

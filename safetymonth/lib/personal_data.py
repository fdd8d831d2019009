"""Find personal data in a text meant for the public (exposure cases): mobile and landline numbers,
resident ID numbers (GB 11643, 15 or 18 characters) and likely personal names (a common surname
followed by one or two characters, next to a title such as 先生/女士/经理 or after a label such as
负责人/联系人/姓名). Names are a heuristic and only warned about; numbers are certain enough to
refuse publication. No Django: unit-tested in tests/lib/test_personal_data.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PHONE = "phone"
ID_NUMBER = "id_number"
NAME = "name"

_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９Ｘｘ"}

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# mobile: 11 digits from 1[3-9], optionally +86 and spaced or dashed as 3-4-4
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
# landline with area code: 023-68083116, (023)68083116, 02368083116
_LANDLINE = re.compile(r"(?<!\d)(?:[(（]0\d{2,3}[)）]|0\d{2,3}-?)[ -]?[1-9]\d{6,7}(?!\d)")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_TITLES = "先生|女士|师傅|经理|老板|店长|主任|老师|同志"
_LABELS = "负责人|联系人|法定代表人|法人|店长|经理|员工|当事人|姓名|老板|业主|举报人"
_CJK = "[\u4e00-\u9fff]"
_NAME_TITLED = re.compile(rf"([{SURNAMES}]{_CJK}{{0,2}}?)(?:{_TITLES})")
_NAME_LABELLED = re.compile(rf"(?:{_LABELS})[：:为是\s]*([{SURNAMES}]{_CJK}{{1,2}})")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    line: int


def _id_valid(number: str) -> bool:
    if len(number) == 15:
        return number[:6].isdigit() and 1 <= int(number[8:10] or 0) <= 12
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def find(text: str) -> list[Finding]:
    """Every finding in ``text``, in order of position. An 18-digit run that fails the ID check
    character is still reported when it looks like a birth date sits in it (typos are personal data
    too)."""
    norm = text.translate(_FULLWIDTH)
    found: list[Finding] = []
    taken: list[range] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start in r or end - 1 in r for r in taken):
            return
        taken.append(range(start, end))
        found.append(Finding(kind, text[start:end], start, text.count("\n", 0, start) + 1))

    for m in _ID.finditer(norm):
        number = m.group(1)
        birth = number[6:14] if len(number) == 18 else "19" + number[6:12]
        plausible = birth[:2] in ("19", "20") and 1 <= int(birth[4:6]) <= 12 and 1 <= int(birth[6:8]) <= 31
        if _id_valid(number) or plausible:
            add(ID_NUMBER, m.start(1), m.end(1))
    for rx in (_MOBILE, _LANDLINE):
        for m in rx.finditer(norm):
            add(PHONE, m.start(), m.end())
    for m in _NAME_LABELLED.finditer(norm):
        add(NAME, m.start(1), m.end(1))
    for m in _NAME_TITLED.finditer(norm):
        add(NAME, m.start(1), m.end(1))
    return sorted(found, key=lambda f: f.start)

"""Checks shared by the org forms and the enterprise import: credit code and phone number.

Each ``clean_*`` takes what the user typed and returns the value to store, or raises a
``ValidationError`` whose message says exactly what is wrong, in the user's language.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safetymonth.lib import phone as phone_lib
from safetymonth.lib import uscc

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


def uscc_message(problem: uscc.UsccProblem) -> str:
    """The message for one kind of problem with a unified social credit code."""
    if problem.code == "length":
        return _("统一社会信用代码应为18位，填写的是%(n)s位。") % {"n": problem.found}
    if problem.code == "character":
        return _('统一社会信用代码第%(pos)s位"%(ch)s"不是有效字符：只能是数字和大写字母（不含 I、O、S、V、Z）。') % {
            "pos": problem.position,
            "ch": problem.found,
        }
    if problem.code == "division":
        return _("统一社会信用代码第3至8位应为6位数字的行政区划代码。")
    if problem.code == "check":
        return _('统一社会信用代码第18位校验码错误：按 GB 32100-2015 应为"%(expected)s"，填写的是"%(found)s"。') % {
            "expected": problem.expected,
            "found": problem.found,
        }
    return _("统一社会信用代码格式不正确。")


def clean_credit_code(raw: str | None) -> str | None:
    """The normalised code, None when left blank; ValidationError naming the problem otherwise."""
    code = uscc.normalise(raw or "")
    if not code:
        return None
    problem = uscc.validate(code)
    if problem is not None:
        raise ValidationError(uscc_message(problem), code=f"uscc_{problem.code}")
    return code


def credit_code_taken_message(user: User | None, holder: Org) -> str:
    """Who already uses a code: named only when the user may see that org."""
    from safetymonth.orgs.models import Org

    if user is not None and Org.objects.for_user(user).filter(pk=holder.pk).exists():
        return _('该统一社会信用代码已被"%(name)s"使用。') % {"name": holder.name}
    return _("该统一社会信用代码已被其他单位使用，请核对；如确有疑问，请联系活动办公室。")


def phone_message() -> str:
    return _("请填写手机号或带区号的固定电话，例如 13800138000 或 023-68083116。")


_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_LANDLINE = re.compile(r"(0\d{2,3})-?([1-9]\d{6,7})(-\d{1,6})?")


def canonical_phone(number: str) -> str:
    """One spelling per number: mobile as 11 digits, landline as 区号-号码[-分机].

    Area codes starting 01 or 02 have three digits (010, 023, ...), all others four."""
    s = phone_lib.normalise(number)
    m = _MOBILE.fullmatch(s)
    if m:
        return m.group(1)
    digits = s.replace("-", "")
    ext = ""
    parts = s.split("-")
    if len(parts) == 3 or (len(parts) == 2 and len(parts[0]) > 4):
        ext = "-" + parts[-1]
        digits = "".join(parts[:-1])
    area_len = 3 if digits[:2] in ("01", "02") else 4
    candidate = f"{digits[:area_len]}-{digits[area_len:]}{ext}"
    if _LANDLINE.fullmatch(candidate):
        return candidate
    return s


def clean_phone(raw: str | None) -> str:
    """The canonical number, "" when left blank; ValidationError with an example otherwise."""
    s = phone_lib.normalise(raw or "")
    if not s:
        return ""
    if not phone_lib.is_valid(s):
        raise ValidationError(phone_message(), code="phone")
    return canonical_phone(s)

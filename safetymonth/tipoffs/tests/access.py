"""Access rows for every tip-off URL × every role (see tests/access.py).

The public pages (/tips/) answer everyone without login. The handling pages (/tipoffs/) are the
tip handler's; a section's staff open only tips transferred to their section (matter only, never
the identity); everyone else gets 403 on the list and 404 on a tip (nothing leaks its existence).
"""

from __future__ import annotations

from safetymonth.tipoffs.tests.helpers import make_tip, tip_in
from tests.access import ROLES, Row, only, statuses


def _public(code: int = 200) -> dict[str, int]:
    return statuses(code, anonymous=code)


def _pending(cast):
    return [make_tip(cast)[0].public_id]


def _transferred(cast):
    return [tip_in(cast, "transferred").public_id]


def _tip_data(cast):
    return {
        "category": "illegal_fuel",
        "enterprise_name": "某流动加油车",
        "details": "有人在春晖路口用流动罐车卖散装柴油。",
        "consent": "on",
    }


def _receipt(cast):
    return {"code": "0000 0000 0000 0000"}


HANDLES = ["tip_handler"]
_404 = dict.fromkeys([r for r in ROLES if r not in ("anonymous", "tip_handler")], 404)

ACCESS = [
    Row("tips:new", _public(), public=True),
    Row("tips:new", _public(201), method="post", data=_tip_data, note="post", public=True),
    Row("tips:enterprises", _public(), query="?q=大渡口", public=True),
    Row("tips:follow", _public(), public=True),
    Row("tips:follow", _public(), method="post", data=_receipt, note="post, a wrong code", public=True),
    Row("tips:status", _public(302), public=True, note="no receipt in the session: back to the login"),
    Row("tips:logout", _public(302), method="post", public=True),
    Row("tipoffs:list", only(HANDLES + ["section_staff", "other_section_staff"])),
    Row("tipoffs:detail", only(HANDLES, **_404), args=_pending, note="pending"),
    Row(
        "tipoffs:detail",
        only(HANDLES + ["section_staff"], **{**_404, "section_staff": 200}),
        args=_transferred,
        note="transferred: the section reads the matter",
    ),
    Row(
        "tipoffs:act",
        only(HANDLES, ok=302, **{**_404, "section_staff": 403}),
        args=_transferred,
        method="post",
        data=lambda cast: {"action": "start"},
    ),
    Row(
        "tipoffs:convert",
        only(HANDLES, **_404),
        args=_pending,
        method="post",
        note="pending: the form answers why not",
    ),
    Row("tipoffs:reveal", only(HANDLES, **_404), args=_pending),
    Row(
        "tipoffs:reveal",
        only(HANDLES, **{**_404, "section_staff": 403}),
        args=_transferred,
        method="post",
        data=lambda cast: {"reason": "核实举报内容需要联系举报人"},
        note="post; the transferred section may not",
    ),
]

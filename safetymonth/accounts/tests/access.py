"""Access rows for every accounts URL (see tests/access.py).

The office manages users of its own subtree: the office of another authority can open the pages
but finds none of our users (404); roles without the permission are refused (403)."""

from tests.access import Row, only, statuses

MANAGERS = ["office", "other_office"]


def _target(c):
    return [c.section_staff.public_id]


def _managed(ok: int) -> dict[str, int]:
    return only(["office"], ok=ok, other_office=404)


ACCESS = [
    Row("accounts:login", statuses(302, anonymous=200), public=True, note="signed-in users go home"),
    Row("accounts:login_otp", statuses(302, anonymous=302), public=True, note="no password step pending: to login"),
    Row("accounts:otp_setup", statuses(200)),
    Row("accounts:otp_reset", _managed(302), args=_target, method="post"),
    Row("accounts:logout", statuses(302), method="post"),
    Row("accounts:logout", statuses(405), note="get refused"),
    Row("accounts:password_change", statuses(200)),
    Row("accounts:user_list", only(MANAGERS)),
    Row("accounts:user_create", only(MANAGERS)),
    Row("accounts:user_detail", _managed(200), args=_target),
    Row("accounts:user_edit", _managed(200), args=_target),
    Row(
        "accounts:membership_add",
        _managed(302),
        args=_target,
        method="post",
        data=lambda c: {"org": c.section.public_id, "role": "leader"},
    ),
    Row(
        "accounts:membership_remove",
        _managed(302),
        args=_target,
        method="post",
        data=lambda c: {"org": c.section.public_id, "role": "section_staff"},
    ),
    Row("accounts:password_reset", _managed(200), args=_target),
    Row("accounts:user_set_active", _managed(302), args=_target, method="post", data=lambda c: {"active": "0"}),
    Row("accounts:user_unlock", _managed(302), args=_target, method="post"),
]

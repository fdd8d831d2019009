"""Tips for the tests, the access rows and the browser test."""

from __future__ import annotations

from typing import Any

from safetymonth.tipoffs import services
from safetymonth.tipoffs.models import TipOff

REPORTER_NAME = "王小明"
REPORTER_PHONE = "13912345678"
REPORTER_ID = "11010519491231002X"


def make_tip(cast: Any = None, *, enterprise_name: str = "大渡口示例加油站", **fields: Any) -> tuple[TipOff, str]:
    """A tip about the cast's enterprise (through the service), with a reporter's identity."""
    data = {
        "category": "major_hazard",
        "enterprise_name": enterprise_name,
        "details": "加油站夜间在罩棚下违规卸油，现场没有静电接地。",
        "address": "大渡口区春晖路1号",
        "is_employee": True,
        "name": REPORTER_NAME,
        "phone": REPORTER_PHONE,
        "id_number": REPORTER_ID,
    }
    data.update(fields)
    return services.submit_tip(services.NewTip(**data), pow_checked=True, duplicate=False)


def tip_in(cast: Any, status: str) -> TipOff:
    """A tip moved by the services up to ``status`` (pending, accepted, transferred, verified, closed)."""
    tip, _code = make_tip(cast)
    h = cast.tip_handler
    if status == "pending":
        return tip
    services.accept_tip(h, tip)
    if status == "accepted":
        return tip
    import datetime as dt

    from django.utils import timezone

    services.transfer_tip(h, tip, cast.section, timezone.localdate() + dt.timedelta(days=20))
    if status == "transferred":
        return tip
    services.record_verification(h, tip, "true", "现场核实属实")
    if status == "verified":
        return tip
    services.close_tip(h, tip, "已责令整改并立案处罚。")
    return tip

"""The demo's tip-offs: one awaiting acceptance (anonymous), one accepted with a question to the
reporter, one transferred to the enterprise's section, and one verified, converted into a hazard
and closed — all through the services (history and audit included). Identities are invented.
Running ``load_demo`` again adds nothing (the demo enterprise's tips are looked for first)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safetymonth.accounts.models import User
from safetymonth.hazards.demo import ENTERPRISE
from safetymonth.hazards.models import HazardCategory
from safetymonth.orgs.models import Org
from safetymonth.tipoffs import services
from safetymonth.tipoffs.models import TipOff

# (category, details, employee, name, phone, target state)
TIPS: list[tuple[str, str, bool, str, str, str]] = [
    ("violation", "晚上加油站员工在加油区抽烟，没人制止。", False, "", "", "pending"),
    ("major_hazard", "卸油时不接静电接地线，站长说赶时间。", True, "陈明", "13983000001", "accepted"),
    ("illegal_fuel", "站外有人用塑料桶给摩托车卖散装汽油。", False, "", "13983000002", "transferred"),
    ("major_hazard", "便利店后门的安全出口被货物堵死，锁也打不开。", True, "刘芳", "13983000003", "closed"),
]


def load_demo_tips(demo: Any) -> None:
    org = Org.objects.filter(name=ENTERPRISE).first()
    handler = User.objects.filter(username="tips").first()
    if org is None or handler is None or org.parent is None:
        return
    if TipOff.objects.filter(org=org).exists():
        demo.existing["tipoff"] += TipOff.objects.filter(org=org).count()
        return
    for category, details, employee, name, phone, state in TIPS:
        tip, _code = services.submit_tip(
            services.NewTip(
                category=category,
                enterprise_name=ENTERPRISE,
                details=details,
                is_employee=employee,
                name=name,
                phone=phone,
            ),
            pow_checked=True,
            duplicate=False,
        )
        demo.created["tipoff"] += 1
        if state == "pending":
            continue
        services.accept_tip(handler, tip)
        if state == "accepted":
            services.add_handler_message(handler, tip, "请问大概是几点？有没有照片？")
            continue
        services.transfer_tip(handler, tip, org.parent, timezone.localdate() + dt.timedelta(days=14))
        if state == "transferred":
            continue
        services.start_verification(handler, tip)
        services.record_verification(handler, tip, "true", "现场检查属实")
        services.convert_tip_to_hazard(
            handler,
            tip,
            category=HazardCategory.objects.get(code="evacuation"),
            level="general",
            place="便利店后门",
            description="便利店后门安全出口被货物堵塞并上锁（举报核实）",
        )
        services.close_tip(handler, tip, "经核查属实，已责令立即清理并纳入隐患台账跟踪整改。感谢您的举报。")

"""The demo's hazard ledger: hazards of the demo enterprise (春晖路加油站) in every state — one
registered, one rectifying, one awaiting verification, one overdue, a major one under its six-part
plan and supervised, two closed — and two published exposure cases. Everything goes through the
services (history and audit included); each hazard is found by its org and description, so running
``load_demo`` again adds nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from safetymonth.accounts.models import User
from safetymonth.hazards import services
from safetymonth.hazards.models import ExposureCase, FoundBy, Hazard, HazardCategory, HazardLevel
from safetymonth.orgs.models import Org

ENTERPRISE = "重庆渡口石油有限公司春晖路加油站"
PLAN = {
    "plan_goal": "消除地下储油罐渗漏风险，恢复双层罐泄漏监测",
    "plan_methods": "清罐检测，更换渗漏监测仪，修复防渗池",
    "plan_funding": "企业自筹 8 万元，物资由供应商 7 日内到货",
    "plan_people": "站长负责，安全员和设备员配合，维修单位施工",
    "plan_timing": "60 日内完成，施工期间停用该罐",
    "plan_safety": "施工区域隔离、动火审批、现场配备灭火器和吸油毡，制定渗漏应急处置预案",
}

# (description, place, category code, level, day of June 2021, deadline: "far", "past" or None, target state)
HAZARDS: list[tuple[str, str, str, str, int, str | None, str]] = [
    ("卸油口静电接地报警器失灵", "卸油区", "fuel", HazardLevel.GENERAL, 8, None, "registered"),
    ("配电室电缆沟盖板缺失，线路老化", "配电室", "electric", HazardLevel.GENERAL, 9, "far", "rectifying"),
    ("便利店安全出口堆放货物", "便利店", "evacuation", HazardLevel.GENERAL, 10, "far", "awaiting"),
    ("加油机下方油气回收管线渗漏", "3号加油岛", "fuel", HazardLevel.GENERAL, 11, "past", "rectifying"),
    ("2号地下储油罐泄漏监测仪失效", "罐区", "fuel", HazardLevel.MAJOR, 12, "far", "supervised"),
    ("灭火器压力不足且过期未检", "加油区", "fire", HazardLevel.GENERAL, 14, "far", "closed"),
    ("员工宿舍私拉电线给电动车充电", "员工宿舍", "electric", HazardLevel.GENERAL, 15, "far", "closed"),
]
CASES = [
    (
        "员工宿舍私拉电线给电动车充电",
        "某加油站员工宿舍私拉电线为电动自行车充电",
        "检查发现员工宿舍私拉电线为电动自行车充电，存在火灾风险。已责令立即拆除，设置集中充电点，整改已验收。",
    ),
    (
        "灭火器压力不足且过期未检",
        "某加油站灭火器过期未检",
        "加油区多具灭火器压力不足且超过检验期限。企业已全部更换并建立月检记录，整改已验收。",
    ),
]


def load_demo_hazards(demo: Any) -> None:
    HazardCategory.ensure_defaults()  # as the industries: the demo never depends on a migration's rows
    org = Org.objects.filter(name=ENTERPRISE).first()
    owner = User.objects.filter(username="enterprise").first()
    section = User.objects.filter(username="section").first()
    office = User.objects.filter(username="office").first()
    if org is None or owner is None or section is None or office is None:
        return
    today = timezone.localdate()
    for description, place, cat, level, day, deadline, state in HAZARDS:
        if Hazard.objects.filter(org=org, description=description).exists():
            demo.existing["hazard"] += 1
            continue
        found = dt.date(2021, 6, day)
        hazard = services.register_hazard(
            owner,
            org,
            found_by=FoundBy.SELF,
            found_on=found,
            place=place,
            description=description,
            category=HazardCategory.objects.get(code=cat),
            level=level,
        )
        demo.created["hazard"] += 1
        if state == "registered":
            continue
        services.set_plan(
            owner,
            hazard,
            hazard.version,
            measures="按规定整改：" + description.split("，")[0],
            responsible="李强",
            deadline=dt.date(2021, 6, 30) if deadline == "past" else today + dt.timedelta(days=60),
            funds=Decimal("1500.00"),
            **(PLAN if level == HazardLevel.MAJOR else {}),
        )
        services.start_rectification(owner, hazard, hazard.version)
        if state == "supervised":
            services.supervise_hazard(office, hazard, supervised=True, reason="重大隐患，挂牌督办")
            continue
        if state == "rectifying":
            continue
        services.record_rectification(
            owner, hazard, hazard.version, rectified_on=found + dt.timedelta(days=5), note="已按整改措施完成整改"
        )
        if state == "closed":
            services.verify_hazard(section, hazard, hazard.version, passed=True)
    for description, title, text in CASES:
        hazard = Hazard.objects.filter(org=org, description=description).first()
        if hazard is None or ExposureCase.objects.filter(hazard=hazard).exists():
            continue
        case = services.create_case(office, org, hazard=hazard, title=title, public_text=text)
        # published during the 2021 campaign, so the demo report shows item 3's figures
        services.publish_case(office, case, at=timezone.make_aware(dt.datetime(2021, 6, 25, 10, 0)))
        demo.created["exposure"] += 1

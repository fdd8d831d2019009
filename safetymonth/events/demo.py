"""The demo's event records: what 市场运行科 and a few of its enterprises held in the 2021 campaign,
so that the demo report shows figures ready to take and the lists, calendar and 6·16 page have
something to show (``load_demo`` runs ``load_demo_events`` after the campaign is loaded)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safetymonth.accounts.models import User
from safetymonth.campaigns.models import Campaign, EventType
from safetymonth.events.models import Event
from safetymonth.events.services import record_event
from safetymonth.orgs.models import Org

CAMPAIGN_CODE = "dadukou-commerce-2021"

# (org name, who records it (a demo username; "": nobody, as if imported), type code, title,
#  day of June 2021, hour, place, participants, description)
DEMO_EVENTS: list[tuple[str, str, str, str, int, int, str, int, str]] = [
    (
        "市场运行科",
        "section",
        "theory_study",
        "科室集中学习习近平总书记关于安全生产重要论述",
        2,
        9,
        "区商务委3楼会议室",
        12,
        "全科人员集中学习，并观看《生命重于泰山》电视专题片片段。",
    ),
    (
        "市场运行科",
        "section",
        "lecture",
        "成品油经营企业安全生产公开课",
        9,
        14,
        "春晖路街道社区活动中心",
        46,
        "邀请区应急局专家为辖区加油站负责人讲授加油站安全管理要点。",
    ),
    (
        "市场运行科",
        "section",
        "consultation",
        "6·16安全宣传咨询日现场咨询",
        16,
        9,
        "大渡口区文体广场",
        180,
        "设置咨询台，发放宣传资料，宣传12350安全生产举报热线。",
    ),
    (
        "重庆渡口石油有限公司春晖路加油站",
        "enterprise",
        "drill",
        "加油站火灾应急疏散演练",
        11,
        10,
        "春晖路加油站站区",
        35,
        "模拟卸油时油罐车起火，演练报警、初期灭火和人员疏散。",
    ),
    (
        "重庆渡口石油有限公司春晖路加油站",
        "enterprise",
        "enterprise_activity",
        "“事故隐患大扫除”站区自查",
        18,
        15,
        "春晖路加油站",
        14,
        "员工分组排查油罐区、配电房和便利店隐患，当场整改3处。",
    ),
    (
        "重庆钢城能源有限公司八桥加油站",
        "",
        "warning_film",
        "组织员工观看典型事故警示教育片",
        21,
        16,
        "八桥加油站会议室",
        9,
        "",
    ),
]


def load_demo_events(demo: Any) -> None:
    """Record the demo events once (an event with the same org and title is left alone)."""
    campaign = Campaign.objects.filter(code=CAMPAIGN_CODE).first()
    if campaign is None:
        return
    types = {t.code: t for t in EventType.objects.filter(campaign=campaign)}
    for org_name, username, type_code, title, day, hour, place, people, text in DEMO_EVENTS:
        org = Org.objects.filter(name=org_name).first()
        if org is None or type_code not in types:
            continue
        if Event.objects.filter(campaign=campaign, org=org, title=title).exists():
            demo.existing["event"] += 1
            continue
        starts = timezone.make_aware(dt.datetime(2021, 6, day, hour, 0))
        record_event(
            User.objects.filter(username=username).first() if username else None,
            campaign=campaign,
            org=org,
            data={
                "event_type": types[type_code],
                "title": title,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=2),
                "place": place,
                "participants": people,
                "description": text,
                "media_links": "",
            },
        )
        demo.created["event"] += 1

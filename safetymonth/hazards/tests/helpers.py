"""Hazards in the cast's tree for the tests, the access rows and the browser test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safetymonth.hazards import services
from safetymonth.hazards.models import ExposureCase, FoundBy, Hazard, HazardCategory, HazardLevel, HazardStatus

PLAN = {
    "plan_goal": "消除燃气泄漏风险",
    "plan_methods": "更换燃气管道，加装泄漏报警装置",
    "plan_funding": "企业自筹 3 万元",
    "plan_people": "后勤部，负责人为安全主管",
    "plan_timing": "30 日内完成",
    "plan_safety": "整改期间停用燃气灶具，配备灭火器",
}


def category(code: str = "gas") -> HazardCategory:
    return HazardCategory.objects.get(code=code)


def make_hazard(
    cast: Any,
    org: Any = None,
    *,
    level: str = HazardLevel.GENERAL,
    status: str = HazardStatus.REGISTERED,
    found_on: dt.date | None = None,
    deadline: dt.date | None = None,
    description: str = "后厨燃气软管老化",
    **fields: Any,
) -> Hazard:
    """A hazard straight in the table (no workflow), in ``status``."""
    org = org or cast.enterprise
    today = timezone.localdate()
    extra: dict[str, Any] = {}
    if status == HazardStatus.CLOSED:
        extra = {
            "verified_on": today,
            "verified_by": cast.section_staff,
            "closed_at": timezone.now(),
            "rectified_on": today,
        }
    return Hazard.objects.create(
        org=org,
        found_by=FoundBy.SELF,
        found_on=found_on or today - dt.timedelta(days=5),
        found_by_user=cast.enterprise_staff,
        place="后厨",
        description=description,
        category=category(),
        level=level,
        status=status,
        measures="更换软管",
        deadline=deadline if deadline is not None else today + dt.timedelta(days=10),
        **{**extra, **fields},
    )


def register(cast: Any, **kwargs: Any) -> Hazard:
    defaults: dict[str, Any] = {
        "found_by": FoundBy.SELF,
        "found_on": timezone.localdate(),
        "place": "后厨",
        "description": "后厨燃气软管老化",
        "category": category(),
    }
    return services.register_hazard(cast.enterprise_staff, cast.enterprise, **{**defaults, **kwargs})


def make_case(cast: Any, hazard: Hazard | None = None, *, published: bool = True, **fields: Any) -> ExposureCase:
    hazard = hazard or make_hazard(cast)
    case = ExposureCase.objects.create(
        org=hazard.org,
        hazard=hazard,
        title=fields.pop("title", "某餐馆燃气隐患"),
        public_text=fields.pop("public_text", "后厨燃气软管老化，已责令整改。"),
        created_by=cast.office,
        **fields,
    )
    if published:
        services.publish_case(cast.office, case)
    return case


def make_photo(cast: Any, hazard: Hazard, phase: str = "before", n: int = 0, *, stripped: bool = True) -> Any:
    """A small photo at the hazard (bytes in storage), with a stripped copy unless told otherwise."""
    import hashlib

    from django.core.files.base import ContentFile

    from safetymonth.evidence.models import Material, MaterialKind
    from safetymonth.reports.tests.helpers import published_2021

    data = b"\xff\xd8\xff\xe0" + f"hazard {hazard.pk} {phase} {n}".encode() + b"\xff\xd9"
    m = Material(
        campaign=published_2021(cast),
        org=hazard.org,
        hazard=hazard,
        hazard_phase=phase,
        title=f"{phase}{n}",
        kind=MaterialKind.IMAGE,
        content_type="image/jpeg",
        original_name=f"IMG_{n}.jpg",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    m.file.save(f"test/hazard-{hazard.pk}-{phase}-{n}.jpg", ContentFile(data), save=False)
    if stripped:
        m.served_file.save(f"test/hazard-{hazard.pk}-{phase}-{n}-served.jpg", ContentFile(data + b"s"), save=False)
    m.save()
    return m

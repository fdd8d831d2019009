"""Access rows for every hazards and exposure URL × every role (see tests/access.py).

The hazard rows use a hazard of ``cast.enterprise`` (市场运行科's enterprise): the office, the
leader, the section's staff and the enterprise's staff see it; the enterprise's staff rectify it,
the section's staff verify it, the office supervises and exposes it. The public exposure pages
answer everyone, without login."""

from __future__ import annotations

from safetymonth.hazards.models import HazardLevel
from safetymonth.hazards.tests.helpers import category, make_case, make_hazard, make_photo
from tests.access import Row, only, statuses

VIEWERS = [
    "office",
    "leader",
    "section_staff",
    "enterprise_staff",
    "other_section_staff",
    "other_enterprise_staff",
    "other_office",
]
REGISTERS = ["section_staff", "enterprise_staff", "other_section_staff", "other_enterprise_staff"]
SEES = ["office", "leader", "section_staff", "enterprise_staff"]


def _hazard(cast):
    return [make_hazard(cast).public_id]


def _major(cast):
    return [make_hazard(cast, level=HazardLevel.MAJOR).public_id]


def _register_data(cast):
    return {
        "org": cast.enterprise.name,
        "found_by": "self",
        "found_on": "2021-06-10",
        "category": str(category().pk),
        "level": "general",
        "place": "后厨",
        "description": "燃气软管老化",
    }


def _version(cast):
    return {"version": "1"}


def _case(cast):
    return [make_case(cast, published=False).public_id]


def _published_case(cast):
    return [make_case(cast).public_id]


def _public_photo(cast):
    case = make_case(cast)
    photo = make_photo(cast, case.hazard)
    case.photos.add(photo)
    return [case.public_id, photo.public_id]


def _public(code: int = 200) -> dict[str, int]:
    return statuses(code, anonymous=code)


EDIT_DENIED = {"office": 403, "leader": 403}
ACCESS = [
    Row("hazards:list", only(VIEWERS)),
    Row("hazards:register", only(REGISTERS)),
    Row(
        "hazards:register",
        only(REGISTERS, ok=302, other_section_staff=200),
        method="post",
        data=_register_data,
        note="post; another branch's section finds no such enterprise (form error)",
    ),
    Row("hazards:quick", only(REGISTERS)),
    Row(
        "hazards:quick",
        only(REGISTERS, ok=302, other_section_staff=200),
        method="post",
        data=_register_data,
        note="post",
    ),
    Row("hazards:export", only(VIEWERS)),
    Row("hazards:statistics", only(VIEWERS)),
    Row("hazards:statistics_export", only(VIEWERS)),
    Row("hazards:cases", only(["office", "other_office"])),
    Row("hazards:case_new", only(["office", "other_office"])),
    Row(
        "hazards:case_new",
        only(["office"], ok=302, other_office=200),
        method="post",
        data=lambda cast: {"org": cast.enterprise.name, "title": "某企业违规储存成品油", "public_text": "已查处。"},
        note="post; another tree's office finds no such org (form error)",
    ),
    Row("hazards:case_edit", only(["office"], denied=404), args=_case),
    Row("hazards:case_publish", only(["office"], ok=302, denied=404), args=_case, method="post"),
    Row("hazards:case_withdraw", only(["office"], ok=302, denied=404), args=_published_case, method="post"),
    Row("hazards:detail", only(SEES, denied=404), args=_hazard),
    Row("hazards:plan", only(["enterprise_staff", "section_staff"], denied=404, **EDIT_DENIED), args=_hazard),
    Row(
        "hazards:start",
        only(["enterprise_staff"], ok=302, denied=404, section_staff=403, **EDIT_DENIED),
        args=_hazard,
        method="post",
        data=_version,
    ),
    Row("hazards:rectify", only(["enterprise_staff"], denied=404, section_staff=403, **EDIT_DENIED), args=_hazard),
    Row("hazards:verify", only(["section_staff"], denied=404, enterprise_staff=403, **EDIT_DENIED), args=_hazard),
    Row(
        "hazards:supervise",
        only(["office"], ok=302, denied=404, leader=403, section_staff=403, enterprise_staff=403),
        args=_major,
        method="post",
        data=lambda cast: {"supervised": "on"},
    ),
    Row(
        "hazards:case_create",
        only(["office"], ok=302, denied=404, leader=403, section_staff=403, enterprise_staff=403),
        args=_hazard,
        method="post",
    ),
    Row("exposure:list", _public(), public=True),
    Row("exposure:detail", _public(), args=_published_case, public=True),
    Row("exposure:photo", _public(), args=_public_photo, public=True),
]

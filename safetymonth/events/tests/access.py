"""Access rows for every events URL × every role (see tests/access.py).

Each row's ``args`` publishes the 2021 campaign into the cast's tree; the event rows use a drill
recorded by ``cast.enterprise`` (市场运行科's enterprise): the office, the leader, the section's
staff and the enterprise's staff see it; only the enterprise's staff edit or delete it."""

from __future__ import annotations

from safetymonth.campaigns.models import EventType
from safetymonth.events.tests.helpers import make_event
from safetymonth.reports.tests.helpers import published_2021
from tests.access import Row, only

VIEWERS = ["office", "leader", "section_staff", "enterprise_staff", "other_section_staff", "other_enterprise_staff"]
RECORDERS = ["section_staff", "enterprise_staff", "other_section_staff", "other_enterprise_staff"]
SEES_EVENT = ["office", "leader", "section_staff", "enterprise_staff"]


def _published(cast):
    published_2021(cast)
    return []


def _campaign(cast):
    return [published_2021(cast).public_id]


def _event(cast):
    return [make_event(cast, cast.enterprise, "drill", participants=35).public_id]


def _event_data(cast):
    campaign = published_2021(cast)
    return {
        "event_type": str(EventType.objects.get(campaign=campaign, code="drill").pk),
        "title": "消防疏散演练",
        "starts_at": "2021-06-10T09:00",
        "participants": "35",
        "place": "一楼大厅",
    }


def _edit_data(cast):
    return {**_event_data(cast), "version": "1", "title": "消防疏散演练（改）"}


ACCESS = [
    # other_office holds events.view but sees no campaign of this tree: an empty page
    Row("events:list", only([*VIEWERS, "other_office"]), args=_published),
    Row("events:calendar", only([*VIEWERS, "other_office"]), args=_published),
    Row("events:consultation_day", only(VIEWERS, other_office=404), args=_campaign),
    Row("events:create", only(RECORDERS), args=_published),
    Row("events:create", only(RECORDERS, ok=302), args=_published, method="post", data=_event_data, note="post"),
    Row("events:quick", only(RECORDERS), args=_published),
    Row("events:quick", only(RECORDERS, ok=302), args=_published, method="post", data=_event_data, note="post"),
    Row("events:import", only(RECORDERS), args=_published),
    Row("events:import_template", only(RECORDERS), args=_published),
    Row("events:detail", only(SEES_EVENT, denied=404), args=_event),
    Row("events:edit", only(["enterprise_staff"], denied=404, office=403, leader=403, section_staff=403), args=_event),
    Row(
        "events:edit",
        only(["enterprise_staff"], ok=302, denied=404, office=403, leader=403, section_staff=403),
        args=_event,
        method="post",
        data=_edit_data,
        note="post",
    ),
    Row(
        "events:delete",
        only(["enterprise_staff"], ok=302, denied=404, office=403, leader=403, section_staff=403),
        args=_event,
        method="post",
    ),
]

"""Events and materials in the cast's tree for the tests, the access rows and the browser test."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from safetymonth.campaigns.models import EventType
from safetymonth.events.models import Event
from safetymonth.evidence.models import Material, MaterialKind
from safetymonth.reports.tests.helpers import published_2021


def make_event(
    cast: Any,
    org: Any,
    type_code: str = "drill",
    *,
    participants: int = 10,
    title: str = "",
    starts_at: dt.datetime | None = None,
    **fields: Any,
) -> Event:
    campaign = published_2021(cast)
    return Event.objects.create(
        campaign=campaign,
        org=org,
        event_type=EventType.objects.get(campaign=campaign, code=type_code),
        title=title or f"{type_code} {org.name}",
        starts_at=starts_at or timezone.make_aware(dt.datetime(2021, 6, 10, 9, 0)),
        participants=participants,
        **fields,
    )


def make_material(cast: Any, org: Any, *, event: Event | None = None, indicator: Any = None, n: int = 0) -> Material:
    """A small photo material (bytes written to storage) at an event or an indicator."""
    campaign = published_2021(cast)
    data = b"\xff\xd8\xff\xe0" + f"photo {org.pk} {n} {event.pk if event else 0}".encode() + b"\xff\xd9"
    m = Material(
        campaign=campaign,
        org=org,
        event=event,
        indicator=indicator,
        item=indicator.item if indicator is not None else None,
        title=f"照片{n}",
        kind=MaterialKind.IMAGE,
        content_type="image/jpeg",
        original_name=f"photo{n}.jpg",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    m.file.save(f"test/photo-{org.pk}-{n}.jpg", ContentFile(data), save=False)
    m.save()
    return m

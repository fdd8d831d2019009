"""``{% load evidence %}{% evidence_uploader campaign org item=None indicator=None event=None hazard=None phase="" %}``:
the upload widget (drag-and-drop, several files, camera, progress, resume) for one place. Renders
nothing for a user who may not upload for ``org``. Public interface for other pages; see
docs/evidence.md."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse

from safetymonth.evidence.permissions import may_upload_at
from safetymonth.evidence.services import human_size
from safetymonth.lib import filetypes

register = template.Library()


@register.inclusion_tag("evidence/_uploader.html", takes_context=True)
def evidence_uploader(
    context: template.Context,
    campaign: Any,
    org: Any,
    item: Any = None,
    indicator: Any = None,
    event: Any = None,
    hazard: Any = None,
    phase: str = "",
) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = bool(user is not None and user.is_authenticated and campaign is not None and org is not None)
    allowed = allowed and may_upload_at(user, org, hazard)
    if not allowed:
        return {"allowed": False}
    if indicator is not None and item is None:
        item = indicator.item
    place = "/".join(
        [
            campaign.public_id,
            org.public_id,
            item.code if item is not None else "",
            indicator.code if indicator is not None else "",
            event.public_id if event is not None else "",
            *([hazard.public_id, phase] if hazard is not None else []),
        ]
    )
    return {
        "allowed": True,
        "campaign": campaign,
        "org": org,
        "item": item,
        "indicator": indicator,
        "event": event,
        "hazard": hazard,
        "phase": phase if hazard is not None else "",
        "place": place,
        "csrf": get_token(request),
        "start_url": reverse("evidence:upload_start"),
        "accept": filetypes.ACCEPT,
        "chunk_size": settings.EVIDENCE_CHUNK_BYTES,
        "limit_image": human_size(settings.EVIDENCE_MAX_IMAGE_BYTES),
        "limit_video": human_size(settings.EVIDENCE_MAX_VIDEO_BYTES),
        "limit_document": human_size(settings.EVIDENCE_MAX_DOCUMENT_BYTES),
    }


@register.filter
def filesize(value: int | None) -> str:
    return human_size(int(value or 0))

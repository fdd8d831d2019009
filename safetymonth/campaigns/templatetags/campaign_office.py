"""``{% current_campaigns %}``: the home page's card of current campaigns with the next deadline's
countdown (published campaigns the user sees; the office also sees its drafts)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from safetymonth.campaigns.models import Campaign, CampaignStatus
from safetymonth.campaigns.office import countdown, next_round

register = template.Library()

LIMIT = 5


@register.inclusion_tag("campaigns/_home_card.html", takes_context=True)
def current_campaigns(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"rows": []}
    campaigns = (
        Campaign.objects.for_user(user)
        .exclude(status=CampaignStatus.CLOSED)
        .prefetch_related("rounds")
        .order_by("-year", "code")[:LIMIT]
    )
    now = timezone.now()
    rows = []
    for c in campaigns:
        rnd = next_round(c, now)
        rows.append((c, rnd, countdown(rnd.deadline, now) if rnd else None))
    return {"rows": rows}

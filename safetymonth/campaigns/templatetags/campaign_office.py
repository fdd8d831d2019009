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


_DIGITS = "零一二三四五六七八九"


@register.filter
def cn_number(value: Any) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (the notice's （一）（二）… numbering)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return str(value)
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")

"""``{% report_tasks user as tasks %}``: the home page's "your reports" card (what to fill, what to
review, the nearest deadline, unread notifications)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import CampaignStatus
from safetymonth.reports import permissions as report_perms
from safetymonth.reports.models import Notification, Report, ReportStatus

register = template.Library()

LIMIT = 5


@register.simple_tag
def report_tasks(user: Any) -> dict[str, Any] | None:
    if not user.is_authenticated or not perms.can(user, Perm.VIEW_REPORTS):
        return None
    open_reports = (
        Report.objects.for_user(user)
        .filter(round__campaign__status=CampaignStatus.PUBLISHED)
        .select_related("org", "org__parent", "round", "round__campaign", "round__report_to")
        .order_by("round__deadline", "org__path")
    )
    to_fill = [
        r
        for r in open_reports.filter(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
        if report_perms.can_fill(user, r) and not r.entry_closed
    ]
    to_review = [r for r in open_reports.filter(status=ReportStatus.SUBMITTED) if report_perms.can_review(user, r)]
    now = timezone.now()
    upcoming = [r.round.deadline for r in to_fill if r.round.deadline >= now]
    return {
        "to_fill": to_fill[:LIMIT],
        "to_fill_count": len(to_fill),
        "to_review": to_review[:LIMIT],
        "to_review_count": len(to_review),
        "next_deadline": min(upcoming) if upcoming else None,
        "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }

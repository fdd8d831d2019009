"""``{% report_tasks user as tasks %}``: the home page's "your reports" card (what to fill, what to
review, the nearest deadline, unread notifications)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Min
from django.utils import timezone

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import CampaignStatus
from safetymonth.reports import permissions as report_perms
from safetymonth.reports.models import Notification, Report, ReportStatus

register = template.Library()

LIMIT = 5  # reports listed per kind
COUNT_CAP = 99  # counts stop here ("99+"): a count with a limit costs the same for 10 or 100,000 reports


def capped_count(qs: Any) -> int | str:
    n = qs[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else n


@register.simple_tag
def report_tasks(user: Any) -> dict[str, Any] | None:
    """A handful of queries whatever the number of reports in the user's scope: the rules of
    ``reports.permissions`` as filters, the first few rows, counts with a limit."""
    if not user.is_authenticated or not perms.can(user, Perm.VIEW_REPORTS):
        return None
    now = timezone.now()
    open_reports = Report.objects.for_user(user).filter(round__campaign__status=CampaignStatus.PUBLISHED)
    to_fill = open_reports.filter(
        report_perms.fillable_q(user),
        status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
    ).exclude(round__lock_at_deadline=True, round__deadline__lt=now)  # entry_closed, in SQL
    to_review = open_reports.filter(report_perms.reviewable_q(user), status=ReportStatus.SUBMITTED)
    rows = ("org", "round")
    order = ("round__deadline", "org__path")
    return {
        "to_fill": list(to_fill.select_related(*rows).order_by(*order)[:LIMIT]),
        "to_fill_count": capped_count(to_fill),
        "to_review": list(to_review.select_related(*rows).order_by(*order)[:LIMIT]),
        "to_review_count": capped_count(to_review),
        "next_deadline": to_fill.filter(round__deadline__gte=now).aggregate(d=Min("round__deadline"))["d"],
        # a number for {% blocktranslate count %}: at most COUNT_CAP + 1
        "unread": Notification.objects.filter(user=user, read_at__isnull=True)[: COUNT_CAP + 1].count(),
    }

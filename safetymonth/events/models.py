"""Event records (活动记录): one session actually held — a lecture, a screening, a drill, a
consultation stand — by one org, with its participants and its evidence. Events of a type mapped
to indicators fill those indicators' figures (see ``campaigns.EventType`` and docs/events.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField
from safetymonth.orgs.models import under_paths_q

if TYPE_CHECKING:
    from safetymonth.accounts.models import User


class EventQuerySet(models.QuerySet["Event"]):
    def for_user(self, user: User, perm: str | None = None) -> EventQuerySet:
        """Events of orgs in the user's scope (for ``perm``, or events.view when None)."""
        from safetymonth.accounts.permissions import Perm, scope_paths

        paths = scope_paths(user, perm or Perm.VIEW_EVENTS)
        if not paths:
            return self.none()
        return self.filter(under_paths_q(paths, "org__path"))


class Event(models.Model):
    public_id = PublicIdField()
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="events", verbose_name=_("活动")
    )
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="events", verbose_name=_("举办单位"))
    event_type = models.ForeignKey(
        "campaigns.EventType", on_delete=models.PROTECT, related_name="events", verbose_name=_("活动类型")
    )
    title = models.CharField(_("活动名称"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参与人次"), default=0)
    description = models.TextField(_("活动情况"), blank=True)
    # One http(s) address per line: media reports, online activity pages, video posts.
    media_links = models.TextField(_("媒体链接"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("活动记录")
        verbose_name_plural = _("活动记录")
        constraints = [
            models.CheckConstraint(
                name="event_ends_not_before_start",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
            ),
        ]
        indexes = [
            # figures per (type, org) of a campaign: WHERE campaign_id = ? GROUP BY event_type_id, org_id
            models.Index(fields=["campaign", "event_type", "org"], name="event_campaign_type_org_idx"),
            # an org's events by date (lists, calendar): WHERE org_id = ? ORDER BY starts_at
            models.Index(fields=["org", "starts_at"], name="event_org_starts_idx"),
            # one day's events across the tree (6·16 page, calendar): WHERE campaign_id = ? AND starts_at BETWEEN
            models.Index(fields=["campaign", "starts_at"], name="event_campaign_starts_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def outside_campaign_span(self) -> bool:
        """Held (by its local start date) outside the campaign's dates: shown as a flag to check
        the date, not refused — preparatory work before the month is real, a typo'd year too."""
        return self.campaign.is_outside_span(timezone.localdate(self.starts_at))

    @property
    def media_link_list(self) -> list[str]:
        return [line.strip() for line in self.media_links.splitlines() if line.strip()]

"""Publishing a campaign creates the reports its rounds expect."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from safetymonth.campaigns.models import Campaign, CampaignStatus


@receiver(post_save, sender=Campaign, dispatch_uid="reports_ensure_on_publish")
def ensure_reports_on_publish(sender: type[Campaign], instance: Campaign, **kwargs: Any) -> None:
    if instance.status != CampaignStatus.PUBLISHED:
        return

    from safetymonth.reports.services import ensure_reports

    for rnd in instance.rounds.all():
        ensure_reports(rnd)

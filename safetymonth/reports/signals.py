"""Reports come into being when a round opens or changes, and when orgs are created, moved or
re-activated: one set-based statement per open round (services.create_expected_reports), in the
transaction of the change, never on a page view."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from safetymonth.campaigns.models import Campaign, CampaignStatus, Round
from safetymonth.orgs.signals import tree_changed


@receiver(post_save, sender=Campaign, dispatch_uid="reports_ensure_on_publish")
def create_reports_on_publish(sender: type[Campaign], instance: Campaign, **kwargs: Any) -> None:
    if instance.status != CampaignStatus.PUBLISHED:
        return

    from safetymonth.reports.services import create_expected_reports

    for rnd in instance.rounds.select_related("campaign", "campaign__issuing_org"):
        create_expected_reports(rnd)


@receiver(post_save, sender=Round, dispatch_uid="reports_create_on_round_save")
def create_reports_on_round_save(sender: type[Round], instance: Round, **kwargs: Any) -> None:
    """A round added to a published campaign, or its expected set changed."""
    if kwargs.get("raw") or instance.campaign.status != CampaignStatus.PUBLISHED:
        return

    from safetymonth.reports.services import create_expected_reports

    create_expected_reports(instance)


@receiver(tree_changed, dispatch_uid="reports_create_on_tree_change")
def create_reports_on_tree_change(sender: Any, paths: list[str], actor: Any = None, **kwargs: Any) -> None:
    from safetymonth.reports.services import create_reports_for_orgs

    create_reports_for_orgs(paths, actor=actor)

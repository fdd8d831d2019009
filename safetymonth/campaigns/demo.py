"""The demo's campaign: the 2021 Dadukou commerce Safety Month, loaded from the shipped definition
file and published (``load_demo`` runs ``load_demo_campaigns`` after creating the orgs it names)."""

from __future__ import annotations

from typing import Any

from safetymonth.campaigns.definition import DEFINITIONS_DIR
from safetymonth.campaigns.models import CampaignStatus
from safetymonth.campaigns.services import load_campaign, publish_campaign

DEMO_DEFINITIONS = ["dadukou-commerce-2021.yaml"]


def load_demo_campaigns(demo: Any) -> None:
    """Load each demo definition (idempotent: unchanged files change nothing) and publish it.

    ``demo`` is load_demo's shared state: its ``created`` and ``existing`` counters are updated."""
    for name in DEMO_DEFINITIONS:
        result = load_campaign((DEFINITIONS_DIR / name).read_text(encoding="utf-8"), None)
        (demo.created if result.created else demo.existing)["campaign"] += 1
        if result.campaign.status == CampaignStatus.DRAFT:
            publish_campaign(None, result.campaign)

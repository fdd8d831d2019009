"""Access helpers for campaigns (the one authorisation layer: views never filter by hand)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safetymonth.accounts.permissions import scope_paths
from safetymonth.campaigns.models import Campaign

if TYPE_CHECKING:
    from safetymonth.accounts.models import User


def overlaps(paths: list[str], org_path: str) -> bool:
    """Whether an org (by path) lies in one of the subtrees ``paths`` or above one of them."""
    return any(org_path.startswith(p) or p.startswith(org_path) for p in paths)


def can_on_campaign(user: User, perm: str, campaign: Campaign) -> bool:
    """Whether the user holds ``perm`` in a scope that overlaps the campaign's issuing org."""
    org = campaign.issuing_org
    return org is not None and overlaps(scope_paths(user, perm), org.path)


def get_campaign_for_user(user: User, public_id: str, perm: str | None = None) -> Campaign:
    """The campaign if the user can see it (else 404) and holds ``perm`` on it (else 403)."""
    campaign = (
        Campaign.objects.for_user(user).select_related("issuing_org", "office_org").filter(public_id=public_id).first()
    )
    if campaign is None:
        raise Http404
    if perm is not None and not can_on_campaign(user, perm, campaign):
        raise PermissionDenied
    return campaign

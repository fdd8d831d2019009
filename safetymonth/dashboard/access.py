"""Access to a round's dashboard and exports: the one authorisation layer (accounts.permissions,
campaigns.permissions) applied to (campaign, round, org).

- The campaign must be visible to the user (else 404) and the user must hold ``perm`` in a scope
  overlapping the campaign's issuing org (else 403).
- The org must be visible (404) and inside the user's ``perm`` scope (403), and lie in the
  campaign's issuing subtree (404: the round knows nothing about it).
- Without an org, the base is the top-most org the user holds ``perm`` on within the issuing
  subtree (the commission for the office and the leader, a section for its staff).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safetymonth.accounts import permissions as perms
from safetymonth.campaigns.models import CampaignStatus, Round
from safetymonth.campaigns.permissions import get_campaign_for_user

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


def get_round_for_user(user: User, campaign_id: str, round_code: str, perm: str) -> Round:
    campaign = get_campaign_for_user(user, campaign_id, perm)
    if campaign.status == CampaignStatus.DRAFT or campaign.issuing_org is None:
        raise Http404
    rnd = (
        Round.objects.select_related("campaign", "campaign__issuing_org", "form", "report_to")
        .filter(campaign=campaign, code=round_code)
        .first()
    )
    if rnd is None:
        raise Http404
    return rnd


def base_org_for_user(user: User, rnd: Round, perm: str) -> Org:
    """The top-most org within the round's issuing subtree where the user holds ``perm``."""
    issuing = rnd.campaign.issuing_org
    assert issuing is not None
    if perms.can(user, perm, issuing):
        return issuing
    for org in perms.home_orgs(user):
        if org.path.startswith(issuing.path) and perms.can(user, perm, org):
            return org
    raise PermissionDenied


def get_round_org_for_user(user: User, rnd: Round, org_id: str, perm: str) -> Org:
    org = perms.get_org_for_user(user, org_id, perm)
    issuing = rnd.campaign.issuing_org
    if issuing is None or not org.path.startswith(issuing.path):
        raise Http404
    return org

"""Campaign.objects.for_user: published campaigns for every scope that overlaps the issuing org,
drafts only for campaign managers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import Campaign, CampaignStatus


def _campaign(code: str, org, status: str = CampaignStatus.DRAFT) -> Campaign:
    now = timezone.now()
    return Campaign.objects.create(
        code=code,
        title=code,
        year=2021,
        issuing_org=org,
        status=status,
        published_at=None if status == CampaignStatus.DRAFT else now,
        closed_at=now if status == CampaignStatus.CLOSED else None,
    )


@pytest.fixture
def campaigns(cast):
    return {
        "draft": _campaign("draft", cast.commission),
        "published": _campaign("published", cast.commission, CampaignStatus.PUBLISHED),
        "closed": _campaign("closed", cast.commission, CampaignStatus.CLOSED),
        "section_published": _campaign("section-published", cast.section, CampaignStatus.PUBLISHED),
        "other": _campaign("other", cast.other_authority, CampaignStatus.PUBLISHED),
        "other_draft": _campaign("other-draft", cast.other_authority),
        "orphan": _campaign("orphan", None, CampaignStatus.PUBLISHED),
    }


def _codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("office", {"draft", "published", "closed", "section-published"}),
        ("leader", {"published", "closed", "section-published"}),
        ("section_staff", {"published", "closed", "section-published"}),
        ("enterprise_staff", {"published", "closed", "section-published"}),
        ("tip_handler", {"published", "closed", "section-published"}),
        # another section sees the commission's campaigns, not a campaign issued by a sibling section
        ("other_section_staff", {"published", "closed"}),
        ("other_enterprise_staff", {"published", "closed"}),
        ("other_office", {"other", "other-draft"}),
        ("no_role", set()),
    ],
)
def test_for_user_visibility(cast, campaigns, user, expected):
    assert _codes(Campaign.objects.for_user(cast.users_by_role()[user])) == expected


def test_for_user_with_manage_perm_includes_drafts_in_scope_only(cast, campaigns):
    assert _codes(Campaign.objects.for_user(cast.office, Perm.MANAGE_CAMPAIGNS)) == {
        "draft",
        "published",
        "closed",
        "section-published",
    }
    assert _codes(Campaign.objects.for_user(cast.leader, Perm.MANAGE_CAMPAIGNS)) == set()
    assert _codes(Campaign.objects.for_user(cast.section_staff, Perm.MANAGE_CAMPAIGNS)) == set()


def test_get_campaign_for_user_404_and_403(cast, campaigns):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from safetymonth.campaigns.permissions import get_campaign_for_user

    draft, published = campaigns["draft"], campaigns["published"]
    assert get_campaign_for_user(cast.office, draft.public_id, Perm.MANAGE_CAMPAIGNS) == draft
    with pytest.raises(Http404):
        get_campaign_for_user(cast.section_staff, draft.public_id)
    with pytest.raises(Http404):
        get_campaign_for_user(cast.other_office, published.public_id)
    assert get_campaign_for_user(cast.section_staff, published.public_id) == published
    with pytest.raises(PermissionDenied):
        get_campaign_for_user(cast.section_staff, published.public_id, Perm.MANAGE_CAMPAIGNS)

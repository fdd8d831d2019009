"""Access-matrix rows for every campaigns URL (see tests/access.py).

The cast has no campaign: ``campaign(cast)`` loads the 2021 definition into the cast's commission
(issuing org 重庆市大渡口区商务委员会, office 规划秩序科) the first time a row asks for it, as a draft or
published. Everyone in the commission's tree sees a published campaign; drafts only the office;
the other district's office and users without a role get 404."""

from __future__ import annotations

from functools import cache
from typing import Any

from safetymonth.campaigns.definition import DEFINITIONS_DIR, read
from safetymonth.campaigns.models import Campaign, CampaignStatus
from safetymonth.campaigns.services import load_campaign, publish_campaign
from tests.access import Row, only, statuses

CODE = "dadukou-commerce-2021"
INSIDERS = [
    "leader",
    "section_staff",
    "enterprise_staff",
    "tip_handler",
    "other_section_staff",
    "other_enterprise_staff",
]
# the commission's campaigns are invisible to these (404, never 403)
OUTSIDE = {"other_office": 404, "no_role": 404}
# a draft is seen by the office only
DRAFT_ONLY_OFFICE = only(["office"], denied=404)
PUBLISHED_VIEW = statuses(200, **OUTSIDE)
# published, office only: the others who see it get 403
PUBLISHED_MANAGE = only(["office"], **OUTSIDE)


@cache
def _definition() -> dict[str, Any]:
    data, _located = read((DEFINITIONS_DIR / f"{CODE}.yaml").read_text(encoding="utf-8"))
    return data


def campaign(cast: Any, status: str = CampaignStatus.DRAFT) -> Campaign:
    """The 2021 campaign in the cast's commission, loaded on first use (and published if asked)."""
    found = Campaign.objects.filter(code=CODE).first() or load_campaign(_definition(), None).campaign
    if status != CampaignStatus.DRAFT and found.status == CampaignStatus.DRAFT:
        publish_campaign(None, found)
    return found


def draft(*extra: Any):
    return lambda c: [campaign(c).public_id, *extra]


def published(*extra: Any):
    return lambda c: [campaign(c, CampaignStatus.PUBLISHED).public_id, *extra]


def version(c: Any) -> dict[str, Any]:
    return {"version": Campaign.objects.get(code=CODE).version, "confirm_warnings": "1"}


ACCESS = [
    Row("campaigns:list", statuses(200)),
    Row("campaigns:detail", PUBLISHED_VIEW, args=published(), note="published"),
    Row("campaigns:detail", DRAFT_ONLY_OFFICE, args=draft(), note="draft"),
    Row("campaigns:detail", statuses(404), args=lambda c: ["nosuchcampaign"], note="unknown"),
    Row("campaigns:copy", PUBLISHED_MANAGE, args=published()),
    Row(
        "campaigns:copy",
        only(["office"], ok=302, **OUTSIDE),
        args=published(),
        method="post",
        data=lambda c: {"code": "dadukou-commerce-2022", "year": "2022", "title": "2022年通知"},
        note="post",
    ),
    Row("campaigns:copy", DRAFT_ONLY_OFFICE, args=draft(), method="post", note="bad-post"),
    Row("campaigns:preview", PUBLISHED_VIEW, args=published(), note="published"),
    Row(
        "campaigns:preview",
        PUBLISHED_VIEW,
        args=published(),
        method="post",
        data=lambda c: {"ind-theory_study_sessions": "x", "ind-theory_study_participants": "-1"},
        note="try",
    ),
    Row("campaigns:preview", DRAFT_ONLY_OFFICE, args=draft(), note="draft"),
    Row("campaigns:publish", only(["office"], ok=302, denied=404), args=draft(), method="post", data=version),
    Row("campaigns:publish", statuses(405), args=draft(), note="get"),
    Row("campaigns:close", only(["office"], ok=302, **OUTSIDE), args=published(), method="post", data=version),
    Row("campaigns:round", PUBLISHED_VIEW, args=published("progress_report"), note="published"),
    Row("campaigns:round", DRAFT_ONLY_OFFICE, args=draft("progress_report"), note="draft"),
    Row("campaigns:round", only(["office"], ok=404, denied=404), args=draft("nosuchround"), note="unknown"),
    Row(
        "campaigns:round_expected",
        only(["office"], ok=302, **OUTSIDE),
        args=published("progress_report"),
        method="post",
        data=lambda c: {"expected_kinds": ["section"], "responsible_sections_only": "on"},
    ),
    Row("campaigns:round_expected", statuses(405), args=published("progress_report"), note="get"),
    Row("campaigns:definition_yaml", PUBLISHED_MANAGE, args=published()),
    Row("campaigns:edit", DRAFT_ONLY_OFFICE, args=draft(), note="draft"),
    Row("campaigns:edit", PUBLISHED_MANAGE, args=published(), note="published"),
    Row("campaigns:edit_essentials", DRAFT_ONLY_OFFICE, args=draft()),
    Row("campaigns:edit_essentials", DRAFT_ONLY_OFFICE, args=draft(), method="post", note="empty-post"),
    Row("campaigns:row_add", DRAFT_ONLY_OFFICE, args=draft("items"), note="items"),
    Row("campaigns:row_add", PUBLISHED_MANAGE, args=published("slogans"), note="published-slogans"),
    Row("campaigns:row_add", only([], **OUTSIDE), args=published("items"), note="published-items-locked"),
    Row("campaigns:row_add", only(["office"], ok=404, denied=404), args=draft("bogus"), note="unknown-section"),
    Row("campaigns:row_edit", DRAFT_ONLY_OFFICE, args=draft("slogans", 0), note="slogan"),
    Row("campaigns:row_edit", DRAFT_ONLY_OFFICE, args=draft("rules", 0), method="post", note="empty-post"),
    Row("campaigns:row_edit", PUBLISHED_MANAGE, args=published("rounds", 0), note="published-round"),
    Row("campaigns:row_edit", only([], **OUTSIDE), args=published("rules", 0), note="published-rule-locked"),
    Row("campaigns:row_edit", only(["office"], ok=404, denied=404), args=draft("slogans", 99), note="no-such-entry"),
    Row("campaigns:row_edit", DRAFT_ONLY_OFFICE, args=draft("forms", 0), note="form-title"),
    Row("campaigns:row_edit", only([], **OUTSIDE), args=published("forms", 0), note="published-form-locked"),
    # a second form is added (with its first item) in a draft; publishing locks it
    Row("campaigns:row_add", DRAFT_ONLY_OFFICE, args=draft("forms"), note="second-form"),
    Row("campaigns:row_add", only([], **OUTSIDE), args=published("forms"), note="published-no-new-form"),
    Row(
        "campaigns:row_delete",
        only([], **OUTSIDE),
        args=published("forms", 0),
        method="post",
        data=version,
        note="published-form-locked",
    ),
    # the form a round uses is not removed: the editor again with the reason
    Row(
        "campaigns:row_delete",
        only(["office"], ok=302, denied=404),
        args=draft("forms", 0),
        method="post",
        data=version,
        note="form-a-round-uses",
    ),
    # the editor and a form's lists choose the form with ?form=<code>; an unknown code is 404
    Row("campaigns:edit", DRAFT_ONLY_OFFICE, args=draft(), query="?form=progress", note="chosen-form"),
    Row("campaigns:edit", only(["office"], ok=404, denied=404), args=draft(), query="?form=nosuch", note="no-form"),
    Row("campaigns:indicator_edit", DRAFT_ONLY_OFFICE, args=draft(0, 0), query="?form=progress", note="chosen-form"),
    Row("campaigns:row_add", DRAFT_ONLY_OFFICE, args=draft("rules"), query="?form=progress", note="chosen-form"),
    Row(
        "campaigns:row_edit",
        only(["office"], ok=404, denied=404),
        args=draft("items", 0),
        query="?form=nosuch",
        note="no-form",
    ),
    Row(
        "campaigns:row_delete",
        only(["office"], ok=302, denied=404),
        args=draft("slogans", 0),
        method="post",
        data=version,
    ),
    Row(
        "campaigns:row_move",
        only(["office"], ok=302, denied=404),
        args=draft("contents", 1, "up"),
        method="post",
        data=version,
    ),
    Row("campaigns:indicator_add", DRAFT_ONLY_OFFICE, args=draft(0)),
    Row("campaigns:indicator_edit", DRAFT_ONLY_OFFICE, args=draft(0, 0)),
    Row("campaigns:indicator_edit", only([], **OUTSIDE), args=published(0, 0), note="published-locked"),
    Row(
        "campaigns:indicator_delete",
        only(["office"], ok=302, denied=404),
        args=draft(0, 2),
        method="post",
        data=version,
    ),
]

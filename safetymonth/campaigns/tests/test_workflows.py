"""copy_campaign, publish_campaign, close_campaign and check_values."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns import services
from safetymonth.campaigns.models import Campaign, CampaignStatus, Indicator, Round
from safetymonth.campaigns.services import (
    campaign_to_data,
    check_values,
    close_campaign,
    copy_campaign,
    dump_campaign,
    publish_campaign,
    save_definition,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


# -- copy ---------------------------------------------------------------------------------------


def test_copy_is_an_independent_draft_a_year_on(campaign_2021, cast):
    publish_campaign(cast.office, campaign_2021)
    copy = copy_campaign(cast.office, campaign_2021, new_code="dadukou-commerce-2022", year=2022, title="2022年通知")
    assert copy.status == CampaignStatus.DRAFT and copy.copied_from == campaign_2021
    assert (copy.year, copy.title, copy.doc_number, copy.issue_date, copy.printed_date) == (
        2022,
        "2022年通知",
        "",
        None,
        None,
    )
    assert copy.issuing_org == campaign_2021.issuing_org and copy.office_org == campaign_2021.office_org
    assert copy.rounds.get().deadline == dt.datetime(2022, 6, 28, 23, 59, 59, tzinfo=SHANGHAI)
    assert copy.rounds.get().report_to == cast.office_org
    assert {p.code: (p.start, p.end) for p in copy.periods.all()} == {
        "safety_month": (dt.date(2022, 6, 1), dt.date(2022, 6, 30)),
        "yuzhou_tour": (dt.date(2022, 6, 1), dt.date(2022, 12, 31)),
    }
    old, new = campaign_to_data(campaign_2021), campaign_to_data(copy)
    assert new["forms"] == old["forms"]
    assert new["contents"] == old["contents"] and new["slogans"] == old["slogans"]
    assert new["leadership"] == old["leadership"] and new["requirements"] == old["requirements"]
    # nothing is shared
    assert not set(copy.forms.get().indicators.values_list("pk", flat=True)) & set(
        campaign_2021.forms.get().indicators.values_list("pk", flat=True)
    )
    entry = AuditEntry.objects.filter(object_id=copy.public_id).get()
    assert entry.action == AuditEntry.Action.CREATE and "dadukou-commerce-2021" in entry.summary


def test_editing_the_copy_leaves_the_original_unchanged(campaign_2021, cast):
    before = dump_campaign(campaign_2021)
    copy = copy_campaign(cast.office, campaign_2021, new_code="dadukou-commerce-2022", year=2022, title="2022")
    data = campaign_to_data(copy)
    item = data["forms"][0]["items"][0]
    item["progress_text"] += "\n开展专题研讨（[[seminars]]）场，参与（[[seminar_participants]]）人次。"
    item["indicators"] += [
        {
            "code": "seminars",
            "kind": "integer",
            "unit": "场",
            "label": "专题研讨场次",
            "required": True,
            "min_value": 0,
        },
        {
            "code": "seminar_participants",
            "kind": "integer",
            "unit": "人次",
            "label": "专题研讨参与人次",
            "required": True,
        },
    ]
    data["forms"][0]["rules"].append(
        {
            "code": "seminar_participants_at_least_sessions",
            "left": "seminar_participants",
            "operator": ">=",
            "right": "seminars",
            "message": "专题研讨的参与人次不能少于场次。",
        }
    )
    data["slogans"]["items"].append("新标语")
    data["rounds"][0]["deadline"] = "2022-06-25T18:00:00+08:00"
    save_definition(cast.office, copy, data, expected_version=copy.version)
    assert copy.forms.get().indicators.count() == 40
    assert dump_campaign(campaign_2021) == before
    assert campaign_2021.forms.get().indicators.count() == 38
    assert Round.objects.get(campaign=campaign_2021).deadline.year == 2021


def test_copy_validates_code_year_and_title(campaign_2021, cast):
    with pytest.raises(ValidationError) as info:
        copy_campaign(cast.office, campaign_2021, new_code="dadukou-commerce-2021", year=1999, title=" ")
    assert set(info.value.message_dict) == {"code", "year", "title"}
    with pytest.raises(ValidationError) as info:
        copy_campaign(cast.office, campaign_2021, new_code="Bad Code", year=2022, title="x")
    assert "code" in info.value.message_dict
    assert Campaign.objects.count() == 1


def test_copy_moves_29_february_to_the_28th(cast, campaign_2021):
    data = campaign_to_data(campaign_2021)
    data["rounds"][0]["deadline"] = "2020-02-29T12:00:00+08:00"
    data["year"] = 2020
    save_definition(None, campaign_2021, data)
    campaign_2021.refresh_from_db()
    copy = copy_campaign(None, campaign_2021, new_code="leap-2021", year=2021, title="t")
    assert copy.rounds.get().deadline == dt.datetime(2021, 2, 28, 12, 0, tzinfo=SHANGHAI)


# -- publish and close --------------------------------------------------------------------------


def test_publish_warns_about_past_deadlines_and_locks(campaign_2021, cast):
    warnings = publish_campaign(cast.office, campaign_2021, expected_version=campaign_2021.version)
    assert campaign_2021.status == CampaignStatus.PUBLISHED and campaign_2021.published_at is not None
    assert len(warnings) == 1 and "已过" in warnings[0]
    assert campaign_2021.is_structure_locked
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=campaign_2021.public_id).get()
    assert entry.summary.startswith("发布活动") and entry.changes["warnings"] == warnings
    with pytest.raises(ValidationError, match="只有草稿"):
        publish_campaign(cast.office, campaign_2021)


def test_publish_refuses_incomplete_campaign(campaign_2021, cast):
    data = campaign_to_data(campaign_2021)
    data["rounds"] = []
    save_definition(cast.office, campaign_2021, data)
    with pytest.raises(ValidationError) as info:
        publish_campaign(cast.office, campaign_2021)
    assert "至少需要一个填报批次。" in info.value.messages
    campaign_2021.refresh_from_db()
    assert campaign_2021.status == CampaignStatus.DRAFT


def test_publish_refuses_stale_version(campaign_2021, cast):
    with pytest.raises(ValidationError, match="已被他人修改"):
        publish_campaign(cast.office, campaign_2021, expected_version=campaign_2021.version - 1)


def test_future_deadline_gives_no_warning(campaign_2021, cast):
    # a deadline outside the campaign's year is itself an error (the checklist): this year's copy
    year = timezone.localdate().year
    copy = services.copy_campaign(cast.office, campaign_2021, "copy-now", year, f"{year}年安全生产月")
    data = campaign_to_data(copy)
    deadline = timezone.localtime() + dt.timedelta(days=1)
    if deadline.year != year:  # 31 December: a deadline later the same day
        deadline = timezone.localtime() + dt.timedelta(minutes=5)
    data["rounds"][0]["deadline"] = deadline.isoformat(timespec="seconds")
    data.update(doc_number=f"渡商发〔{year}〕3号", issue_date=timezone.localdate().isoformat())
    save_definition(cast.office, copy, data)
    warnings = publish_campaign(cast.office, copy)
    assert not [w for w in warnings if "截止时间" in w]


def test_close(campaign_2021, cast):
    with pytest.raises(ValidationError):
        close_campaign(cast.office, campaign_2021)
    publish_campaign(cast.office, campaign_2021)
    closed = close_campaign(cast.office, campaign_2021, expected_version=campaign_2021.version)
    assert closed.status == CampaignStatus.CLOSED and closed.closed_at is not None
    assert campaign_2021.status == CampaignStatus.CLOSED


def test_published_campaign_is_seen_by_sections_and_enterprises(campaign_2021, cast):
    assert not Campaign.objects.for_user(cast.section_staff).exists()
    publish_campaign(cast.office, campaign_2021)
    for user in (cast.section_staff, cast.enterprise_staff, cast.leader, cast.office):
        assert list(Campaign.objects.for_user(user)) == [campaign_2021]
    assert not Campaign.objects.for_user(cast.other_office).exists()


def test_has_values_hook_is_false_until_reports_exist(campaign_2021):
    assert not any(services.indicator_has_values(i) for i in Indicator.objects.all())


# -- check_values -------------------------------------------------------------------------------


@pytest.fixture
def form(campaign_2021):
    return campaign_2021.forms.get()


def _all_zero(form):
    data = {}
    for ind in form.indicators.all():
        data[f"ind-{ind.code}"] = {"integer": "0", "boolean": "no", "text": ""}[ind.kind]
    return data


def test_check_values_accepts_a_complete_report(form):
    result = check_values(form, _all_zero(form))
    assert result.is_valid, result.errors
    assert result.values["theory_study_sessions"] == 0 and result.values["special_film_studied"] is False
    assert result.values["typical_cases_detail"] is None


def test_check_values_rules_required_and_parsing(form):
    data = _all_zero(form) | {
        "ind-theory_study_sessions": "３",  # full-width digits are fine
        "ind-theory_study_participants": "2",
        "ind-lecture_sessions": "x",
        "ind-drills": "-1",
        "ind-special_film_studied": "maybe",
        "ind-uses_national_platform": "",
        "ind-typical_cases_detail": "案" * 1001,
    }
    result = check_values(form, data)
    assert result.values["theory_study_sessions"] == 3
    assert result.errors["theory_study_participants"] == ["理论学习中心组学习的参与人次不能少于学习次数。"]
    assert result.errors["lecture_sessions"] == ["请输入整数。"]
    assert result.raw["lecture_sessions"] == "x"  # what was typed is kept
    assert result.errors["drills"] == ["不能小于0。"]
    assert result.errors["special_film_studied"] == ["请选择“是”或“否”。"]
    assert result.errors["uses_national_platform"] == ["请填写“是否使用全国安全宣教和应急科普平台”。"]
    assert result.errors["typical_cases_detail"] == ["最多1000个字。"]
    # a rule over a value with an error is not checked (one message at a time)
    assert "lecture_participants" not in result.errors


def test_check_values_draft_mode_skips_required(form):
    result = check_values(
        form, {"ind-theory_study_sessions": "2", "ind-theory_study_participants": "1"}, enforce_required=False
    )
    assert result.errors == {"theory_study_participants": ["理论学习中心组学习的参与人次不能少于学习次数。"]}


def test_check_values_warning_rules(form, cast, campaign_2021):
    data = campaign_to_data(campaign_2021)
    data["forms"][0]["rules"][0]["severity"] = "warning"
    save_definition(cast.office, campaign_2021, data)
    result = check_values(form, _all_zero(form) | {"ind-theory_study_sessions": "2"})
    assert result.is_valid and result.warnings == {
        "theory_study_participants": ["理论学习中心组学习的参与人次不能少于学习次数。"]
    }

"""Publishing a copy of last year's campaign runs the notice checklist: errors block, warnings need
a tick; load_campaign reports the same checklist. Dates come from the clock (this year's copy)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from safetymonth.campaigns.models import Campaign, CampaignStatus
from safetymonth.campaigns.services import (
    campaign_to_data,
    copy_campaign,
    publish_campaign,
    publish_problems,
    save_definition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale(cast, campaign_2021) -> Campaign:
    """This year's copy of 2021, as the copy leaves it: no 发文字号, no 成文日期, 2021's texts."""
    year = timezone.localdate().year
    return copy_campaign(cast.office, campaign_2021, f"dadukou-commerce-{year}", year, f"{year}年安全生产月")


def fix(cast, campaign: Campaign, *, texts: bool) -> None:
    """Fill the required fields and move the deadline ahead; with ``texts`` also the leftovers."""
    year = campaign.year
    data = campaign_to_data(campaign)
    deadline = timezone.localtime() + dt.timedelta(days=1)
    if deadline.year != year:
        deadline = timezone.localtime() + dt.timedelta(minutes=30)
    data.update(doc_number=f"渡商发〔{year}〕7号", issue_date=timezone.localdate().isoformat())
    data.pop("printed_date", None)
    data["rounds"][0]["deadline"] = deadline.isoformat(timespec="seconds")
    for p in data["periods"]:
        p["start"], p["end"] = f"{year}-01-01", f"{year}-12-31"
    if texts:
        old = "2021"  # the source year
        ordinal = year - 2001
        for key in ("title", "preamble", "contents_heading", "leadership_group_name"):
            data[key] = data[key].replace(old, str(year)).replace("第20个", f"第{ordinal}个")
        data["cited_documents"] = []
        for row in data["contents"] + data["requirements"]:
            row["text"] = row["text"].replace(old, str(year))
        for p in data["periods"]:
            p["note"] = ""
        data["slogans"]["items"] = [s.replace("第20个", f"第{ordinal}个") for s in data["slogans"]["items"]]
    save_definition(cast.office, campaign, data)
    campaign.refresh_from_db()


def test_a_stale_copy_is_blocked_item_by_item(cast, stale):
    errors, warnings = publish_problems(stale)
    year = stale.year
    assert any(e.startswith("请填写发文字号") and f"〔{year}〕" in e for e in errors)
    assert "请填写成文日期。" in errors
    assert any("没有截止时间在今后的填报批次" in e for e in errors) or any("不在活动年度" in e for e in errors)
    assert any("依据文件 1 中仍有往年年份（2021）" in w for w in warnings)
    assert any("依据文件 2 中仍有往年年份（2021）" in w for w in warnings)
    assert any(f"写的是第20个“安全生产月”，{year}年是第{year - 2001}个" in w for w in warnings)
    with pytest.raises(ValidationError) as info:
        publish_campaign(cast.office, stale)
    assert "请填写成文日期。" in info.value.messages
    stale.refresh_from_db()
    assert stale.status == CampaignStatus.DRAFT


def test_wrong_year_in_the_doc_number_is_an_error(cast, stale):
    Campaign.objects.filter(pk=stale.pk).update(doc_number="渡商发〔2021〕19号")
    errors, _w = publish_problems(Campaign.objects.get(pk=stale.pk))
    assert f"发文字号“渡商发〔2021〕19号”的年份是2021，活动年度是{stale.year}。" in errors


def test_fixed_copy_publishes_after_the_warnings_are_ticked(client, cast, stale):
    fix(cast, stale, texts=False)
    errors, warnings = publish_problems(stale)
    assert errors == [] and warnings  # 2021's texts are still there
    client.force_login(cast.office)
    url = reverse("campaigns:publish", args=[stale.public_id])
    client.post(url, {"version": stale.version})  # no tick: not published
    stale.refresh_from_db()
    assert stale.status == CampaignStatus.DRAFT
    client.post(url, {"version": stale.version, "confirm_warnings": "1"})
    stale.refresh_from_db()
    assert stale.status == CampaignStatus.PUBLISHED


def test_a_clean_copy_has_no_warnings(cast, stale):
    fix(cast, stale, texts=True)
    errors, warnings = publish_problems(stale)
    assert (errors, warnings) == ([], [])


def test_the_page_shows_the_checklist_before_publishing(client, cast, stale):
    client.force_login(cast.office)
    html = client.get(reverse("campaigns:detail", args=[stale.public_id])).content.decode()
    assert 'data-testid="publish-errors"' in html and "请填写成文日期。" in html
    assert 'data-testid="campaign-publish"' not in html  # errors block: no button


def test_load_campaign_prints_the_checklist(cast, tmp_path, text_2021):
    year = timezone.localdate().year
    path = tmp_path / "stale.yaml"
    path.write_text(
        text_2021.replace("code: dadukou-commerce-2021", "code: stale").replace("year: 2021", f"year: {year}"),
        encoding="utf-8",
    )
    from io import StringIO

    out = StringIO()
    call_command("load_campaign", str(path), stdout=out)
    text = out.getvalue()
    assert "发布前检查" in text
    assert f"发文字号“渡商发〔2021〕19号”的年份是2021，活动年度是{year}。" in text
    assert "中仍有往年年份（2021）" in text

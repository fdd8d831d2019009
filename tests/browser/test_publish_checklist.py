"""The office copies last year's campaign into this year's, is stopped by the publish checklist,
fixes the notice, publishes; the 安全生产责任科室 (and only they) get the new round. Dates come from
the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safetymonth.campaigns.definition import DEFINITIONS_DIR
from safetymonth.campaigns.models import Campaign, CampaignStatus, Round
from safetymonth.campaigns.services import load_campaign, publish_campaign
from safetymonth.reports.models import Report
from tests.browser.conftest import login


@pytest.fixture
def published_2021(cast) -> Campaign:
    campaign = load_campaign((DEFINITIONS_DIR / "dadukou-commerce-2021.yaml").read_text(encoding="utf-8")).campaign
    publish_campaign(None, campaign)
    return campaign


def test_office_is_stopped_by_the_checklist_fixes_and_publishes(page, live_server, cast, published_2021):
    page.on("dialog", lambda dialog: dialog.accept())
    year = timezone.localdate().year
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/campaigns/{published_2021.public_id}/copy/")
    copy = page.locator("[data-testid=copy-form]")
    copy.locator("input[name=code]").fill(f"dadukou-commerce-{year}")
    copy.locator("input[name=year]").fill(str(year))
    copy.locator("input[name=title]").fill(f"关于开展{year}年全区商务领域“安全生产月”活动的通知")
    copy.locator("[data-testid=copy-submit]").click()
    draft = Campaign.objects.get(code=f"dadukou-commerce-{year}")

    # stopped: no number, no date, the copied deadline behind us; 2021's leftovers warned
    page.goto(f"{live_server.url}/campaigns/{draft.public_id}/")
    errors = page.locator("[data-testid=publish-errors]")
    expect(errors).to_contain_text("请填写发文字号")
    expect(errors).to_contain_text("请填写成文日期")
    expect(page.locator("[data-testid=publish-warnings]")).to_contain_text("中仍有往年年份（2021）")
    expect(page.locator("[data-testid=campaign-publish]")).to_have_count(0)

    # fixed in the campaign editor's 基本信息: the notice's number and date
    page.goto(f"{live_server.url}/campaigns/{draft.public_id}/edit/")
    page.click("[data-testid=essentials-edit]")
    essentials = page.locator("#essentials")
    essentials.locator("input[name=doc_number]").fill(f"渡商发〔{year}〕7号")
    essentials.locator("input[name=issue_date]").fill(timezone.localdate().isoformat())
    essentials.locator("button[type=submit]").first.click()
    expect(page.locator("[data-testid=editor-saved]")).to_be_visible()
    expect(essentials).to_contain_text(f"渡商发〔{year}〕7号")  # the editor shows what was saved
    expect(essentials).to_contain_text(timezone.localdate().isoformat())
    draft.refresh_from_db()
    assert (draft.doc_number, draft.issue_date) == (f"渡商发〔{year}〕7号", timezone.localdate())
    # the round's deadline ahead and the periods inside the year (not what this test is about)
    deadline = timezone.now() + dt.timedelta(days=1)
    if timezone.localtime(deadline).year != year:
        deadline = timezone.now() + dt.timedelta(minutes=30)
    Round.objects.filter(campaign=draft).update(deadline=deadline)
    draft.periods.update(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    page.goto(f"{live_server.url}/campaigns/{draft.public_id}/")
    expect(page.locator("[data-testid=publish-errors]")).to_have_count(0)
    page.check("#confirm-warnings")  # the leftovers are read and accepted
    page.click("[data-testid=campaign-publish]")
    expect(page.locator("[data-testid=campaign-status]")).to_have_text("已发布")

    # the round's page: two 安全生产责任科室, never the office 规划秩序科
    page.click("[data-testid=round-link]")
    expect(page.locator("[data-testid=expected-org]")).to_have_count(2)
    expect(page.locator("[data-testid=expected-orgs]")).not_to_contain_text("规划秩序科")
    rnd = draft.rounds.get()
    assert sorted(Report.objects.filter(round=rnd).values_list("org__name", flat=True)) == ["商贸流通科", "市场运行科"]

    # a responsible section sees the new round among its reports
    page.context.clear_cookies()
    login(page, live_server, "section")
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("[data-testid=report-row]").filter(has_text=str(year))).not_to_have_count(0)
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.PUBLISHED

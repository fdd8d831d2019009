"""The office builds next year's campaign in the browser: copy 2021 into a 2022 draft, add a blank
with its marker and a rule, preview and try the form, publish; a section then sees it. And the
campaign page and the preview at 375 px; on a phone, the editor of a campaign with two forms switches
to the second and edits one of its indicators."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from safetymonth.campaigns.definition import DEFINITIONS_DIR
from safetymonth.campaigns.models import Campaign, CampaignStatus
from safetymonth.campaigns.services import (
    DefinitionEdit,
    copy_campaign,
    edit_definition,
    load_campaign,
    publish_campaign,
)
from tests.browser.conftest import login


@pytest.fixture
def published_2021(cast) -> Campaign:
    campaign = load_campaign((DEFINITIONS_DIR / "dadukou-commerce-2021.yaml").read_text(encoding="utf-8")).campaign
    publish_campaign(None, campaign)
    return campaign


def _add_indicator(page, item: str, code: str, label: str, unit: str, *, type_marker: str = "") -> None:
    page.click(f"[data-testid=add-indicator-{item}]")
    form = page.locator("[data-testid=edit-form]")
    form.locator("input[name=code]").fill(code)
    form.locator("input[name=label]").fill(label)
    form.locator("select[name=kind]").select_option("integer")
    form.locator("input[name=unit]").fill(unit)
    if type_marker:
        # put the cursor at the end of the progress text, type the sentence around the blank and
        # let the helper insert the marker at the cursor
        text = form.locator("textarea[name=progress_text]")
        text.press("Control+End")
        text.type(type_marker.split("|")[0])
        form.locator("[data-testid=insert-new-marker]").click()
        text.type(type_marker.split("|")[1])
        expect(text).to_have_value(re.compile(re.escape(f"[[{code}]]") + r"）场$"))
    form.locator("[data-testid=edit-save]").click()
    expect(page.locator("[data-testid=editor-saved]")).to_contain_text(label)
    expect(page.locator(f"tr[data-indicator={code}]")).to_be_visible()


def test_office_builds_2022_from_2021_and_a_section_sees_it(page, live_server, cast, published_2021):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/campaigns/")
    page.click(f"text={published_2021.title}")
    page.click("[data-testid=campaign-copy-toggle]")
    copy = page.locator("[data-testid=copy-form]")
    expect(copy.locator("input[name=year]")).to_have_value("2022")
    copy.locator("input[name=code]").fill("dadukou-commerce-2022")
    copy.locator("input[name=title]").fill("关于开展2022年全区商务领域“安全生产月”活动的通知")
    copy.locator("[data-testid=copy-submit]").click()
    expect(page).to_have_url(re.compile(r"/campaigns/\w+/edit/$"))
    expect(page.locator("[data-testid=essentials-title]")).to_contain_text("2022年")

    # a new blank in item 1, its marker typed into the progress text, and a second one appended
    _add_indicator(
        page, "theory_study", "safety_talk_sessions", "安全讲座场次", "场", type_marker="\n开展安全讲座（|）场"
    )
    _add_indicator(page, "theory_study", "safety_talk_participants", "安全讲座参与人次", "人次")
    progress = page.locator("[data-item=theory_study] [data-testid=progress-text]")
    expect(progress).to_contain_text("开展安全讲座（[[safety_talk_sessions]]）场（[[safety_talk_participants]]）人次")

    # a marker for an unknown indicator is refused at the progress text, what was typed kept
    page.locator("[data-item=theory_study] [data-testid=entry-edit]").first.click()
    text = page.locator("[data-testid=edit-form] textarea[name=progress_text]")
    text.fill(text.input_value() + "[[no_such_blank]]")
    page.click("[data-testid=edit-form] [data-testid=edit-save]")
    expect(page.locator("[data-field-error=progress_text]")).to_contain_text("no_such_blank")
    expect(text).to_have_value(re.compile(r"\[\[no_such_blank\]\]$"))
    page.click("[data-testid=edit-form] [data-testid=edit-cancel]")
    expect(page.locator("[data-testid=edit-form]")).to_have_count(0)

    # the rule: participants >= sessions
    page.click("[data-testid=add-rules]")
    rule = page.locator("[data-testid=edit-form]")
    rule.locator("input[name=code]").fill("safety_talk_participants_at_least_sessions")
    rule.locator("input[name=left]").fill("safety_talk_participants")
    rule.locator("select[name=operator]").select_option(">=")
    rule.locator("input[name=right]").fill("safety_talk_sessions")
    rule.locator("input[name=message]").fill("安全讲座的参与人次不能少于场次。")
    rule.locator("[data-testid=edit-save]").click()
    expect(page.locator("#section-rules")).to_contain_text("safety_talk_participants >= safety_talk_sessions")

    # the preview: the new boxes stand in the form; a violating value shows the rule at the box
    page.click("[data-testid=editor-preview]")
    expect(page.locator("#id_ind-safety_talk_sessions")).to_be_visible()
    page.fill("#id_ind-safety_talk_sessions", "3")
    page.fill("#id_ind-safety_talk_participants", "1")
    page.click("[data-testid=preview-check]")
    expect(page.locator("#id_ind-safety_talk_participants-error")).to_have_text("安全讲座的参与人次不能少于场次。")
    expect(page.locator("#id_ind-safety_talk_participants")).to_have_value("1")
    draft = Campaign.objects.get(code="dadukou-commerce-2022")
    assert draft.status == CampaignStatus.DRAFT

    # the publish checklist asks for the notice's number and date, which the copy left empty
    page.goto(f"{live_server.url}/campaigns/{draft.public_id}/")
    expect(page.locator("[data-testid=publish-errors]")).to_contain_text("请填写成文日期")
    Campaign.objects.filter(pk=draft.pk).update(doc_number="渡商发〔2022〕21号", issue_date="2022-05-30")
    # publish (its deadline, 2022-06-28, has passed: the office confirms the warning)
    page.goto(f"{live_server.url}/campaigns/{draft.public_id}/")
    expect(page.locator("[data-testid=publish-warnings]")).to_contain_text("已过")
    page.check("#confirm-warnings")
    page.click("[data-testid=campaign-publish]")
    expect(page.locator("[data-testid=campaign-status]")).to_have_text("已发布")
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.PUBLISHED

    # a section user sees the published 2022 campaign and its new boxes
    page.context.clear_cookies()
    login(page, live_server, "section")
    page.goto(f"{live_server.url}/campaigns/")
    page.click("text=关于开展2022年全区商务领域“安全生产月”活动的通知")
    expect(page.locator("[data-testid=campaign-title]")).to_contain_text("2022年")
    expect(page.locator("[data-testid=campaign-edit]")).to_have_count(0)
    page.click("[data-testid=campaign-preview]")
    expect(page.locator("#id_ind-safety_talk_participants")).to_be_visible()


def test_campaign_page_and_preview_at_375_px(browser, phone, live_server, cast, published_2021):
    context = browser.new_context(**phone)
    page = context.new_page()
    login(page, live_server, "section")
    for path in ("", "preview/"):
        page.goto(f"{live_server.url}/campaigns/{published_2021.public_id}/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    # the contents fold on a phone: the first opens with a tap
    page.goto(f"{live_server.url}/campaigns/{published_2021.public_id}/")
    first = page.locator("#content-1")
    expect(first).to_be_hidden()
    page.locator("[data-bs-target='#content-1']").click()
    expect(first).to_be_visible()
    context.close()


def test_editor_switches_to_a_second_form_on_a_phone(browser, phone, live_server, cast, published_2021):
    draft = copy_campaign(None, published_2021, "dadukou-commerce-2022", 2022, "2022年安全生产月")
    second = {
        "code": "hazards",
        "attachment_label": "附件2",
        "title": "隐患排查情况统计表",
        "items": [
            {
                "code": "checks",
                "title": "隐患排查",
                "progress_text": "检查（[[check_visits]]）次。",
                "indicators": [{"code": "check_visits", "kind": "integer", "label": "检查次数"}],
            }
        ],
    }
    edit_definition(None, draft, DefinitionEdit("insert", ("forms",), second), expected_version=draft.version)
    context = browser.new_context(**phone)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/campaigns/{draft.public_id}/edit/")
    page.wait_for_load_state("load")
    expect(page.locator("[data-testid=section-items]")).to_have_attribute("data-form", "progress")
    page.click("[data-form-tab=hazards]")
    expect(page).to_have_url(re.compile(r"/edit/\?form=hazards#section-forms$"))
    page.wait_for_load_state("load")
    expect(page.locator("[data-form-tab=hazards]")).to_have_attribute("aria-current", "page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.locator("tr[data-indicator=check_visits] [data-testid=indicator-edit]").click()
    form = page.locator("[data-testid=edit-form]")
    form.locator("input[name=label]").fill("排查次数")
    form.locator("input[name=unit]").fill("次")
    form.locator("[data-testid=edit-save]").click()
    expect(page.locator("[data-testid=editor-saved]")).to_contain_text("排查次数")
    expect(page.locator("tr[data-indicator=check_visits]")).to_contain_text("排查次数")
    expect(page.locator("[data-testid=section-items]")).to_have_attribute("data-form", "hazards")
    expect(page).to_have_url(re.compile(r"\?form=hazards"))
    indicator = draft.forms.get(code="hazards").items.get().indicators.get()
    assert (indicator.label, indicator.unit) == ("排查次数", "次")

    # the first form is reported in a round: removing it is refused with the reason
    page.click("[data-form-tab=progress]")
    page.wait_for_load_state("load")
    page.click("[data-testid=form-delete]")
    expect(page.locator("#section-forms [data-testid=editor-error]")).to_contain_text("不能删除")
    assert draft.forms.count() == 2
    context.close()

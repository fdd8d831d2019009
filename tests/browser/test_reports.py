"""The reporting journey in Chromium: a section fills the 2021 form on a 375-px phone, saves with an
error, fixes it and submits; the office returns it with a reason; the section corrects and
resubmits; the office approves; the district totals show the values."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from safetymonth.reports.models import Report, ReportStatus
from safetymonth.reports.tests.helpers import published_2021, report_of
from tests.browser.conftest import login


def _fill_everything(page, number: str) -> None:
    for box in page.locator("input.sm-blank-int").all():
        box.fill(number)
    for code in page.locator(".sm-blank-yesno").evaluate_all("els => els.map(e => e.dataset.indicator)"):
        page.locator(f"#id_ind-{code}-yes").check()
    page.fill("#id_ind-typical_cases_detail", "春晖路加油站消防通道堵塞，已整改")


def test_section_fills_on_a_phone_and_the_office_reviews(browser, phone, live_server, cast):
    campaign = published_2021(cast)
    rnd = campaign.rounds.get()
    report = report_of(cast, cast.section)

    section = browser.new_context(**phone).new_page()
    login(section, live_server, "section")
    section.goto(f"{live_server.url}/reports/")
    section.locator("[data-testid=report-row][data-org=市场运行科] [data-testid=report-fill]").click()
    expect(section.locator("[data-testid=header-org]")).to_have_text("市场运行科")
    assert section.evaluate("document.documentElement.scrollWidth") <= 375

    # autosave: a typed value is saved without pressing a button (once the page's scripts run)
    section.wait_for_load_state("load")
    section.fill("#id_ind-theory_study_sessions", "2")
    expect(section.locator("[data-testid=autosave-status][data-saved]")).to_be_visible(timeout=10000)
    assert Report.objects.get(pk=report.pk).version == 2

    # fill everything, with participants < sessions for the lectures: saved, error shown at the box
    section.fill("#id_contact_name", "张三")
    section.fill("#id_contact_phone", "023-68083116")
    section.fill("#id_filled_on", "2021-06-25")
    _fill_everything(section, "10")
    section.fill("#id_ind-lecture_participants", "3")
    section.click("[data-testid=save-draft]")
    error = section.locator("#id_ind-lecture_participants-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("不能少于")
    expect(section.locator("#id_ind-lecture_participants")).to_have_value("3")

    # fix it and submit
    section.fill("#id_ind-lecture_participants", "30")
    section.click("[data-testid=submit-report]")
    expect(section).to_have_url(re.compile(r"/reports/\w+/$"))
    expect(section.locator("[data-testid=report-status]")).to_have_attribute("data-status", "submitted")

    # the office returns it with a reason
    office = browser.new_context().new_page()
    login(office, live_server, "office")
    office.goto(f"{live_server.url}/reports/{report.public_id}/")
    office.click("[data-testid=return]")
    expect(office.locator("[data-field-error=reason]")).to_be_visible()  # a reason is required
    office.fill("#id_reason", "宣讲参与人次请与台账核对")
    office.click("[data-testid=return]")
    expect(office.locator("[data-testid=report-status]")).to_have_attribute("data-status", "returned")

    # the section sees the reason, corrects and resubmits
    section.goto(f"{live_server.url}/reports/{report.public_id}/edit/")
    expect(section.locator("[data-testid=return-reason]")).to_contain_text("宣讲参与人次请与台账核对")
    expect(section.locator("#id_ind-lecture_participants")).to_have_value("30")
    section.fill("#id_ind-lecture_participants", "35")
    section.click("[data-testid=submit-report]")
    expect(section.locator("[data-testid=report-status]")).to_have_text("已重新提交")

    # the office approves; the report is locked
    office.goto(f"{live_server.url}/reports/{report.public_id}/")
    office.click("[data-testid=approve]")
    expect(office.locator("[data-testid=report-status]")).to_have_attribute("data-status", "approved")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    section.goto(f"{live_server.url}/reports/{report.public_id}/edit/")
    expect(section).to_have_url(re.compile(r"/reports/\w+/$"))  # no entry page any more

    # the district totals show the values
    office.goto(f"{live_server.url}/reports/rounds/{campaign.public_id}/{rnd.code}/rollup/{cast.commission.public_id}/")
    row = office.locator("tr[data-indicator=lecture_participants]")
    expect(row.locator("[data-testid=total]")).to_have_text("35")
    expect(office.locator("tr[data-indicator=theory_study_sessions] [data-testid=total]")).to_have_text("10")
    expect(office.locator("tr[data-indicator=special_film_studied] [data-testid=total]")).to_have_text("1")
    expect(office.locator("tr[data-indicator=typical_cases_detail] [data-testid=total]")).to_contain_text("市场运行科")


def test_leaving_with_unsaved_input_warns(browser, live_server, cast):
    published_2021(cast)
    report = report_of(cast, cast.section)
    page = browser.new_context().new_page()
    login(page, live_server, "section")
    page.goto(f"{live_server.url}/reports/{report.public_id}/edit/")
    page.click("#id_ind-lecture_sessions")
    page.keyboard.type("7")
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]

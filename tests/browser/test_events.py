"""Events in Chromium: an enterprise's staff record a drill with 35 participants on a 375-px phone
(quick entry) and upload two photos through the evidence widget; the dashboard's share of figures
backed by events with evidence changes; the section's report entry page shows 1 session and 35
人次 ready to take, and taking one fills its blank and clears the discrepancy flag."""

from __future__ import annotations

from playwright.sync_api import expect

from safetymonth.events.models import Event
from safetymonth.evidence.models import Material
from safetymonth.evidence.tests.upload_helpers import jpeg
from safetymonth.reports import services as report_services
from safetymonth.reports.tests.helpers import published_2021, report_of, valid_data
from tests.browser.conftest import login


def test_drill_with_photos_fills_the_section_report(browser, browser_context_args, phone, live_server, cast):
    campaign = published_2021(cast)
    report = report_of(cast, cast.section)
    # the section reported 1 drill and 30 人次 (typed by hand) before any event was recorded
    data = valid_data(report.round.form, number=0, drills="1", drill_participants="30")
    result = report_services.submit_report(cast.section_staff, report, data, report.version)
    assert result.submitted, result.check.errors

    office = browser.new_context(**browser_context_args)
    board = office.new_page()
    login(board, live_server, "office")
    board.goto(f"{live_server.url}/dashboard/")
    expect(board.locator("[data-testid=card-backed]")).to_have_text("0.0%")
    expect(board.locator("[data-testid=backed-share]")).to_contain_text("0 / 2")

    # the enterprise records the drill right after it, on a phone
    context = browser.new_context(**phone)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    login(page, live_server, "enterprise")
    page.goto(f"{live_server.url}/events/calendar/?campaign={campaign.public_id}&month=2021-06")
    expect(page.locator("[data-testid=calendar-days]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{live_server.url}/events/")
    expect(page.locator("[data-testid=quick-entry]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("[data-testid=quick-entry]")
    page.wait_for_url(f"**/events/quick/?campaign={campaign.public_id}")
    page.wait_for_load_state("load")
    page.select_option("#id_event_type", label="灾害避险逃生、自救互救演练")
    page.fill("#id_title", "加油站消防疏散演练")
    page.fill("#id_participants", "35")
    page.fill("#id_place", "中石化春晖路加油站")
    page.click("[data-testid=quick-save]")
    expect(page.locator("[data-testid=event-title]")).to_have_text("加油站消防疏散演练")
    assert "#evidence" in page.url
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.set_input_files(
        "[data-testid=file-input]",
        files=[
            {"name": "演练1.jpg", "mimeType": "image/jpeg", "buffer": jpeg(size=(640, 480))},
            {"name": "演练2.jpg", "mimeType": "image/jpeg", "buffer": jpeg(size=(480, 640))},
        ],
    )
    rows = page.locator("[data-testid=upload-row]")
    expect(rows).to_have_count(2)
    heading = page.locator("[data-testid=event-evidence-heading]")
    expect(heading).to_have_text("佐证材料（0）")
    page.click("[data-testid=upload-all]")
    for i in range(2):
        expect(rows.nth(i).locator("[data-testid=upload-progress]")).to_have_attribute("value", "100", timeout=20000)
    expect(page.locator("[data-testid=event-materials] [data-testid=upload-card]")).to_have_count(2, timeout=10000)
    expect(heading).to_have_text("佐证材料（2）")  # the count follows the uploads, no reload
    page.goto(f"{live_server.url}/events/?campaign={campaign.public_id}&evidence=with")
    expect(page.locator("[data-testid=event-row]")).to_have_count(1)
    expect(page.locator("[data-testid=has-evidence]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    event = Event.objects.get()
    assert event.participants == 35 and event.org == cast.enterprise
    assert Material.objects.filter(event=event).count() == 2
    assert not [m for m in console if "Content Security Policy" in m]
    context.close()

    # both reported figures are now backed by an event with evidence
    board.reload()
    expect(board.locator("[data-testid=card-backed]")).to_have_text("100.0%")
    expect(board.locator("[data-testid=backed-share]")).to_contain_text("2 / 2")
    office.close()

    # the office returns the report; the section sees the recorded figures and takes one
    report_services.return_report(cast.office, report, "请按活动记录核对演练人次")
    section = browser.new_context(**browser_context_args)
    entry = section.new_page()
    login(entry, live_server, "section")
    entry.goto(f"{live_server.url}/reports/{report.public_id}/edit/")
    entry.wait_for_load_state("load")
    drills = entry.locator("[data-testid=recorded-drills]")
    people = entry.locator("[data-testid=recorded-drill_participants]")
    expect(drills.locator("[data-testid=recorded-total]")).to_have_text("1")
    expect(people.locator("[data-testid=recorded-total]")).to_have_text("35")
    expect(people).to_contain_text("下属单位 35")
    expect(drills).to_contain_text("佐证材料 2 份")
    expect(people.locator("[data-testid=differs-drill_participants]")).to_be_visible()
    expect(drills.locator("[data-testid=differs-drills]")).to_be_hidden()
    entry.click("[data-testid=take-drill_participants]")
    expect(entry.locator("#id_ind-drill_participants")).to_have_value("35")
    expect(people.locator("[data-testid=differs-drill_participants]")).to_be_hidden()
    entry.fill("#id_ind-drill_participants", "36")
    expect(people.locator("[data-testid=differs-drill_participants]")).to_be_visible()
    entry.click("[data-testid=take-all]")
    expect(entry.locator("#id_ind-drill_participants")).to_have_value("35")
    expect(entry.locator("#id_ind-lecture_sessions")).to_have_value("0")  # no lectures recorded
    expect(people.locator("[data-testid=differs-drill_participants]")).to_be_hidden()
    section.close()

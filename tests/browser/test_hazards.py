"""The hazard journey in Chromium: an enterprise's staff member on a 375-px phone registers a hazard
with a photo and rectifies it with an after photo; the section verifies and closes it; the office
publishes it as a case; a visitor without an account reads it."""

from __future__ import annotations

from playwright.sync_api import expect

from safetymonth.evidence.tests.upload_helpers import jpeg
from safetymonth.hazards.models import ExposureCase, Hazard, HazardStatus
from safetymonth.reports.tests.helpers import published_2021
from tests.browser.conftest import login


def _upload(page, name: str) -> None:
    page.set_input_files("[data-testid=file-input]", files=[{"name": name, "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.click("[data-testid=upload-all]")
    expect(page.locator("[data-testid=upload-status]").last).to_have_class("small text-success", timeout=20000)


def test_hazard_from_phone_to_public_case(browser, browser_context_args, phone, live_server, cast):
    published_2021(cast)  # hazard photos are filed under the campaign in progress
    context = browser.new_context(**phone)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "enterprise")
    page.goto(f"{live_server.url}/hazards/quick/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#id_description", "后厨燃气软管老化开裂")
    page.fill("#id_place", "后厨")
    page.select_option("#id_category", label="燃气")
    page.click("[data-testid=hazard-save]")
    expect(page.locator("[data-testid=hazard-title]")).to_contain_text("后厨燃气软管老化开裂")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _upload(page, "整改前.jpg")
    hazard = Hazard.objects.get(description="后厨燃气软管老化开裂")
    assert hazard.materials.filter(hazard_phase="before").count() == 1

    page.click("[data-testid=hazard-plan]")
    page.fill("#id_measures", "更换燃气软管")
    page.fill("#id_deadline", "2099-12-31")
    page.click("[data-testid=hazard-step-save]")
    page.click("[data-testid=hazard-start]")
    expect(page.locator("[data-testid=hazard-status]")).to_contain_text("整改中")
    _upload(page, "整改后.jpg")
    assert hazard.materials.filter(hazard_phase="after").count() == 1
    page.click("[data-testid=hazard-rectify]")
    page.fill("#id_note", "已更换为金属波纹管")
    page.click("[data-testid=hazard-step-save]")
    expect(page.locator("[data-testid=hazard-status]")).to_contain_text("待验收")
    context.close()

    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "section")
    page.goto(f"{live_server.url}/hazards/{hazard.public_id}/")
    expect(page.locator("[data-testid=photos-before] img")).to_have_count(1)
    expect(page.locator("[data-testid=photos-after] img")).to_have_count(1)
    page.click("[data-testid=hazard-verify]")
    page.check("input[name=result][value=pass]")
    page.click("[data-testid=hazard-step-save]")
    expect(page.locator("[data-testid=hazard-status]")).to_contain_text("已销号")
    context.close()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED

    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/hazards/{hazard.public_id}/")
    page.click("[data-testid=hazard-expose]")
    page.fill("#id_title", "某餐馆燃气软管老化")
    page.fill("#id_public_text", "后厨燃气软管老化开裂，已更换并验收。")
    page.locator("input[name=photos]").first.check()
    page.click("[data-testid=case-save]")
    page.click("[data-testid=case-publish]")
    expect(page.locator("[data-testid=case-status]")).to_contain_text("已发布")
    context.close()
    case = ExposureCase.objects.get(hazard=hazard)

    context = browser.new_context(**phone)
    page = context.new_page()
    page.goto(f"{live_server.url}/exposure/")
    page.click("text=某餐馆燃气软管老化")
    expect(page.locator("[data-testid=exposure-text]")).to_contain_text("已更换并验收")
    image = page.locator("[data-testid=exposure-photos] img").first
    expect(image).to_be_visible()
    assert page.evaluate("el => el.naturalWidth", image.element_handle()) > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert case.public_id in page.url
    context.close()

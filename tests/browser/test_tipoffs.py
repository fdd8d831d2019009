"""The tip-off journey in Chromium on a 375-px phone: a member of the public files a tip (the
browser solves the proof-of-work), keeps the receipt code, later signs in with it, reads the
handler's question and answers it."""

from __future__ import annotations

from playwright.sync_api import expect

from safetymonth.tipoffs import services
from safetymonth.tipoffs.models import TipMessage, TipOff


def test_public_files_a_tip_and_answers_the_handler(browser, phone, live_server, cast, settings):
    settings.TIP_POW_BITS = 12
    context = browser.new_context(**phone)
    page = context.new_page()
    page.goto(f"{live_server.url}/tips/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.check("input[name=category][value=illegal_fuel]")
    page.fill("#id_enterprise_name", "大渡口示例加油站")
    page.fill("#id_details", "夜里有罐车在站外给摩托车卖散装汽油。")
    page.check("#id_is_employee")
    page.fill("#id_phone", "13912345678")
    page.check("#id_consent")
    page.click("[data-testid=tip-submit]")
    code = page.locator("[data-testid=receipt-code]").inner_text().strip()
    assert len(code.replace(" ", "")) == 16
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    tip = TipOff.objects.get()
    assert tip.pow_checked and tip.is_employee  # the browser solved the proof-of-work

    services.accept_tip(cast.tip_handler, tip)
    services.add_handler_message(cast.tip_handler, tip, "请问大概几点？罐车车牌记得吗？")

    page.goto(f"{live_server.url}/tips/follow/")
    page.fill("#id_code", code)
    page.click("[data-testid=follow-submit]")
    expect(page.locator("[data-testid=tip-status]")).to_have_text("已受理")
    expect(page.locator("[data-testid=tip-messages]")).to_contain_text("罐车车牌记得吗")
    page.fill("#id_text", "晚上十一点左右，车牌渝B开头。")
    page.click("[data-testid=reply-submit]")
    expect(page.locator("[data-testid=tip-messages]")).to_contain_text("车牌渝B开头")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert TipMessage.objects.filter(sender="reporter").count() == 1
    context.close()

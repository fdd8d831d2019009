"""Second factor in the browser: an office user (the role requires it) signs in with the password,
is sent to the enrolment page, scans (reads) the QR code's key, confirms with the app's code, sees
the recovery codes once, and next time signs in with password and code."""

from __future__ import annotations

import re
from base64 import b32decode

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.conftest import login


def _code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key now (or 30 s × steps_ahead later)."""
    return f"{totp(b32decode(secret), t0=-30 * steps_ahead):06d}"


def test_office_enrols_an_authenticator_and_signs_in_with_it(page, live_server, cast, settings):
    settings.OTP_REQUIRED_ROLES = ["office", "tip_handler"]
    login(page, live_server, "office")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/$"))
    qr = page.get_by_test_id("otp-qr")
    expect(qr).to_be_visible()
    # the QR code is an image made on the server; the CSP lets it load (it has a size)
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.get_by_test_id("otp-secret").inner_text().strip()

    page.fill("#id_token", "000000" if _code(secret) != "000000" else "111111")
    page.get_by_test_id("otp-confirm").click()
    expect(page.locator("[data-field-error=token]").first).to_be_visible()

    page.fill("#id_token", _code(secret))
    page.get_by_test_id("otp-confirm").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    page.get_by_test_id("recovery-codes-done").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    login(page, live_server, "office")
    expect(page).to_have_url(re.compile(r"/accounts/login/code/$"))
    page.fill("#id_token", _code(secret, 1))  # the next period's code: the enrolment used this one
    page.get_by_test_id("otp-submit").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_enrolment_page_fits_a_phone(browser, live_server, cast, settings, phone):
    settings.OTP_REQUIRED_ROLES = ["tip_handler"]
    context = browser.new_context(**phone)
    page = context.new_page()
    try:
        login(page, live_server, "tips")
        expect(page).to_have_url(re.compile(r"/accounts/second-factor/$"))
        expect(page.get_by_test_id("otp-qr")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()

"""The second factor (TOTP through django-otp, plus single-use recovery codes): enrolment, sign-in
with the code, wrong codes (audited and limited), recovery codes, the office's reset, the per-role
requirement (OTP_REQUIRED_ROLES)."""

from __future__ import annotations

import re
import time
from binascii import unhexlify

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetymonth.accounts import services
from safetymonth.audit.models import AuditEntry
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
SETUP = "/accounts/second-factor/"
CODE = "/accounts/login/code/"


def code_for(key_hex: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` periods of 30 s later)."""
    return f"{totp(unhexlify(key_hex), t0=-30 * steps_ahead):06d}"


def _enrol(client: Client) -> tuple[str, list[str]]:
    """Open the enrolment page, type the current code; returns the key and the recovery codes."""
    page = client.get(SETUP)
    assert page.status_code == 200
    key = client.session["accounts_otp_key"]
    done = client.post(SETUP, {"token": code_for(key)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    return key, codes


@pytest.fixture
def enrolled(cast):
    """The office user with an authenticator (key) and its recovery codes."""
    client = Client()
    client.force_login(cast.office)
    key, codes = _enrol(client)
    return key, codes


def _password_step(client: Client, username: str = "office"):
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def test_enrolment_shows_an_offline_qr_code_and_recovery_codes_once(cast):
    client = Client()
    client.force_login(cast.office)
    page = client.get(SETUP).content.decode()
    assert 'src="data:image/svg+xml' in page  # made here, no outside service; CSP allows data: images
    assert 'data-testid="otp-secret"' in page
    key, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=cast.office)
    assert device.confirmed and device.key == key
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, summary="启用双因素认证")
    assert entry.actor == cast.office
    assert not any(code in str(entry.changes) for code in codes)  # codes never reach the log
    # afterwards the page says it is on and shows no codes again
    again = client.get(SETUP).content.decode()
    assert 'data-testid="otp-enrolled"' in again
    assert codes[0] not in again


def test_enrolment_with_a_wrong_code_says_so_at_the_field_and_is_audited(cast):
    client = Client()
    client.force_login(cast.office)
    client.get(SETUP)
    key = client.session["accounts_otp_key"]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"token": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert "动态口令不正确" in html
    assert f'value="{wrong}"' in html
    assert client.session["accounts_otp_key"] == key  # the same QR code stays valid
    assert not TOTPDevice.objects.filter(user=cast.office).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.LOGIN_FAILED, summary="启用双因素认证时动态口令错误"
    ).exists()
    for bad in ["12345", "abcdef", "１２３４５６", "1234567"]:
        response = client.post(SETUP, {"token": bad})
        assert response.status_code == 200
        assert "动态口令是 6 位数字" in response.content.decode()


def test_login_asks_for_the_code_after_the_password(cast, enrolled):
    key, _codes = enrolled
    client = Client()
    response = _password_step(client)
    assert response.status_code == 302 and response["Location"] == CODE
    assert "_auth_user_id" not in client.session  # not signed in yet
    assert client.get("/").status_code == 302  # pages still need a login
    response = client.post(CODE, {"token": code_for(key, 1)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.office.pk)
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor=cast.office).exists()


def test_the_same_code_cannot_be_used_twice(cast, enrolled):
    key, _codes = enrolled
    first = Client()
    _password_step(first)
    token = code_for(key, 1)
    assert first.post(CODE, {"token": token}).status_code == 302
    second = Client()
    _password_step(second)
    assert second.post(CODE, {"token": token}).status_code == 200


def test_wrong_code_is_refused_audited_and_limited(cast, enrolled, settings):
    key, _codes = enrolled
    settings.OTP_FAILURE_LIMIT = 3
    client = Client()
    _password_step(client)
    wrong = f"{(int(code_for(key, 1)) + 500_000) % 1_000_000:06d}"
    response = client.post(CODE, {"token": wrong})
    assert response.status_code == 200
    assert "动态口令或恢复码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, summary="登录时动态口令错误")
    assert failed.count() == 1 and failed.get().object_id == cast.office.public_id
    assert client.post(CODE, {"token": "%00../"}).status_code == 200  # hostile input: a message, no 500
    client.post(CODE, {"token": wrong})
    response = client.post(CODE, {"token": wrong})
    assert response.status_code == 429
    # the sign-in is dropped and even the right code is refused until the limit runs out
    assert client.post(CODE, {"token": code_for(key, 1)}).status_code == 302
    other = Client()
    _password_step(other)
    assert other.post(CODE, {"token": code_for(key, 1)}).status_code == 429
    assert "_auth_user_id" not in other.session


def test_a_recovery_code_works_once(cast, enrolled):
    _key, codes = enrolled
    client = Client()
    _password_step(client)
    assert client.post(CODE, {"token": codes[0].upper()}).status_code == 302
    assert client.session["_auth_user_id"] == str(cast.office.pk)
    assert StaticToken.objects.count() == 9
    assert AuditEntry.objects.filter(summary__startswith="使用恢复码登录").exists()
    again = Client()
    _password_step(again)
    assert again.post(CODE, {"token": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session


def test_an_office_user_resets_another_users_second_factor(cast, enrolled):
    _key, _codes = enrolled
    # a second office user in the same subtree
    from safetymonth.accounts.models import Membership, Role
    from tests.factories import make_user

    colleague = make_user("office2", cast.commission, Role.OFFICE)
    client = Client()
    client.force_login(colleague)
    detail = client.get(reverse("accounts:user_detail", args=[cast.office.public_id])).content.decode()
    assert 'data-testid="otp-reset"' in detail
    client.post(reverse("accounts:otp_reset", args=[cast.office.public_id]))
    assert not TOTPDevice.objects.filter(user=cast.office).exists()
    assert not StaticToken.objects.exists()
    entry = AuditEntry.objects.get(summary="重置双因素认证")
    assert entry.actor == colleague and entry.object_id == cast.office.public_id
    # the password alone signs in again (no role requires the factor here)
    assert _password_step(Client()).status_code == 302
    # an office elsewhere cannot; nobody resets their own
    outsider = Client()
    outsider.force_login(cast.other_office)
    assert outsider.post(reverse("accounts:otp_reset", args=[colleague.public_id])).status_code == 404
    assert Membership.objects.filter(user=colleague).exists()
    with pytest.raises(services.ValidationError):
        services.reset_second_factor(colleague, colleague)


def test_a_required_role_must_enrol_first(cast, settings):
    settings.OTP_REQUIRED_ROLES = ["office", "tip_handler"]
    client = Client()
    assert _password_step(client).status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == SETUP
    assert client.get("/api/v1/me").status_code == 403
    key, _codes = _enrol(client)
    assert client.get("/").status_code == 200  # verified by the enrolment itself
    # next time: password, then the code
    fresh = Client()
    assert _password_step(fresh)["Location"] == CODE
    assert fresh.post(CODE, {"token": code_for(key, 1)}).status_code == 302
    assert fresh.get("/").status_code == 200
    # roles not listed are not asked
    section = Client()
    _password_step(section, "section")
    assert section.get("/").status_code == 200


def test_a_session_without_the_code_is_sent_back_to_sign_in(cast, enrolled, settings):
    settings.OTP_REQUIRED_ROLES = ["office"]
    client = Client()
    client.force_login(cast.office)  # e.g. a session from before the enrolment
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_code_step_expires(cast, enrolled, monkeypatch):
    key, _codes = enrolled
    client = Client()
    _password_step(client)
    later = time.time() + 6 * 60
    monkeypatch.setattr("safetymonth.accounts.views.time.time", lambda: later)
    assert client.post(CODE, {"token": code_for(key, 1)})["Location"] == LOGIN


def test_a_password_reset_between_the_steps_voids_the_code_step(cast, enrolled):
    key, _codes = enrolled
    client = Client()
    _password_step(client)
    services.reset_password(cast.office, cast.section_staff)  # someone else: no effect
    cast.office.set_password("Another-Password-2026")
    cast.office.save(update_fields=["password"])
    assert client.post(CODE, {"token": code_for(key, 1)})["Location"] == LOGIN
    assert "_auth_user_id" not in client.session

"""Login throttling end to end (django-axes): five wrong passwords for one username and address lock
the account out, the audit log has every failure and the lock-out, and the office can lift it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from safetymonth.audit.models import AuditEntry
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def _fail(client: Client, username: str = "section"):
    return client.post(LOGIN, {"username": username, "password": "wrong-Password-1"})


def test_login_page_is_public_and_chinese(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "登录安全生产月活动管理平台" in response.content.decode()


def test_wrong_password_shows_a_chinese_message_and_keeps_the_username(client, cast):
    response = _fail(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名或密码不正确" in html
    assert 'value="section"' in html


def test_five_failures_lock_the_account_out(client, cast):
    for _i in range(4):
        assert _fail(client).status_code == 200
    locked = _fail(client)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'data-testid="locked-out"' in html
    assert "请 15 分钟后再试" in html
    # even the right password is refused now
    again = client.post(LOGIN, {"username": "section", "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session

    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, actor_name="section")
    assert failed.count() >= 5
    assert failed.first().org == cast.section
    assert failed.first().ip == "127.0.0.1"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT, actor_name="section").count() >= 1


def test_exactly_five_failures_and_one_lock_out_are_logged(client, cast):
    for _i in range(5):
        _fail(client)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, actor_name="section").count() == 5
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT, actor_name="section").count() == 1


def test_lock_out_is_per_username_and_address(client, cast):
    for _i in range(5):
        _fail(client)
    # another user from the same address still logs in
    assert client.post(LOGIN, {"username": "leader", "password": PASSWORD}).status_code == 302
    # the same user from another address too
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(LOGIN, {"username": "section", "password": PASSWORD}).status_code == 302


def test_office_unlocks_and_the_user_logs_in(client, cast):
    for _i in range(5):
        _fail(client)
    office = Client()
    office.force_login(cast.office)
    detail = office.get(reverse("accounts:user_detail", args=[cast.section_staff.public_id]))
    assert 'data-testid="user-locked"' in detail.content.decode()
    office.post(reverse("accounts:user_unlock", args=[cast.section_staff.public_id]))
    response = client.post(LOGIN, {"username": "section", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor_name="section").exists()


def test_successful_login_resets_the_counter(client, cast):
    for _i in range(4):
        _fail(client)
    assert client.post(LOGIN, {"username": "section", "password": PASSWORD}).status_code == 302
    client.post(reverse("accounts:logout"))
    for _i in range(4):
        assert _fail(client).status_code == 200


# --- behind a proxy: the lock-out keys on the real client (issue 11) -------------------------------

PROXY = "10.0.0.1"  # nginx: every request arrives from here


def _via_proxy(client_address: str, forged: str = "") -> Client:
    """A client behind our one proxy, which appends the address it saw to X-Forwarded-For."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_the_proxy_a_strangers_failures_do_not_lock_the_user_out(cast, settings):
    settings.PROXY_COUNT = 1
    stranger = _via_proxy("198.51.100.66")
    for _i in range(5):
        _fail(stranger)
    assert _fail(stranger).status_code == 429
    # the real user, from another address through the same proxy, still signs in
    user = _via_proxy("192.0.2.10")
    assert user.post(LOGIN, {"username": "section", "password": PASSWORD}).status_code == 302
    locked = AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT, actor_name="section")
    assert {e.ip for e in locked} == {"198.51.100.66"}


def test_a_forged_forwarded_for_does_not_escape_the_lock_out(cast, settings):
    settings.PROXY_COUNT = 1
    for i in range(5):
        _fail(_via_proxy("198.51.100.66", forged=f"203.0.113.{i}"))
    # a new forged address each time: still the same real client, still locked
    response = _via_proxy("198.51.100.66", forged="203.0.113.99").post(
        LOGIN, {"username": "section", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert set(AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).values_list("ip", flat=True)) == {
        "198.51.100.66"
    }


def test_a_forged_forwarded_for_cannot_lock_out_someone_else(cast, settings):
    settings.PROXY_COUNT = 1
    for _i in range(5):
        _fail(_via_proxy("198.51.100.66", forged="192.0.2.10"))
    user = _via_proxy("192.0.2.10")
    assert user.post(LOGIN, {"username": "section", "password": PASSWORD}).status_code == 302


def test_per_address_limit_refuses_before_checking_the_password(cast, settings):
    settings.PROXY_COUNT = 1
    settings.LOGIN_RATE_LIMIT = 3
    flood = _via_proxy("198.51.100.66")
    usernames = ["a1", "a2", "a3"]  # different usernames: axes alone would never stop this
    for name in usernames:
        assert _fail(flood, name).status_code == 200
    refused = flood.post(LOGIN, {"username": "section", "password": PASSWORD})
    assert refused.status_code == 429
    assert 'data-testid="too-many-attempts"' in refused.content.decode()
    assert "_auth_user_id" not in flood.session
    # the refused attempt never reached authentication: no failure recorded for it
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, actor_name="section").exists()
    # one audit entry for the refusals of the window, from the flooding address
    assert list(AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT).values_list("ip", flat=True)) == [
        "198.51.100.66"
    ]
    # another address is not affected
    assert _via_proxy("192.0.2.10").post(LOGIN, {"username": "section", "password": PASSWORD}).status_code == 302


def test_per_address_limit_message_is_translated(cast, settings):
    settings.LOGIN_RATE_LIMIT = 1
    _fail(Client())
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()

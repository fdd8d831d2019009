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

"""Password rules (10+ characters, 3 of 4 classes, not the username), the password change page, and
the forced change for new accounts and after a reset."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from safetymonth.accounts.models import User
from safetymonth.accounts.validators import CharacterClassValidator, NotUsernameValidator
from safetymonth.audit.models import AuditEntry
from tests.factories import PASSWORD

NEW = "Xin-Mima-2021!"


@pytest.mark.parametrize(
    "password, classes",
    [
        ("abcdefghij", 1),
        ("abcdeFGHIJ", 2),
        ("abcde12345", 2),
        ("abcdeFG345", 3),
        ("abcde-2345", 3),
        ("ABCDE-2345", 3),
        ("abcDE-2345", 4),
        ("安全生产月abc123", 2),  # Chinese characters count as no class
    ],
)
def test_character_classes(password, classes):
    validator = CharacterClassValidator(min_classes=3)
    if classes >= 3:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as exc:
            validator.validate(password)
        assert exc.value.code == "password_too_simple"
        assert "至少 3 类" in exc.value.messages[0]


@pytest.mark.parametrize(
    "password, ok",
    [
        ("zhangsan", False),
        ("ZhangSan", False),
        ("Zhangsan-2021", False),
        ("2021@zhangsan!", False),
        ("zhang-san-2021", True),
        ("Anquan@2021yue", True),
    ],
)
def test_not_the_username(password, ok):
    user = User(username="zhangsan")
    validator = NotUsernameValidator()
    if ok:
        validator.validate(password, user)
    else:
        with pytest.raises(ValidationError) as exc:
            validator.validate(password, user)
        assert exc.value.code == "password_is_username"


def test_not_the_username_without_a_user():
    NotUsernameValidator().validate("whatever-Passw0rd", None)


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Ab1-defgh", False),  # 9 characters
        ("Ab1-defghi", True),  # 10 characters, 4 classes
        ("abcdefghijkl", False),  # 1 class
        ("abcdefgh12", False),  # 2 classes
        ("abcdefgH12", True),  # 3 classes
        ("Zhangsan-2021", False),  # contains the username
    ],
)
def test_configured_rules(password, ok, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    user = User(username="zhangsan")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_length_rule_is_ten(settings):
    with pytest.raises(ValidationError) as exc:
        validate_password("Ab1-defgh", User(username="someone"))
    assert any(e.code == "password_too_short" for e in exc.value.error_list)


def test_help_texts_are_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        html = password_validators_help_text_html()
    assert "至少包含小写字母、大写字母、数字、符号四类中的 3 类" in html
    assert "不能与用户名相同或包含用户名" in html
    assert "10" in html and "字符" in html


# --- password change page ----------------------------------------------------------------------


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.section_staff)
    return client


def test_password_change_page(signed_in):
    response = signed_in.get(reverse("accounts:password_change"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "原密码" in html and "新密码" in html
    assert "四类中的 3 类" in html


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}, "old_password", "原密码不正确"),
        ({"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"}, "new_password2", "不一致"),
        ({"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}, "new_password2", ""),
        (
            {"old_password": PASSWORD, "new_password1": "section-Anquan1", "new_password2": "section-Anquan1"},
            "new_password2",
            "用户名",
        ),
        (
            {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
            "new_password2",
            "不能与原密码相同",
        ),
    ],
)
def test_password_change_errors(signed_in, cast, data, field, message):
    response = signed_in.post(reverse("accounts:password_change"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    cast.section_staff.refresh_from_db()
    assert cast.section_staff.check_password(PASSWORD)


def test_password_change_succeeds_keeps_session_and_is_audited(signed_in, cast):
    response = signed_in.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    cast.section_staff.refresh_from_db()
    assert cast.section_staff.check_password(NEW)
    assert signed_in.get(reverse("core:home")).status_code == 200  # still signed in
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD, object_id=cast.section_staff.public_id)
    assert NEW not in str(entry.changes)


# --- forced change -----------------------------------------------------------------------------


@pytest.fixture
def must_change(client, cast):
    cast.section_staff.must_change_password = True
    cast.section_staff.save(update_fields=["must_change_password"])
    client.force_login(cast.section_staff)
    return client


@pytest.mark.parametrize(
    "url_name, args",
    [("core:home", []), ("orgs:list", []), ("accounts:user_list", []), ("audit:list", [])],
)
def test_must_change_redirects_every_page(must_change, url_name, args):
    response = must_change.get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


def test_must_change_leaves_password_change_logout_health_and_language(must_change):
    page = must_change.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert 'data-testid="password-change-required"' in page.content.decode()
    assert must_change.get(reverse("core:healthz")).status_code == 200
    assert must_change.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}).status_code == 302
    assert must_change.post(reverse("accounts:logout")).status_code == 302
    assert must_change.get(reverse("core:home")).status_code == 302  # now signed out: login page
    assert reverse("accounts:login") in must_change.get(reverse("core:home"))["Location"]


def test_must_change_refuses_the_api(must_change):
    response = must_change.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json() == {"detail": "Password change required."}


def test_must_change_htmx_request_gets_a_client_redirect(must_change):
    response = must_change.get(reverse("core:home"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("accounts:password_change")


def test_after_changing_the_password_the_pages_open(must_change, cast):
    must_change.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    cast.section_staff.refresh_from_db()
    assert not cast.section_staff.must_change_password
    assert must_change.get(reverse("core:home")).status_code == 200


def test_new_user_logs_in_and_must_change(cast):
    from safetymonth.accounts import services

    user, password = services.create_user(
        cast.office, username="newbie", full_name="新人", org=cast.enterprise, role="enterprise_staff"
    )
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "newbie", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_change")
    assert "请先设置一个只有您自己知道的新密码" in response.content.decode()

"""The office's user pages, for each role; bad input re-renders with the message at the field."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from safetymonth.accounts.models import Role, User
from safetymonth.audit.models import AuditEntry
from tests.factories import make_user

GOOD = "Qiye-Anquan-2021"


@pytest.fixture
def office(client, cast):
    client.force_login(cast.office)
    return client


def _create_data(cast, **over):
    data = {
        "username": "wangwu",
        "full_name": "王五",
        "phone": "13800138000",
        "email": "",
        "org": cast.section.public_id,
        "role": Role.SECTION_STAFF,
        "password_mode": "set",
        "password": GOOD,
        "password2": GOOD,
    }
    data.update(over)
    return data


# --- list --------------------------------------------------------------------------------------


def test_user_list_shows_the_subtree_only(office, cast):
    html = office.get(reverse("accounts:user_list")).content.decode()
    for username in ["office", "leader", "section", "enterprise", "tips", "other_section", "other_enterprise"]:
        assert f">{username}</a>" in html
    assert ">other_office</a>" not in html
    assert ">norole</a>" not in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=SECTION", {"section", "other_section"}),
        ("q=示例加油站", {"enterprise"}),
        ("role=enterprise_staff", {"enterprise", "other_enterprise"}),
        ("role=section_staff&org={section}", {"section"}),
        ("org={section}", {"section", "enterprise"}),
        ("active=0", {"leader"}),
    ],
)
def test_user_list_filters(office, cast, query, expected):
    cast.leader.is_active = False
    cast.leader.save(update_fields=["is_active"])
    response = office.get(reverse("accounts:user_list") + "?" + query.format(section=cast.section.public_id))
    assert {u.username for u in response.context["page"]} == expected


def test_user_list_survives_bad_filters(office):
    response = office.get(reverse("accounts:user_list") + "?org=nope&role=king&active=7&page=abc")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 7


def test_user_list_paginates(office, cast):
    for i in range(30):
        make_user(f"bulk{i:02d}", cast.enterprise2, Role.ENTERPRISE_STAFF)
    first = office.get(reverse("accounts:user_list"))
    assert len(first.context["page"]) == 25
    assert 'data-testid="next-page"' in first.content.decode()
    second = office.get(reverse("accounts:user_list") + "?role=enterprise_staff&page=2")
    assert second.context["page"].number == 2
    assert "role=enterprise_staff&amp;page=" in second.content.decode()


def test_other_office_sees_none_of_our_users(client, cast):
    client.force_login(cast.other_office)
    response = client.get(reverse("accounts:user_list"))
    assert {u.username for u in response.context["page"]} == {"other_office"}


@pytest.mark.parametrize("role", ["leader", "section_staff", "enterprise_staff", "tip_handler", "no_role"])
def test_user_pages_refuse_other_roles(client, cast, role):
    client.force_login(cast.users_by_role()[role])
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[cast.section_staff.public_id])).status_code == 403


# --- create ------------------------------------------------------------------------------------


def test_create_user_with_a_typed_password(office, cast):
    response = office.post(reverse("accounts:user_create"), _create_data(cast))
    user = User.objects.get(username="wangwu")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.public_id])
    assert user.must_change_password and user.check_password(GOOD)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=user.public_id).exists()


def test_create_user_with_a_generated_password_shows_it_once(office, cast):
    response = office.post(reverse("accounts:user_create"), _create_data(cast, password_mode="generate", password=""))
    assert response.status_code == 200
    password = response.context["password"]
    assert User.objects.get(username="wangwu").check_password(password)
    assert f'data-testid="shown-password">{password}<' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_weak_password_is_refused_at_the_field_and_input_kept(office, cast):
    response = office.post(reverse("accounts:user_create"), _create_data(cast, password="abc", password2="abc"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "password" in form.errors
    html = response.content.decode()
    assert 'data-field-error="password"' in html
    assert 'value="wangwu"' in html and 'value="王五"' in html and 'value="13800138000"' in html
    assert not User.objects.filter(username="wangwu").exists()


@pytest.mark.parametrize(
    "over, field, message",
    [
        ({"password2": GOOD + "x"}, "password2", "两次输入的密码不一致"),
        ({"password": "", "password2": ""}, "password", "请输入密码"),
        ({"password": "wangwu-Anquan1", "password2": "wangwu-Anquan1"}, "password", "用户名"),
        ({"password": "alllowercaseletters"}, "password", "四类"),
        ({"role": Role.ENTERPRISE_STAFF}, "role", "只能授予"),
        ({"username": "Office"}, "username", "已被使用"),
        ({"username": "bad name!"}, "username", ""),
        ({"phone": "12345"}, "phone", "有效的手机号"),
        ({"email": "not-an-email"}, "email", ""),
        ({"org": "nope"}, "org", ""),
    ],
)
def test_create_user_errors(office, cast, over, field, message):
    response = office.post(reverse("accounts:user_create"), _create_data(cast, **over))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not User.objects.filter(full_name="王五").exists()


def test_create_user_cannot_pick_an_org_outside_the_subtree(office, cast):
    response = office.post(
        reverse("accounts:user_create"), _create_data(cast, org=cast.other_authority.public_id, role=Role.OFFICE)
    )
    assert "org" in response.context["form"].errors
    assert not User.objects.filter(username="wangwu").exists()


def test_create_form_lists_only_orgs_in_scope(office, cast):
    html = office.get(reverse("accounts:user_create")).content.decode()
    assert cast.enterprise.public_id in html
    assert cast.other_authority.public_id not in html


# --- detail, edit, roles -----------------------------------------------------------------------


def test_user_detail(office, cast):
    response = office.get(reverse("accounts:user_detail", args=[cast.section_staff.public_id]))
    html = response.content.decode()
    assert "市场运行科" in html and "科室人员" in html
    assert 'data-testid="user-deactivate"' in html
    assert 'data-testid="user-unlock"' not in html


def test_user_detail_of_yourself_has_no_deactivate_or_reset(office, cast):
    html = office.get(reverse("accounts:user_detail", args=[cast.office.public_id])).content.decode()
    assert 'data-testid="user-deactivate"' not in html
    assert 'data-testid="password-reset"' not in html


def test_user_with_a_membership_outside_is_404(client, cast):
    section_office = make_user("section_office", cast.section, Role.OFFICE)
    client.force_login(section_office)
    assert client.get(reverse("accounts:user_detail", args=[cast.enterprise_staff.public_id])).status_code == 200
    assert client.get(reverse("accounts:user_detail", args=[cast.other_section_staff.public_id])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[cast.office.public_id])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=["nosuchuser"])).status_code == 404


def test_edit_user(office, cast):
    url = reverse("accounts:user_edit", args=[cast.section_staff.public_id])
    bad = office.post(url, {"full_name": "张敏", "phone": "0000", "email": ""})
    assert bad.status_code == 200
    assert "phone" in bad.context["form"].errors
    assert 'value="张敏"' in bad.content.decode()
    good = office.post(url, {"full_name": "张敏", "phone": "023 6808 3116", "email": "zm@example.cn"})
    assert good.status_code == 302
    cast.section_staff.refresh_from_db()
    assert (cast.section_staff.full_name, cast.section_staff.phone) == ("张敏", "02368083116")


def test_add_membership(office, cast):
    url = reverse("accounts:membership_add", args=[cast.section_staff.public_id])
    bad = office.post(url, {"org": cast.enterprise.public_id, "role": Role.SECTION_STAFF})
    assert bad.status_code == 200
    assert "只能授予" in " ".join(bad.context["membership_form"].errors["role"])
    outside = office.post(url, {"org": cast.other_authority.public_id, "role": Role.LEADER})
    assert "org" in outside.context["membership_form"].errors
    good = office.post(url, {"org": cast.other_section.public_id, "role": Role.SECTION_STAFF})
    assert good.status_code == 302
    assert cast.section_staff.memberships.count() == 2
    dup = office.post(url, {"org": cast.other_section.public_id, "role": Role.SECTION_STAFF})
    assert "已经是这个角色" in " ".join(dup.context["membership_form"].errors["role"])
    assert office.get(url).status_code == 405


def test_remove_membership(office, cast):
    url = reverse("accounts:membership_remove", args=[cast.section_staff.public_id])
    last = office.post(url, {"org": cast.section.public_id, "role": Role.SECTION_STAFF}, follow=True)
    assert "唯一的角色" in last.content.decode()
    office.post(
        reverse("accounts:membership_add", args=[cast.section_staff.public_id]),
        {"org": cast.other_section.public_id, "role": Role.SECTION_STAFF},
    )
    response = office.post(url, {"org": cast.section.public_id, "role": Role.SECTION_STAFF})
    assert response.status_code == 302
    assert list(cast.section_staff.memberships.values_list("org", flat=True)) == [cast.other_section.pk]
    junk = office.post(url, {"org": "nope", "role": "x"}, follow=True)
    assert "没有找到要删除的角色" in junk.content.decode()


# --- password reset, activation, unlock --------------------------------------------------------


def test_password_reset_generated(office, cast):
    url = reverse("accounts:password_reset", args=[cast.section_staff.public_id])
    assert office.get(url).status_code == 200
    response = office.post(url, {"password_mode": "generate"})
    assert response.status_code == 200
    cast.section_staff.refresh_from_db()
    assert cast.section_staff.check_password(response.context["password"])
    assert cast.section_staff.must_change_password


def test_password_reset_typed(office, cast):
    url = reverse("accounts:password_reset", args=[cast.section_staff.public_id])
    weak = office.post(url, {"password_mode": "set", "password": "section123", "password2": "section123"})
    assert "password" in weak.context["form"].errors
    good = office.post(url, {"password_mode": "set", "password": GOOD, "password2": GOOD})
    assert good.status_code == 302
    cast.section_staff.refresh_from_db()
    assert cast.section_staff.check_password(GOOD)


def test_password_reset_signs_the_user_out(client, cast):
    from django.test import Client

    victim = Client()
    victim.force_login(cast.section_staff)
    assert victim.get(reverse("core:home")).status_code == 200
    client.force_login(cast.office)
    client.post(reverse("accounts:password_reset", args=[cast.section_staff.public_id]), {"password_mode": "generate"})
    response = victim.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_deactivate_and_activate(office, cast):
    url = reverse("accounts:user_set_active", args=[cast.section_staff.public_id])
    office.post(url, {"active": "0"})
    cast.section_staff.refresh_from_db()
    assert not cast.section_staff.is_active
    office.post(url, {"active": "1"})
    cast.section_staff.refresh_from_db()
    assert cast.section_staff.is_active
    own = office.post(reverse("accounts:user_set_active", args=[cast.office.public_id]), {"active": "0"}, follow=True)
    assert "不能停用或启用自己的账号" in own.content.decode()
    cast.office.refresh_from_db()
    assert cast.office.is_active
    assert office.get(url).status_code == 405


def test_deactivated_user_cannot_log_in(client, cast):
    cast.section_staff.is_active = False
    cast.section_staff.save(update_fields=["is_active"])
    response = client.post(reverse("accounts:login"), {"username": "section", "password": "Safety-Month-2021"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_unlock_button_and_action(office, cast):
    AccessAttempt.objects.create(
        username="section", ip_address="10.0.0.9", user_agent="", failures_since_start=5, get_data="", post_data=""
    )
    detail = reverse("accounts:user_detail", args=[cast.section_staff.public_id])
    assert 'data-testid="user-unlock"' in office.get(detail).content.decode()
    response = office.post(reverse("accounts:user_unlock", args=[cast.section_staff.public_id]), follow=True)
    assert "已解除 section 的登录锁定" in response.content.decode()
    assert 'data-testid="user-unlock"' not in response.content.decode()
    assert AuditEntry.objects.filter(summary="解除登录锁定", object_id=cast.section_staff.public_id).exists()


def test_administrator_accounts_show_no_actions(office, cast):
    admin = make_user("root", cast.section, Role.SECTION_STAFF, is_superuser=True, is_staff=True)
    html = office.get(reverse("accounts:user_detail", args=[admin.public_id])).content.decode()
    assert 'data-testid="user-is-admin"' in html
    assert 'data-testid="password-reset"' not in html and 'data-testid="membership-add"' not in html
    assert office.post(reverse("accounts:user_unlock", args=[admin.public_id])).status_code == 403

"""Account workflows: each writes one audit entry (never a password), and none leaves the actor's subtree."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError

from safetymonth.accounts import services
from safetymonth.accounts.models import Membership, Role, User
from safetymonth.audit.models import AuditEntry
from safetymonth.lib.passwords import character_classes
from tests.factories import make_org, make_user

GOOD = "Qiye-Anquan-2021"


def _entries(action=None, **filters):
    qs = AuditEntry.objects.filter(**filters)
    return qs.filter(action=action) if action else qs


def _no_password_in_log(*passwords: str) -> None:
    for entry in AuditEntry.objects.all():
        blob = json.dumps(entry.changes, ensure_ascii=False) + entry.summary + entry.object_repr
        for p in passwords:
            assert p not in blob


def test_generated_passwords_pass_the_rules():
    from django.contrib.auth.password_validation import validate_password

    seen = set()
    for _i in range(50):
        p = services.generate_password()
        assert len(p) == 14
        assert character_classes(p) == 4
        validate_password(p, User(username="zhangsan"))
        seen.add(p)
    assert len(seen) == 50


# --- create_user -------------------------------------------------------------------------------


def test_create_user_with_typed_password(cast):
    user, password = services.create_user(
        cast.office,
        username="wangwu",
        full_name="王五",
        phone="(023)68083116",
        email="wangwu@example.cn",
        org=cast.section,
        role=Role.SECTION_STAFF,
        password=GOOD,
    )
    assert password == GOOD
    assert user.check_password(GOOD)
    assert user.must_change_password is True
    assert user.phone == "023-68083116"
    assert list(user.memberships.values_list("org", "role")) == [(cast.section.pk, Role.SECTION_STAFF)]
    entry = _entries(AuditEntry.Action.CREATE, object_id=user.public_id).get()
    assert entry.actor == cast.office
    assert entry.org == cast.section
    assert entry.changes["membership"] == [None, "市场运行科 · 科室人员"]
    assert entry.changes["password"] == "办公室设定"
    _no_password_in_log(GOOD)


def test_create_user_generates_a_password(cast):
    user, password = services.create_user(
        cast.office, username="zhaoliu", full_name="赵六", org=cast.enterprise, role=Role.ENTERPRISE_STAFF
    )
    assert user.check_password(password)
    assert character_classes(password) == 4
    _no_password_in_log(password)


def test_create_user_outside_the_subtree_is_refused(cast):
    with pytest.raises(PermissionDenied):
        services.create_user(
            cast.office, username="x1", full_name="X", org=cast.other_authority, role=Role.OFFICE, password=GOOD
        )
    assert not User.objects.filter(username="x1").exists()


def test_section_staff_cannot_create_users(cast):
    with pytest.raises(PermissionDenied):
        services.create_user(
            cast.section_staff,
            username="x2",
            full_name="X",
            org=cast.enterprise,
            role=Role.ENTERPRISE_STAFF,
            password=GOOD,
        )


@pytest.mark.parametrize(
    "org_attr, role, ok",
    [
        ("enterprise", Role.ENTERPRISE_STAFF, True),
        ("section", Role.ENTERPRISE_STAFF, False),
        ("section", Role.SECTION_STAFF, True),
        ("enterprise", Role.SECTION_STAFF, False),
        ("commission", Role.SECTION_STAFF, False),
        ("commission", Role.OFFICE, True),
        ("section", Role.OFFICE, True),
        ("enterprise", Role.OFFICE, False),
        ("commission", Role.LEADER, True),
        ("institution", Role.LEADER, False),
        ("section", Role.TIP_HANDLER, True),
        ("enterprise", Role.TIP_HANDLER, False),
    ],
)
def test_role_must_fit_the_org_kind(cast, org_attr, role, ok):
    org = getattr(cast, org_attr)
    if ok:
        services.create_user(cast.office, username="fit", full_name="F", org=org, role=role, password=GOOD)
        return
    with pytest.raises(ValidationError) as exc:
        services.create_user(cast.office, username="fit", full_name="F", org=org, role=role, password=GOOD)
    assert "role" in exc.value.error_dict
    assert "只能授予" in exc.value.error_dict["role"][0].messages[0]
    assert not User.objects.filter(username="fit").exists()


def test_create_user_refuses_weak_password_and_taken_username(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_user(
            cast.office, username="weak", full_name="W", org=cast.section, role=Role.SECTION_STAFF, password="short"
        )
    assert "password" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.create_user(
            cast.office, username="OFFICE", full_name="W", org=cast.section, role=Role.SECTION_STAFF, password=GOOD
        )
    assert "username" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.create_user(
            cast.office,
            username="badphone",
            full_name="W",
            phone="12345",
            org=cast.section,
            role=Role.SECTION_STAFF,
            password=GOOD,
        )
    assert "phone" in exc.value.error_dict
    assert not _entries(AuditEntry.Action.CREATE, object_type="accounts.user").exists()


# --- update, memberships -----------------------------------------------------------------------


def test_update_user_logs_the_changed_fields(cast):
    services.update_user(cast.office, cast.section_staff, full_name="张敏", phone="13800138000", email="")
    cast.section_staff.refresh_from_db()
    assert cast.section_staff.full_name == "张敏"
    entry = _entries(AuditEntry.Action.UPDATE, object_id=cast.section_staff.public_id).get()
    assert entry.changes["full_name"][1] == "张敏"
    assert entry.changes["phone"] == ["", "13800138000"]
    assert entry.org == cast.section
    # nothing changed: no entry
    services.update_user(cast.office, cast.section_staff, full_name="张敏", phone="13800138000", email="")
    assert _entries(AuditEntry.Action.UPDATE, object_id=cast.section_staff.public_id).count() == 1


def test_users_outside_the_subtree_cannot_be_managed(cast):
    # other_office manages another authority: our section's staff are not its users
    with pytest.raises(PermissionDenied):
        services.update_user(cast.other_office, cast.section_staff, full_name="X")
    with pytest.raises(PermissionDenied):
        services.reset_password(cast.other_office, cast.section_staff)
    with pytest.raises(PermissionDenied):
        services.set_user_active(cast.other_office, cast.section_staff, False)
    with pytest.raises(PermissionDenied):
        services.unlock_user(cast.other_office, cast.section_staff)


def test_a_user_with_one_membership_outside_is_out_of_reach(cast):
    # a section office sees its section; a user also working elsewhere is not its to manage
    section_office = make_user("section_office", cast.section, Role.OFFICE)
    services.add_membership(cast.office, cast.enterprise_staff, org=cast.other_enterprise, role=Role.ENTERPRISE_STAFF)
    with pytest.raises(PermissionDenied):
        services.update_user(section_office, cast.enterprise_staff, full_name="X")
    services.update_user(section_office, cast.section_staff, full_name="Y")  # wholly inside: fine


def test_administrators_cannot_be_managed_here(cast):
    admin = make_user("root", cast.section, Role.SECTION_STAFF, is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.reset_password(cast.office, admin)


def test_add_and_remove_membership(cast):
    services.add_membership(cast.office, cast.section_staff, org=cast.other_section, role=Role.SECTION_STAFF)
    assert cast.section_staff.memberships.count() == 2
    services.remove_membership(cast.office, cast.section_staff, org=cast.section, role=Role.SECTION_STAFF)
    assert list(cast.section_staff.memberships.values_list("org", flat=True)) == [cast.other_section.pk]
    added, removed = _entries(AuditEntry.Action.UPDATE, object_id=cast.section_staff.public_id).order_by("id")
    assert added.changes == {"membership": [None, "商贸流通科 · 科室人员"]}
    assert added.org == cast.other_section
    assert removed.changes == {"membership": ["市场运行科 · 科室人员", None]}


def test_membership_rules(cast):
    with pytest.raises(ValidationError):  # duplicate
        services.add_membership(cast.office, cast.section_staff, org=cast.section, role=Role.SECTION_STAFF)
    with pytest.raises(ValidationError):  # wrong kind
        services.add_membership(cast.office, cast.section_staff, org=cast.enterprise, role=Role.SECTION_STAFF)
    with pytest.raises(PermissionDenied):  # outside the subtree
        services.add_membership(cast.office, cast.section_staff, org=cast.other_authority, role=Role.LEADER)
    with pytest.raises(ValidationError, match="唯一"):  # the last one
        services.remove_membership(cast.office, cast.section_staff, org=cast.section, role=Role.SECTION_STAFF)
    with pytest.raises(ValidationError):  # not held
        services.remove_membership(cast.office, cast.section_staff, org=cast.section, role=Role.LEADER)
    services.add_membership(cast.office, cast.office, org=cast.section, role=Role.LEADER)
    with pytest.raises(ValidationError):  # yourself
        services.remove_membership(cast.office, cast.office, org=cast.section, role=Role.LEADER)
    assert Membership.objects.filter(user=cast.section_staff).count() == 1


# --- passwords, activation, lock-out ------------------------------------------------------------


def test_reset_password_generated_and_typed(cast):
    target = cast.section_staff
    new = services.reset_password(cast.office, target)
    target.refresh_from_db()
    assert target.check_password(new)
    assert target.must_change_password
    services.reset_password(cast.office, target, GOOD)
    target.refresh_from_db()
    assert target.check_password(GOOD)
    entries = _entries(AuditEntry.Action.PASSWORD, object_id=target.public_id)
    assert entries.count() == 2
    _no_password_in_log(new, GOOD)
    with pytest.raises(ValidationError):
        services.reset_password(cast.office, target, "section-2021")  # contains the username
    with pytest.raises(ValidationError):
        services.reset_password(cast.office, cast.office)


def test_reset_password_lifts_a_lock_out(cast):
    AccessAttempt.objects.create(
        username="section", ip_address="10.0.0.1", user_agent="", failures_since_start=5, get_data="", post_data=""
    )
    assert services.is_locked_out(cast.section_staff)
    services.reset_password(cast.office, cast.section_staff)
    assert not services.is_locked_out(cast.section_staff)


def test_set_user_active(cast):
    services.set_user_active(cast.office, cast.section_staff, False)
    cast.section_staff.refresh_from_db()
    assert not cast.section_staff.is_active
    entry = _entries(AuditEntry.Action.UPDATE, object_id=cast.section_staff.public_id).get()
    assert entry.changes == {"is_active": ["True", "False"]}
    services.set_user_active(cast.office, cast.section_staff, False)  # no change, no entry
    services.set_user_active(cast.office, cast.section_staff, True)
    assert _entries(AuditEntry.Action.UPDATE, object_id=cast.section_staff.public_id).count() == 2
    with pytest.raises(ValidationError):
        services.set_user_active(cast.office, cast.office, False)


def test_unlock_user(cast):
    AccessAttempt.objects.create(
        username="section", ip_address="10.0.0.1", user_agent="", failures_since_start=5, get_data="", post_data=""
    )
    assert services.unlock_user(cast.office, cast.section_staff) == 1
    assert not AccessAttempt.objects.filter(username="section").exists()
    entry = _entries(AuditEntry.Action.UPDATE, object_id=cast.section_staff.public_id).get()
    assert entry.summary == "解除登录锁定"


def test_change_password_clears_the_flag(cast):
    user = cast.section_staff
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    services.change_password(user, GOOD)
    user.refresh_from_db()
    assert user.check_password(GOOD) and not user.must_change_password
    entry = _entries(AuditEntry.Action.PASSWORD, object_id=user.public_id).get()
    assert entry.actor == user
    _no_password_in_log(GOOD)


def test_a_lower_office_only_reaches_its_own_subtree(cast):
    section_office = make_user("section_office", cast.section, Role.OFFICE)
    services.create_user(
        section_office, username="e1", full_name="E", org=cast.enterprise2, role=Role.ENTERPRISE_STAFF, password=GOOD
    )
    with pytest.raises(PermissionDenied):
        services.create_user(
            section_office,
            username="e2",
            full_name="E",
            org=cast.other_enterprise,
            role=Role.ENTERPRISE_STAFF,
            password=GOOD,
        )
    with pytest.raises(PermissionDenied):  # cannot grant a role on the commission above it
        services.add_membership(section_office, cast.enterprise_staff, org=cast.commission, role=Role.OFFICE)
    with pytest.raises(PermissionDenied):  # the commission's office is not its to manage
        services.reset_password(section_office, cast.office)
    new_org = make_org("新企业", "enterprise", cast.section)
    services.add_membership(section_office, cast.enterprise_staff, org=new_org, role=Role.ENTERPRISE_STAFF)

"""The Django admin classes for users and the audit log (the admin site itself is not mounted by
default; these check the classes with the admin app switched on for the test)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from safetymonth.audit.models import AuditEntry

WITH_ADMIN = override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "django.contrib.admin"])


@pytest.fixture
def admin_request(rf, cast):
    cast.office.is_superuser = cast.office.is_staff = True
    cast.office.save(update_fields=["is_superuser", "is_staff"])
    request = rf.get("/admin/")
    request.user = cast.office
    return request


@WITH_ADMIN
def test_audit_admin_is_read_only(admin_request):
    from django.contrib.admin.sites import AdminSite

    from safetymonth.audit.admin import AuditEntryAdmin

    model_admin = AuditEntryAdmin(AuditEntry, AdminSite())
    assert not model_admin.has_add_permission(admin_request)
    assert not model_admin.has_change_permission(admin_request)
    assert not model_admin.has_delete_permission(admin_request)
    assert model_admin.has_view_permission(admin_request)
    assert model_admin.get_actions(admin_request) == {}
    assert set(model_admin.readonly_fields) >= {"at", "actor", "action", "changes", "ip"}


@WITH_ADMIN
def test_user_admin_has_memberships_inline_and_logs_saves(admin_request, cast):
    from django.contrib.admin.sites import AdminSite

    from safetymonth.accounts.admin import MembershipInline, SafetyMonthUserAdmin
    from safetymonth.accounts.models import User

    model_admin = SafetyMonthUserAdmin(User, AdminSite())
    assert MembershipInline in model_admin.inlines
    form_class = model_admin.get_form(admin_request, cast.section_staff)
    form = form_class(
        instance=cast.section_staff,
        data={
            "username": "section",
            "full_name": "张敏",
            "phone": "",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2021-06-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(admin_request, form.save(commit=False), form, change=True)
    entry = AuditEntry.objects.get(object_id=cast.section_staff.public_id, action=AuditEntry.Action.UPDATE)
    assert "full_name" in entry.changes["fields"]
    assert entry.actor == cast.office

"""Django admin for accounts (superusers only; the office works in the app's own pages), registered
when django.contrib.admin is installed.

Changes made here bypass the office's services, so each save and delete is written to the audit
log here as well."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetymonth.accounts.models import Membership, User
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name")


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("org", "role", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("org",)


class SafetyMonthUserAdmin(UserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    list_display = ("username", "full_name", "phone", "is_active", "must_change_password", "last_login")
    list_filter = ("is_active", "must_change_password", "is_staff", "is_superuser", "memberships__role")
    search_fields = ("username", "full_name", "phone", "email", "public_id")
    ordering = ("username",)
    readonly_fields = ("public_id", "last_login", "date_joined")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password", "public_id")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "must_change_password", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = sorted(set(form.changed_data) - {"password", "password1", "password2"})
        log_event(
            request.user,
            AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            obj,
            summary=gettext("后台管理修改用户") if change else gettext("后台管理新建用户"),
            changes={"fields": changed},
        )

    def delete_model(self, request, obj):
        log_event(request.user, AuditEntry.Action.DELETE, obj, summary=gettext("后台管理删除用户"))
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            log_event(
                request.user,
                AuditEntry.Action.UPDATE,
                form.instance,
                org=membership.org,
                summary=gettext("后台管理删除角色"),
                changes={"membership": [str(membership), None]},
            )
            membership.delete()
        for membership in instances:
            membership.save()
            log_event(
                request.user,
                AuditEntry.Action.UPDATE,
                form.instance,
                org=membership.org,
                summary=gettext("后台管理设定角色"),
                changes={"membership": [None, str(membership)]},
            )
        formset.save_m2m()


if apps.is_installed("django.contrib.admin"):
    admin.site.register(User, SafetyMonthUserAdmin)

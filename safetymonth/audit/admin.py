"""The audit log in the Django admin (registered when django.contrib.admin is installed): read-only."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin

from safetymonth.audit.models import AuditEntry


class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_repr", "org", "ip", "summary")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_repr", "object_id", "summary", "public_id")
    date_hierarchy = "at"
    list_select_related = ("org",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    actions = None  # no bulk delete

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if apps.is_installed("django.contrib.admin"):
    admin.site.register(AuditEntry, AuditEntryAdmin)

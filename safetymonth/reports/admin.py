"""Django admin for reports, registered when django.contrib.admin is installed. Read-only: reports
change only through the services (checks, history, audit)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest

from safetymonth.reports.models import Notification, ReminderSent, Report, ReportEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


if apps.is_installed("django.contrib.admin"):

    @admin.register(Report)
    class ReportAdmin(ReadOnlyAdmin):
        list_display = ("org", "round", "status", "version", "submitted_at", "is_late")
        list_filter = ("status", "is_late")

    @admin.register(ReportEvent)
    class ReportEventAdmin(ReadOnlyAdmin):
        list_display = ("report", "action", "actor_name", "at", "version")

    @admin.register(Notification)
    class NotificationAdmin(ReadOnlyAdmin):
        list_display = ("user", "text", "created_at", "read_at")

    @admin.register(ReminderSent)
    class ReminderSentAdmin(ReadOnlyAdmin):
        list_display = ("round", "org", "kind", "sent_at", "recipients")

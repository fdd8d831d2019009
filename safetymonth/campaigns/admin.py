"""Django admin for campaigns, registered when django.contrib.admin is installed.

Read-only: a campaign changes only through its definition (``load_campaign``, the office UI's
``save_definition``), which validates it, keeps the publishing lock and writes the audit log. The
admin is for looking things up."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest

from safetymonth.campaigns.models import (
    Campaign,
    CitedDocument,
    Content,
    Indicator,
    Item,
    LeadershipMember,
    Period,
    ReportForm,
    Requirement,
    Round,
    Rule,
    Slogan,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = False


class CitedDocumentInline(ReadOnlyInline):
    model = CitedDocument


class PeriodInline(ReadOnlyInline):
    model = Period


class LeadershipInline(ReadOnlyInline):
    model = LeadershipMember


class ContentInline(ReadOnlyInline):
    model = Content


class RequirementInline(ReadOnlyInline):
    model = Requirement


class SloganInline(ReadOnlyInline):
    model = Slogan


class RoundInline(ReadOnlyInline):
    model = Round
    fields = ("code", "name", "form", "deadline", "report_to", "expected_kinds", "lock_at_deadline")


class CampaignAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "title", "year", "doc_number", "status", "issuing_org", "version")
    list_filter = ("status", "year")
    search_fields = ("code", "title", "doc_number")
    list_select_related = ("issuing_org",)
    inlines = [
        CitedDocumentInline,
        PeriodInline,
        LeadershipInline,
        ContentInline,
        RequirementInline,
        SloganInline,
        RoundInline,
    ]


class ItemInline(ReadOnlyInline):
    model = Item
    fields = ("order", "code", "title", "progress_text")


class RuleInline(ReadOnlyInline):
    model = Rule
    fields = ("order", "code", "left", "operator", "right", "message", "missing_value_strategy", "severity")


class ReportFormAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "code", "campaign")
    list_select_related = ("campaign",)
    inlines = [ItemInline, RuleInline]


class IndicatorAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "label", "kind", "unit", "required", "item", "form")
    list_filter = ("kind", "form__campaign")
    search_fields = ("code", "label")
    list_select_related = ("item", "form")


if apps.is_installed("django.contrib.admin"):
    admin.site.register(Campaign, CampaignAdmin)
    admin.site.register(ReportForm, ReportFormAdmin)
    admin.site.register(Indicator, IndicatorAdmin)

"""Django admin for the org tree and the industry list, registered when django.contrib.admin is installed.

Paths and depths are read-only: saves go through the org services, which keep the materialised
path right (a change of parent rewrites the subtree) and write the audit log."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest

from safetymonth.orgs import services
from safetymonth.orgs.models import Industry, Org

EDITABLE = ["name", "short_name", "credit_code", "industry", "address", "contact_name", "phone", "is_active"]


class IndustryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("name", "code")
    ordering = ("sort_order", "name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: enterprises keep their industry


class OrgAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "credit_code", "industry", "is_active", "depth")
    list_filter = ("kind", "is_active", "industry")
    search_fields = ("name", "short_name", "credit_code")
    readonly_fields = ("public_id", "path", "depth", "created_at", "updated_at")
    # 200,000 orgs: never a drop-down of all of them
    raw_id_fields = ("parent",)
    list_select_related = ("parent", "industry")
    show_full_result_count = False
    fields = ("kind", "parent", *EDITABLE, "public_id", "path", "depth", "created_at", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # the kind of an existing org changes only through the office's edit page (it checks children)
        return (*self.readonly_fields, "kind") if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Org, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in EDITABLE if name in form.cleaned_data}
        actor = request.user if request.user.is_authenticated else None
        if not change:
            created = services.create_org(actor, kind=obj.kind, parent=obj.parent, **fields)  # type: ignore[arg-type]
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        current = Org.objects.get(pk=obj.pk)
        services.update_org(actor, current, **fields)  # type: ignore[arg-type]
        if obj.parent is not None and obj.parent_id != current.parent_id:
            services.move_org(actor, current, obj.parent)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: reports, events and audit entries refer to orgs


if apps.is_installed("django.contrib.admin"):
    admin.site.register(Industry, IndustryAdmin)
    admin.site.register(Org, OrgAdmin)

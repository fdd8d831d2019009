"""The audit log for the office: browse, filter, open one entry, export the filtered list as CSV."""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.forms import AuditFilterForm
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import export_audit_log

ENTRIES_PER_PAGE = 50

# Labels for the keys services put in ``changes`` that are not model fields.
CHANGE_LABELS = {
    "membership": _("角色"),
    "password": _("密码"),
    "failure_records_removed": _("清除的登录失败记录"),
    "filters": _("筛选条件"),
    "rows": _("行数"),
    "format": _("格式"),
    "fields": _("修改的字段"),
    "kind": _("类型"),
    "parent": _("上级单位"),
}


def _visible_entries(request: HttpRequest) -> tuple[User, Any]:
    actor = cast(User, request.user)
    perms.require(actor, Perm.VIEW_AUDIT)
    return actor, AuditEntry.objects.for_user(actor, Perm.VIEW_AUDIT)


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    actor, entries = _visible_entries(request)
    form = AuditFilterForm(request.GET or None, actor=actor)
    entries = form.filter(entries).select_related("org")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"form": form, "page": page})


def _field_label(object_type: str, key: str) -> str:
    """The verbose name of ``key`` on the entry's model, when it is a field (else the key itself)."""
    if key in CHANGE_LABELS:
        return str(CHANGE_LABELS[key])
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(key).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return key


def change_rows(entry: AuditEntry) -> list[dict[str, Any]]:
    """The entry's changes as table rows: a label with either [old, new] or a single value."""
    rows = []
    for key, value in sorted((entry.changes or {}).items()):
        row: dict[str, Any] = {"key": key, "label": _field_label(entry.object_type, key)}
        if isinstance(value, list) and len(value) == 2:
            row.update(old=value[0], new=value[1], pair=True)
        elif isinstance(value, dict):
            row.update(value="；".join(f"{k}: {v}" for k, v in value.items()) or "—", pair=False)
        else:
            row.update(value=value, pair=False)
        rows.append(row)
    return rows


@require_GET
def audit_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    _actor, entries = _visible_entries(request)
    entry = entries.select_related("org").filter(public_id=public_id).first()
    if entry is None:
        raise Http404
    return render(request, "audit/audit_detail.html", {"entry": entry, "rows": change_rows(entry)})


@require_GET
@never_cache
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    actor, entries = _visible_entries(request)
    form = AuditFilterForm(request.GET or None, actor=actor)
    entries = form.filter(entries)
    chunks = export_audit_log(actor, entries, filters=form.description())
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    filename = f"audit-{timezone.localtime():%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.models import AuditEntry


def audit_list(request: HttpRequest) -> HttpResponse:
    perms.require(request.user, Perm.VIEW_AUDIT)  # type: ignore[arg-type]
    entries = AuditEntry.objects.for_user(request.user)[:100]
    return render(request, "audit/audit_list.html", {"entries": entries})

"""Home page per role, health check, and error pages."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import Role, User
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.models import AuditEntry
from safetymonth.core.public import public
from safetymonth.orgs.models import Org, OrgKind


def _profile_gaps(org: Org) -> list[str]:
    """Profile fields an org should fill in but has not (labels, for the to-do list)."""
    wanted = ["contact_name", "phone", "address"]
    if org.kind == OrgKind.ENTERPRISE:
        wanted += ["credit_code", "industry"]
    return [str(Org._meta.get_field(f).verbose_name) for f in wanted if not getattr(org, f)]


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    roles = perms.roles(user)
    orgs = Org.objects.for_user(user).active()
    ctx: dict = {"roles": roles, "home_orgs": perms.home_orgs(user)}
    ctx["kind_counts"] = {row["kind"]: row["n"] for row in orgs.values("kind").annotate(n=Count("id")).order_by()}
    ctx["kind_labels"] = dict(OrgKind.choices)
    if Role.OFFICE in roles or Role.SECTION_STAFF in roles:
        incomplete = orgs.enterprises().filter(
            Q(contact_name="") | Q(phone="") | Q(credit_code__isnull=True) | Q(industry__isnull=True)
        )
        ctx["incomplete_enterprises"] = incomplete.select_related("parent")[:10]
        ctx["incomplete_count"] = incomplete.count()
    if perms.can(user, Perm.MANAGE_USERS):
        managed = User.objects.for_user(user, Perm.MANAGE_USERS)
        ctx["user_count"] = managed.count()
        ctx["orgs_without_users"] = (
            orgs.filter(kind__in=[OrgKind.SECTION, OrgKind.ENTERPRISE]).filter(memberships__isnull=True).count()
        )
    if perms.can(user, Perm.VIEW_AUDIT):
        ctx["recent_audit"] = AuditEntry.objects.for_user(user).select_related("org")[:8]
        ctx["recent_failures"] = (
            AuditEntry.objects.for_user(user)
            .filter(action__in=[AuditEntry.Action.LOGIN_FAILED, AuditEntry.Action.LOCKED_OUT])
            .count()
        )
    ctx["own_gaps"] = [
        (org, _profile_gaps(org)) for org in ctx["home_orgs"] if org.kind in (OrgKind.ENTERPRISE, OrgKind.SECTION)
    ]
    ctx["can_edit_own"] = perms.can(user, Perm.EDIT_OWN_ORG)
    return render(request, "core/home.html", ctx)


@public
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)


@public
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


@public
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


@public
def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)

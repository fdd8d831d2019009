"""The JSON API under /api/v1/ (django-ninja). Session authentication with CSRF for writes; every
query goes through the same ``for_user`` scoping as the pages."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from safetymonth.accounts import permissions as perms
from safetymonth.orgs.models import Org, OrgKind

api = NinjaAPI(
    title="SafetyMonth API",
    version="1",
    description="安全生产月活动管理平台 API. Sign in through /accounts/login/; requests use the session cookie.",
    auth=django_auth,
    urls_namespace="api",
)


class MembershipOut(Schema):
    org: str
    org_id: str
    role: str


class MeOut(Schema):
    username: str
    full_name: str
    memberships: list[MembershipOut]


class OrgOut(Schema):
    id: str = Field(..., alias="public_id")
    name: str
    short_name: str
    kind: OrgKind
    parent_id: str | None = None
    depth: int
    credit_code: str | None
    industry: str | None = None
    address: str
    contact_name: str
    phone: str
    is_active: bool
    updated_at: datetime

    @staticmethod
    def resolve_parent_id(obj: Org) -> str | None:
        return obj.parent.public_id if obj.parent_id else None

    @staticmethod
    def resolve_industry(obj: Org) -> str | None:
        return obj.industry.name if obj.industry_id else None


@api.get("/me", response=MeOut, summary="The signed-in user and memberships")
def me(request: HttpRequest):
    user = request.user
    memberships = [
        {"org": m.org.name, "org_id": m.org.public_id, "role": m.role}
        for m in user.memberships.select_related("org").order_by("org__path")  # type: ignore[union-attr]
    ]
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", ""),
        "memberships": memberships,
    }


@api.get("/orgs", response=list[OrgOut], summary="Orgs in the caller's scope, in tree order")
@paginate(LimitOffsetPagination)
def list_orgs(request: HttpRequest, kind: OrgKind | None = None, q: str = "", under: str | None = None):
    qs = Org.objects.for_user(request.user).select_related("parent", "industry")  # type: ignore[arg-type]
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q[:100])
    if under:
        root = perms.get_org_for_user(request.user, under)  # type: ignore[arg-type]
        qs = qs.subtree(root)
    return qs.order_by("path")


@api.get("/orgs/{public_id}", response=OrgOut, summary="One org (404 outside the caller's scope)")
def get_org(request: HttpRequest, public_id: str):
    qs = Org.objects.for_user(request.user).select_related("parent", "industry")  # type: ignore[arg-type]
    return get_object_or_404(qs, public_id=public_id)

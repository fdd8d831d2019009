"""The one authorisation layer. Roles grant permissions; memberships scope them to a subtree.

Views never filter by hand: they use ``Model.objects.for_user(user, perm)`` or the ``get_*_for_user``
helpers here, which raise 404 for what the user may not see and 403 for what the user may see but
not do.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safetymonth.accounts.models import Role

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


class Perm(StrEnum):
    VIEW_ORGS = "orgs.view"
    MANAGE_ORGS = "orgs.manage"
    IMPORT_ORGS = "orgs.import"
    EDIT_OWN_ORG = "orgs.edit_own"
    MANAGE_USERS = "accounts.manage"
    VIEW_AUDIT = "audit.view"
    HANDLE_TIPS = "tipoffs.handle"
    MANAGE_CAMPAIGNS = "campaigns.manage"
    # Progress reports (issue 4). FILL: fill the report of one's own org (checked on the exact org in
    # reports/permissions.py); REVIEW: return/approve reports beneath (enterprises for a section, the
    # sections and institutions for the office); VIEW: read reports and roll-ups in the scope (an
    # enterprise's staff: its own); CHASE: 催报.
    FILL_REPORT = "reports.fill"
    REVIEW_REPORTS = "reports.review"
    VIEW_REPORTS = "reports.view"
    CHASE_REPORTS = "reports.chase"
    # Dashboard and exports (issue 5): completeness, totals and charts of a round over the scope;
    # downloading the statistics tables, workbook, progress report and CSV of the scope (audited).
    VIEW_DASHBOARD = "dashboard.view"
    EXPORT = "exports.export"
    # Evidence materials (issue 6). UPLOAD: add materials to one's own org (checked on the exact org
    # in evidence/permissions.py); VIEW: see materials in the scope (served copies); REVIEW: accept or
    # reject materials beneath, mark good practice, and download originals (EXIF kept).
    UPLOAD_EVIDENCE = "evidence.upload"
    VIEW_EVIDENCE = "evidence.view"
    REVIEW_EVIDENCE = "evidence.review"
    # Event records (issue 7). RECORD: record/edit/import events of one's own org; VIEW: in the scope.
    RECORD_EVENTS = "events.record"
    VIEW_EVENTS = "events.view"
    # Hazard ledger (issue 14). VIEW: read hazards in the scope; REGISTER: register hazards of orgs in
    # the scope (an enterprise's staff: its own; a section's: the enterprises it supervises);
    # RECTIFY: plan and record the rectification of one's own org's hazards (exact org, in
    # hazards/permissions.py); VERIFY: set deadlines and verify (验收) hazards beneath;
    # SUPERVISE: 挂牌督办 of major hazards; EXPOSE: choose, write, publish and withdraw public cases.
    VIEW_HAZARDS = "hazards.view"
    REGISTER_HAZARDS = "hazards.register"
    RECTIFY_HAZARDS = "hazards.rectify"
    VERIFY_HAZARDS = "hazards.verify"
    SUPERVISE_HAZARDS = "hazards.supervise"
    PUBLISH_EXPOSURE = "hazards.expose"
    # Tip-offs (issue 15). HANDLE_TIPS (above): triage, transfer, verify, reveal identities (tip
    # handlers only). VERIFY_TIPS: a section's staff read the matter of tips transferred to the
    # section (never who reported them).
    VERIFY_TIPS = "tipoffs.verify"


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.OFFICE: frozenset(
        {
            Perm.VIEW_ORGS,
            Perm.MANAGE_ORGS,
            Perm.IMPORT_ORGS,
            Perm.EDIT_OWN_ORG,
            Perm.MANAGE_USERS,
            Perm.VIEW_AUDIT,
            Perm.MANAGE_CAMPAIGNS,
            Perm.REVIEW_REPORTS,
            Perm.VIEW_REPORTS,
            Perm.CHASE_REPORTS,
            Perm.VIEW_DASHBOARD,
            Perm.EXPORT,
            Perm.VIEW_EVIDENCE,
            Perm.REVIEW_EVIDENCE,
            Perm.VIEW_EVENTS,
            Perm.VIEW_HAZARDS,
            Perm.SUPERVISE_HAZARDS,
            Perm.PUBLISH_EXPOSURE,
        }
    ),
    Role.LEADER: frozenset(
        {
            Perm.VIEW_ORGS,
            Perm.VIEW_REPORTS,
            Perm.VIEW_DASHBOARD,
            Perm.EXPORT,
            Perm.VIEW_EVIDENCE,
            Perm.VIEW_EVENTS,
            Perm.VIEW_HAZARDS,
        }
    ),
    Role.SECTION_STAFF: frozenset(
        {
            Perm.VIEW_ORGS,
            Perm.EDIT_OWN_ORG,
            Perm.FILL_REPORT,
            Perm.REVIEW_REPORTS,
            Perm.VIEW_REPORTS,
            Perm.CHASE_REPORTS,
            Perm.VIEW_DASHBOARD,
            Perm.EXPORT,
            Perm.UPLOAD_EVIDENCE,
            Perm.VIEW_EVIDENCE,
            Perm.REVIEW_EVIDENCE,
            Perm.RECORD_EVENTS,
            Perm.VIEW_EVENTS,
            Perm.VIEW_HAZARDS,
            Perm.REGISTER_HAZARDS,
            Perm.RECTIFY_HAZARDS,
            Perm.VERIFY_HAZARDS,
            Perm.VERIFY_TIPS,
        }
    ),
    Role.ENTERPRISE_STAFF: frozenset(
        {
            Perm.VIEW_ORGS,
            Perm.EDIT_OWN_ORG,
            Perm.FILL_REPORT,
            Perm.VIEW_REPORTS,
            Perm.UPLOAD_EVIDENCE,
            Perm.VIEW_EVIDENCE,
            Perm.RECORD_EVENTS,
            Perm.VIEW_EVENTS,
            Perm.VIEW_HAZARDS,
            Perm.REGISTER_HAZARDS,
            Perm.RECTIFY_HAZARDS,
        }
    ),
    Role.TIP_HANDLER: frozenset({Perm.VIEW_ORGS, Perm.HANDLE_TIPS}),
}

_CACHE_ATTR = "_safetymonth_memberships"


def _memberships(user: User) -> list[tuple[str, str, Any]]:
    """(role, org path, org) for the user's memberships in active orgs, cached on the user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        if not user.is_authenticated or not user.is_active:
            cached = []
        else:
            cached = [
                (m.role, m.org.path, m.org)
                for m in user.memberships.select_related("org").filter(org__is_active=True).order_by("org__path")
            ]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: User) -> None:
    """Drop the cached memberships (after a membership change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: User) -> set[str]:
    return {role for role, _path, _org in _memberships(user)}


def has_role(user: User, role: str) -> bool:
    return role in roles(user)


def scope_paths(user: User, perm: str | None = None) -> list[str]:
    """Path prefixes of the subtrees where the user holds ``perm`` (any role when perm is None)."""
    paths = sorted(
        {path for role, path, _org in _memberships(user) if perm is None or perm in ROLE_PERMS.get(role, ())}
    )
    # drop prefixes covered by a shorter one
    out: list[str] = []
    for p in paths:
        if not any(p.startswith(q) for q in out):
            out.append(p)
    return out


def can(user: User, perm: str, org: Org | None = None) -> bool:
    """Whether the user holds ``perm`` anywhere (org None) or on ``org``."""
    paths = scope_paths(user, perm)
    if org is None:
        return bool(paths)
    return any(org.path.startswith(p) for p in paths)


def home_orgs(user: User) -> list[Org]:
    """The orgs of the user's memberships, top-most first."""
    seen: dict[int, Org] = {}
    for _role, _path, org in _memberships(user):
        seen.setdefault(org.pk, org)
    return list(seen.values())


def require(user: User, perm: str, org: Org | None = None) -> None:
    if not can(user, perm, org):
        raise PermissionDenied


def get_org_for_user(user: User, public_id: str, perm: str | None = None) -> Org:
    """The org with that id if the user can see it (else 404), and holds ``perm`` on it (else 403)."""
    from safetymonth.orgs.models import Org

    org = Org.objects.for_user(user).select_related("parent", "industry").filter(public_id=public_id).first()
    if org is None:
        raise Http404
    if perm is not None:
        require(user, perm, org)
    return org


def get_user_for_user(user: User, public_id: str, perm: str = Perm.MANAGE_USERS) -> User:
    from safetymonth.accounts.models import User as UserModel

    target = UserModel.objects.for_user(user, perm).filter(public_id=public_id).first()
    if target is None:
        raise Http404
    return target

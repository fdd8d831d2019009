"""Who reviews, edits, deletes and packages which evidence material (mirrors reports/permissions.py).

- Review (accept, reject, back to pending, good practice): an enterprise's materials by the staff of
  its supervising section and by the office over it; a section's, institution's or authority's
  materials by the office over it. Nobody reviews their own org's materials; enterprises never
  review (their role holds no ``evidence.review``).
- Edit title/description: the uploader org's staff while the material is pending, or a reviewer.
- Delete: the uploader org's staff while the material is not accepted.
- Inspection package of an org's subtree: ``exports.export`` plus ``evidence.view`` over the org;
  reviewers (``evidence.review`` on the org) get originals, others the served copies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404

from safetymonth.accounts.models import Role
from safetymonth.accounts.permissions import ROLE_PERMS, Perm, _memberships, can
from safetymonth.evidence.models import Material, ReviewState
from safetymonth.orgs.models import OrgKind

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


def _own_org_ids(user: User) -> set[int]:
    return {org.pk for _role, _path, org in _memberships(user)}


def _reviewer_memberships(user: User) -> list[tuple[str, str, Org]]:
    return [
        (role, path, org) for role, path, org in _memberships(user) if Perm.REVIEW_EVIDENCE in ROLE_PERMS.get(role, ())
    ]


def can_review_org(user: User, org: Org) -> bool:
    """Whether the user reviews materials of ``org``."""
    if org.pk in _own_org_ids(user):
        return False
    for role, path, mine in _reviewer_memberships(user):
        if role == Role.OFFICE and org.path.startswith(path):
            return True
        if role == Role.SECTION_STAFF and org.kind == OrgKind.ENTERPRISE and org.parent_id == mine.pk:
            return True
    return False


def can_review(user: User, material: Material) -> bool:
    return can_review_org(user, material.org)


def reviewable_q(user: User) -> Q:
    """Materials the user reviews, as one filter (the review queue)."""
    q = Q(pk__in=[])
    for role, path, mine in _reviewer_memberships(user):
        if role == Role.OFFICE:
            q |= Q(org__path__startswith=path)
        elif role == Role.SECTION_STAFF:
            q |= Q(org__parent_id=mine.pk, org__kind=OrgKind.ENTERPRISE)
    own = _own_org_ids(user)
    return q & ~Q(org_id__in=own) if own else q


def is_uploader_staff(user: User, material: Material) -> bool:
    """Staff of the material's own org who may upload there (section or enterprise staff)."""
    return any(
        org.pk == material.org_id and Perm.UPLOAD_EVIDENCE in ROLE_PERMS.get(role, ())
        for role, _path, org in _memberships(user)
    )


def can_edit(user: User, material: Material) -> bool:
    if can_review(user, material):
        return True
    return material.review_state == ReviewState.PENDING and is_uploader_staff(user, material)


def can_delete(user: User, material: Material) -> bool:
    return material.review_state != ReviewState.ACCEPTED and is_uploader_staff(user, material)


def can_package(user: User, org: Org) -> bool:
    return can(user, Perm.EXPORT, org) and can(user, Perm.VIEW_EVIDENCE, org)


def package_originals(user: User, org: Org) -> bool:
    """Reviewers over the org get the originals (EXIF kept) in the package."""
    return can(user, Perm.REVIEW_EVIDENCE, org)


def get_visible_material(user: User, public_id: str) -> Material:
    """The material if the user can see it (else 404)."""
    material = (
        Material.objects.for_user(user)
        .select_related("org", "org__parent", "campaign", "item", "indicator", "event", "uploaded_by", "reviewed_by")
        .filter(public_id=public_id)
        .first()
    )
    if material is None:
        raise Http404
    return material

"""Who uploads evidence where and who gets which file (the one authorisation layer for part A).

- Upload: staff of that exact org holding ``evidence.upload`` (section or enterprise staff of their
  own org; like filling a report, never for an org beneath).
- See a material (served copy, thumbnail): ``evidence.view`` over the material's org
  (``Material.objects.for_user``); anything else is a 404, so a guessed URL tells nothing.
- The original (EXIF/GPS kept): ``evidence.review`` over the material's org; others who see the
  material get a 403.
- An upload session: only the user who started it (else 404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safetymonth.accounts.permissions import ROLE_PERMS, Perm, _memberships, can
from safetymonth.evidence.models import Material, UploadSession

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


def can_upload(user: User, org: Org) -> bool:
    """Staff of exactly ``org`` holding evidence.upload."""
    return any(
        mine.pk == org.pk and Perm.UPLOAD_EVIDENCE in ROLE_PERMS.get(role, ())
        for role, _path, mine in _memberships(user)
    )


def may_upload_at(user: User, org: Org, hazard: Any = None) -> bool:
    """Staff of the org itself; for a hazard's photos, whoever may work on that hazard (a section's
    inspector photographs what it finds in an enterprise it supervises): hazards.permissions."""
    if hazard is not None:
        from safetymonth.hazards.permissions import can_add_photos

        return hazard.org_id == org.pk and can_add_photos(user, hazard)
    return can_upload(user, org)


def upload_orgs(user: User) -> list[Org]:
    """The orgs the user may upload for (their own orgs with evidence.upload)."""
    seen: dict[int, Org] = {}
    for role, _path, org in _memberships(user):
        if Perm.UPLOAD_EVIDENCE in ROLE_PERMS.get(role, ()):
            seen.setdefault(org.pk, org)
    return list(seen.values())


def can_see_original(user: User, material: Material) -> bool:
    return can(user, Perm.REVIEW_EVIDENCE, material.org)


def get_material_for_user(user: User, public_id: str, perm: str | None = None) -> Material:
    """The material if the user sees it (else 404) and holds ``perm`` on its org (else 403)."""
    material = (
        Material.objects.for_user(user)
        .select_related("org", "campaign", "item", "indicator", "event", "uploaded_by")
        .filter(public_id=public_id)
        .first()
    )
    if material is None:
        raise Http404
    if perm is not None and not can(user, perm, material.org):
        raise PermissionDenied
    return material


def get_session_for_user(user: User, public_id: str) -> UploadSession:
    """The user's own upload session (else 404), and still allowed to upload there (else 403)."""
    session = (
        UploadSession.objects.select_related("org", "campaign", "item", "indicator", "event", "hazard")
        .filter(public_id=public_id, user=user)
        .first()
        if user.is_authenticated
        else None
    )
    if session is None:
        raise Http404
    if not may_upload_at(user, session.org, session.hazard):
        raise PermissionDenied
    return session

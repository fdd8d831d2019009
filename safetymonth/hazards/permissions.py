"""Who sees, registers, rectifies, verifies and supervises which hazard (the one authorisation layer
for hazards; roles → permissions in accounts/permissions.py).

- See: ``hazards.view`` over the hazard's org (an enterprise its own, a section its enterprises, the
  office and the leader the whole tree); anything else is a 404.
- Register: ``hazards.register`` over the org (an enterprise's staff: their own; a section's staff:
  the enterprises they supervise and their own section).
- Rectify (plan, start, record the rectification): staff of the hazard's org **itself** holding
  ``hazards.rectify`` — nobody rectifies another org's hazard.
- Set deadlines and verify: ``hazards.verify`` over the org (a section's staff). Whoever recorded
  the rectification never verifies it: that rule is in services.verify_hazard.
- Supervise (挂牌督办) and expose (曝光): the office over its tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safetymonth.accounts.permissions import ROLE_PERMS, Perm, _memberships, can
from safetymonth.hazards.models import ExposureCase, Hazard

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


def rectifying_orgs(user: User) -> list[Org]:
    """The user's own orgs where their role rectifies hazards."""
    seen: dict[int, Org] = {}
    for role, _path, org in _memberships(user):
        if Perm.RECTIFY_HAZARDS in ROLE_PERMS.get(role, ()):
            seen.setdefault(org.pk, org)
    return list(seen.values())


def can_register(user: User, org: Org) -> bool:
    return can(user, Perm.REGISTER_HAZARDS, org)


def can_rectify(user: User, hazard: Hazard) -> bool:
    return any(o.pk == hazard.org_id for o in rectifying_orgs(user))


def can_verify(user: User, hazard: Hazard) -> bool:
    return can(user, Perm.VERIFY_HAZARDS, hazard.org)


def can_plan(user: User, hazard: Hazard) -> bool:
    """Measures, responsible person, deadline, funds and the 治理方案: the unit or its section."""
    return can_rectify(user, hazard) or can_verify(user, hazard)


def can_supervise(user: User, hazard: Hazard) -> bool:
    return can(user, Perm.SUPERVISE_HAZARDS, hazard.org)


def can_add_photos(user: User, hazard: Hazard) -> bool:
    return can_plan(user, hazard) or can_register(user, hazard.org)


def get_hazard_for_user(user: User, public_id: str) -> Hazard:
    """The hazard if the user can see it (else 404)."""
    hazard = (
        Hazard.objects.for_user(user)
        .select_related("org", "org__parent", "org__industry", "category", "found_by_user", "rectified_by")
        .select_related("verified_by", "source_event")
        .filter(public_id=public_id)
        .first()
    )
    if hazard is None:
        raise Http404
    return hazard


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def get_case_for_user(user: User, public_id: str) -> ExposureCase:
    """An exposure case the user manages (the office over its tree), else 404."""
    case = (
        ExposureCase.objects.for_user(user)
        .select_related("org", "org__industry", "hazard")
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise Http404
    return case

"""Who may record, edit, delete and see which event (the one authorisation layer for events).

- Record (and edit, delete): staff holding ``events.record`` on the event's org **itself** — an
  enterprise's staff record their enterprise's events, a section's staff their section's (like
  filling a report: reports.permissions.can_fill). Nobody records for another org.
- See: anyone holding ``events.view`` in a scope containing the event's org (a section sees its
  enterprises' events; the office and the leader the whole tree).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safetymonth.accounts.permissions import ROLE_PERMS, Perm, _memberships
from safetymonth.events.models import Event

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


def recording_orgs(user: User) -> list[Org]:
    """The orgs the user records events for (their own orgs where their role records)."""
    seen: dict[int, Org] = {}
    for role, _path, org in _memberships(user):
        if Perm.RECORD_EVENTS in ROLE_PERMS.get(role, ()):
            seen.setdefault(org.pk, org)
    return list(seen.values())


def can_record(user: User, org: Org) -> bool:
    return any(o.pk == org.pk for o in recording_orgs(user))


def can_edit(user: User, event: Event) -> bool:
    return any(o.pk == event.org_id for o in recording_orgs(user))


def get_event_for_user(user: User, public_id: str) -> Event:
    """The event if the user can see it (else 404)."""
    event = (
        Event.objects.for_user(user)
        .select_related("org", "org__parent", "campaign", "event_type", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if event is None:
        raise Http404
    return event


def require_edit(user: User, event: Event) -> None:
    if not can_edit(user, event):
        raise PermissionDenied

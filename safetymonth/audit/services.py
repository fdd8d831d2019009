"""Writing audit entries. Every service that changes data, and every export, calls ``log_event``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from safetymonth.audit.context import current
from safetymonth.audit.models import AuditEntry

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


def _org_of(actor: User | None) -> Org | None:
    if actor is None or not actor.is_authenticated:
        return None
    from safetymonth.accounts.permissions import home_orgs

    orgs = home_orgs(actor)
    return orgs[0] if orgs else None


def log_event(
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    *,
    org: Org | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry. ``org`` defaults to the target if it is an org, else the actor's home org."""
    from safetymonth.orgs.models import Org

    if org is None and isinstance(target, Org):
        org = target
    if org is None:
        org = _org_of(actor)
    ctx = current()
    authenticated = actor is not None and actor.is_authenticated
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor_name or (actor.get_username() if authenticated and actor else ""),
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(getattr(target, "public_id", None) or getattr(target, "pk", "") or "")
        if target
        else "",
        object_repr=str(target)[:200] if target is not None else "",
        org=org,
        org_path=org.path if org is not None else "",
        ip=ctx.ip if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
        summary=summary[:300],
        changes=changes or {},
    )


def diff_fields(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed (as strings, for JSON)."""
    out: dict[str, list[Any]] = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            out[name] = [None if old is None else str(old), None if new is None else str(new)]
    return out

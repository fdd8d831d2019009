"""Workflows on the org tree. Each is atomic and writes an audit entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import diff_fields, log_event
from safetymonth.orgs.models import Org, path_segment

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

PROFILE_FIELDS = [
    "name",
    "short_name",
    "credit_code",
    "industry",
    "address",
    "contact_name",
    "phone",
    "is_active",
]


def _check_parent(kind: str, parent: Org | None, moving: Org | None = None) -> None:
    probe = Org(kind=kind)
    if not probe.parent_kind_allowed(parent):
        raise ValidationError({"parent": _("该类型的单位不能放在所选上级单位之下。")})
    if moving is not None and parent is not None and moving.contains(parent):
        raise ValidationError({"parent": _("不能把单位移到它自己或它的下级单位之下。")})


@transaction.atomic
def create_org(actor: User | None, *, kind: str, parent: Org | None, **fields: Any) -> Org:
    _check_parent(kind, parent)
    org = Org(kind=kind, parent=parent, **fields)
    org.path = f"tmp-{org.public_id}"  # replaced below once the pk is known
    org.depth = (parent.depth + 1) if parent else 0
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    log_event(actor, AuditEntry.Action.CREATE, org, changes={"kind": kind, "parent": str(parent or "")})
    return org


@transaction.atomic
def update_org(actor: User | None, org: Org, **fields: Any) -> Org:
    before = {name: getattr(org, name) for name in fields}
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean(exclude=["path"])
    changed = diff_fields(org, before, list(fields))
    if changed:
        org.save(update_fields=[*fields.keys(), "updated_at"])
        log_event(actor, AuditEntry.Action.UPDATE, org, changes=changed)
    return org


@transaction.atomic
def move_org(actor: User | None, org: Org, new_parent: Org) -> Org:
    """Put ``org`` and its subtree under ``new_parent``; every path beneath it is rewritten in one UPDATE."""
    if org.parent_id == new_parent.pk:
        return org
    _check_parent(org.kind, new_parent, moving=org)
    old_parent = org.parent
    old_path = org.path
    new_path = new_parent.path + path_segment(org.pk)
    depth_delta = new_parent.depth + 1 - org.depth
    Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_delta,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        org,
        changes={"parent": [str(old_parent or ""), str(new_parent)]},
        summary=_("调整上级单位"),
    )
    return org

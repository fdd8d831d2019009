"""Writing audit entries. Every service that changes data, and every export, calls ``log_event``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.audit.context import current
from safetymonth.audit.models import AuditEntry
from safetymonth.exports import writers

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
        object_id=str(getattr(target, "public_id", None) or getattr(target, "pk", "") or "") if target else "",
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


# --- export ---------------------------------------------------------------------------------------

CSV_COLUMNS = [
    ("at", gettext_lazy("时间")),
    ("actor_name", gettext_lazy("操作人")),
    ("action", gettext_lazy("操作")),
    ("object_type", gettext_lazy("对象类型")),
    ("object_repr", gettext_lazy("对象")),
    ("object_id", gettext_lazy("对象编号")),
    ("org", gettext_lazy("单位")),
    ("ip", gettext_lazy("来源地址")),
    ("summary", gettext_lazy("摘要")),
    ("changes", gettext_lazy("详情")),
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(entries: models.QuerySet[AuditEntry]) -> Iterator[str]:
    writer = writers.csv_writer(_Echo())  # every cell neutralised (no formulas, docs/exports.md)
    yield "\ufeff"  # byte order mark: Excel then reads the file as UTF-8 (Chinese text)
    yield writer.writerow([str(label) for _name, label in CSV_COLUMNS])
    for e in entries.select_related("org").iterator(chunk_size=2000):
        row = [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            e.get_action_display(),
            e.object_type,
            e.object_repr,
            e.object_id,
            e.org.name if e.org else "",
            e.ip or "",
            e.summary,
            json.dumps(e.changes, ensure_ascii=False, sort_keys=True) if e.changes else "",
        ]
        yield writer.writerow([str(v) for v in row])


@transaction.atomic
def export_audit_log(
    actor: User, entries: models.QuerySet[AuditEntry], *, filters: dict[str, str] | None = None
) -> Iterator[str]:
    """Record the export (who, which filters, how many rows), then return the CSV text in chunks.

    ``entries`` must already be scoped to what the actor may see (``AuditEntry.objects.for_user``)."""
    count = entries.count()
    log_event(
        actor,
        AuditEntry.Action.EXPORT,
        None,
        summary=_("导出审计日志（%(n)d 条）") % {"n": count},
        changes={"filters": filters or {}, "rows": count, "format": "csv"},
    )
    return _csv_rows(entries)

"""Writing audit entries. Every service that changes data, and every export, calls ``log_event``."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.audit.context import current
from safetymonth.audit.gate import archive_gate
from safetymonth.audit.models import AuditArchive, AuditChainHead, AuditEntry
from safetymonth.exports import writers
from safetymonth.lib.auditchain import (
    GENESIS,
    ChainEntry,
    ChainReport,
    Problem,
    content_of,
    months_before,
    walk_chain,
)

# 网络安全法 Art. 21: network logs are kept for no less than six months.
MIN_RETENTION_MONTHS = 6

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


# --- the chain: verify and archive ----------------------------------------------------------------


def _chain_entries(entries: models.QuerySet[AuditEntry]) -> Iterator[ChainEntry]:
    for e in entries.order_by("pk").iterator(chunk_size=2000):
        yield ChainEntry(e.pk, content_of(e), e.prev_hash, e.chain_hash)


def verify_audit() -> ChainReport:
    """Walk the whole chain from the last archive's anchor; compare its end with the recorded head.

    Safe while others write: the head is read before the walk (its last entry must be there,
    unchanged) and again after it (no entry may lie beyond it, except ones written meanwhile)."""
    before = AuditChainHead.objects.filter(pk=1).first()
    anchor_hash = before.anchor_hash if before else GENESIS
    report = walk_chain(_chain_entries(AuditEntry._base_manager.all()), anchor_hash)
    if before is None:
        if report.checked:
            report.problems.append(Problem("head_missing", None))
        return report
    if before.last_id > before.anchor_id:
        stored = AuditEntry._base_manager.filter(pk=before.last_id).values_list("chain_hash", flat=True).first()
        if stored != before.last_hash:
            report.problems.append(Problem("removed_end", before.last_id))
    after = AuditChainHead.objects.filter(pk=1).first()
    last_id = after.last_id if after else before.last_id
    beyond = list(AuditEntry._base_manager.filter(pk__gt=last_id).values_list("pk", flat=True))
    if beyond:  # written around the head: inserted, whatever else the walk said about them
        report.problems = [p for p in report.problems if p.entry_id not in beyond]
        report.problems += [Problem("inserted", pk) for pk in beyond]
    return report


def describe_problem(problem: Problem) -> str:
    """One line for an operator, in the site's language."""
    if problem.kind == "changed":
        return _("第 %(id)s 条记录被修改：内容与其哈希不符。") % {"id": problem.entry_id}
    if problem.kind == "inserted":
        return _("第 %(id)s 条记录是插入的：不在审计写入的链上。") % {"id": problem.entry_id}
    if problem.kind == "removed":
        if problem.after_id is None:
            return _("第 %(id)s 条记录之前断链：链首有记录被删除。") % {"id": problem.entry_id}
        return _("第 %(after)s 条与第 %(id)s 条记录之间断链：有记录被删除（或第 %(after)s 条被改写）。") % {
            "after": problem.after_id,
            "id": problem.entry_id,
        }
    if problem.kind == "removed_end":
        return _("链尾的第 %(id)s 条记录缺失或被改：末尾有记录被删除。") % {"id": problem.entry_id}
    return _("链头记录缺失：无法确认末尾是否有记录被删除。")


class ArchiveRefused(Exception):
    """archive_audit will not run; the message says why (in the site's language)."""


def _retention_cutoff(today: date) -> datetime:
    first_allowed = months_before(today, MIN_RETENTION_MONTHS)
    return timezone.make_aware(datetime.combine(first_allowed, time.min))


def _export_lines(entries: models.QuerySet[AuditEntry]) -> Iterator[str]:
    for e in entries.order_by("pk").iterator(chunk_size=2000):
        record = {"id": e.pk, "prev_hash": e.prev_hash, "chain_hash": e.chain_hash, **content_of(e)}
        record["actor_id"], record["org_id"] = e.actor_id, e.org_id
        yield json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


def _check_export(path: Path, anchor_hash: str, first_id: int, last_id: int, count: int, last_hash: str) -> bool:
    """Read the file back: the entries must be the expected ones and form an unbroken chain."""

    def read() -> Iterator[ChainEntry]:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                yield ChainEntry(record["id"], record, record["prev_hash"], record["chain_hash"])

    ids: list[int] = []

    def tracked() -> Iterator[ChainEntry]:
        for entry in read():
            ids.append(entry.id)
            yield entry

    try:
        report = walk_chain(tracked(), anchor_hash)
    except (OSError, ValueError, KeyError, TypeError):  # unreadable or malformed: not verified
        return False
    return (
        report.ok
        and report.checked == count
        and ids[:1] == [first_id]
        and ids[-1:] == [last_id]
        and report.last_hash == last_hash
    )


def archive_audit(actor: User | None, before: datetime, dest: Path, *, today: date | None = None) -> AuditArchive:
    """Move the entries older than ``before`` to a JSON-lines file in ``dest``, then remove them.

    Refuses a cutoff that would remove entries younger than six months (网络安全法 Art. 21) and a
    chain that does not verify. The file is written, read back and checked against the chain before
    anything is removed; the removal goes through the archive gate, and the head records the last
    archived hash as the anchor the remaining chain starts from."""
    today = today or timezone.localdate()
    if before > _retention_cutoff(today):
        raise ArchiveRefused(
            _("审计记录至少保留 %(n)d 个月（网络安全法第二十一条）：归档截止日期不得晚于 %(date)s。")
            % {"n": MIN_RETENTION_MONTHS, "date": months_before(today, MIN_RETENTION_MONTHS).isoformat()}
        )
    report = verify_audit()
    if not report.ok:
        raise ArchiveRefused(
            _("审计链校验未通过（%(n)d 处问题），不能归档：请先运行 verify_audit 查明。") % {"n": len(report.problems)}
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    base = AuditEntry._base_manager
    # A prefix of the chain: everything before the first entry at or after the cutoff.
    first_kept = base.filter(at__gte=before).order_by("pk").values_list("pk", flat=True).first()
    upper = head.last_id if head else 0
    if first_kept is not None:
        upper = min(upper, first_kept - 1)
    old = base.filter(pk__lte=upper)
    bounds = old.aggregate(first=models.Min("pk"), last=models.Max("pk"), n=models.Count("pk"))
    if not bounds["n"]:
        raise ArchiveRefused(
            _("%(date)s 之前没有可归档的审计记录。") % {"date": timezone.localdate(before).isoformat()}
        )
    first_id, last_id, count = bounds["first"], bounds["last"], bounds["n"]
    last_hash = base.filter(pk=last_id).values_list("chain_hash", flat=True).get()
    anchor_hash = head.anchor_hash if head else GENESIS

    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"audit-{first_id}-{last_id}.jsonl"
    partial = path.with_suffix(".jsonl.partial")
    digest = hashlib.sha256()
    with partial.open("w", encoding="utf-8") as fh:
        for line in _export_lines(old):
            fh.write(line)
            digest.update(line.encode())
        fh.flush()
        os.fsync(fh.fileno())
    partial.replace(path)
    if not _check_export(path, anchor_hash, first_id, last_id, count, last_hash):
        raise ArchiveRefused(_("归档文件 %(path)s 校验未通过，未删除任何记录。") % {"path": path})

    with transaction.atomic():
        head = AuditChainHead.locked()
        if head.anchor_hash != anchor_hash:
            raise ArchiveRefused(_("另一次归档同时进行，未删除任何记录。"))
        with archive_gate():
            removed, _detail = base.filter(pk__gte=first_id, pk__lte=last_id).delete()
        if removed != count:
            raise ArchiveRefused(_("要删除的记录数与归档文件不符，未删除任何记录。"))
        AuditChainHead.objects.filter(pk=head.pk).update(anchor_id=last_id, anchor_hash=last_hash)
        archive = AuditArchive.objects.create(
            before=before,
            first_id=first_id,
            last_id=last_id,
            count=count,
            last_hash=last_hash,
            file_name=path.name,
            file_sha256=digest.hexdigest(),
        )
        log_event(
            actor,
            AuditEntry.Action.ARCHIVE,
            None,
            summary=_("归档审计记录 %(n)d 条（%(date)s 之前）") % {"n": count, "date": timezone.localdate(before)},
            changes={
                "first_id": first_id,
                "last_id": last_id,
                "rows": count,
                "file": path.name,
                "sha256": archive.file_sha256,
                "anchor": last_hash,
            },
        )
    return archive

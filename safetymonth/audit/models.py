"""The audit log: append-only, one row per login, write, export and identity reveal.

Entries form a hash chain (``safetymonth.lib.auditchain``; docs/security.md, "Audit log"): each
holds the SHA-256 of its content and of the previous entry's hash. The database refuses UPDATE and
DELETE on the table (triggers from migration 0003); ``manage.py verify_audit`` walks the chain and
``manage.py archive_audit`` is the one sanctioned way to remove old entries.
"""

from __future__ import annotations

import ipaddress
import json

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField
from safetymonth.lib.auditchain import CHAINED_FIELDS, GENESIS, content_of, entry_hash


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def for_user(self, user, perm: str = "audit.view") -> AuditQuerySet:
        """Entries about orgs in the user's audit scope, plus entries by users acting in it.

        Entries tied to no org — sign-in attempts and lock-outs for usernames that match no account,
        actions of users without a membership — belong to the installation: they are shown to whoever
        audits a whole tree (a top-level org), so that guessing at usernames is seen by someone."""
        from safetymonth.accounts.permissions import scope_paths
        from safetymonth.orgs.models import PATH_STEP, under_paths_q

        paths = scope_paths(user, perm)
        if not paths:
            return self.none()
        q = under_paths_q(paths, "org_path")
        if any(len(p) == PATH_STEP + 1 for p in paths):
            q |= Q(org_path="")
        return self.filter(q)

    def update(self, **kwargs):
        raise TypeError("audit entries are append-only")

    def delete(self):
        raise TypeError("audit entries are append-only")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号锁定")
        LOGOUT = "logout", _("退出")
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        PASSWORD = "password", _("密码")
        REVEAL = "reveal", _("查看身份")
        ARCHIVE = "archive", _("归档")

    # The id in the detail page's URL (the integer pk would tell how many entries exist).
    public_id = PublicIdField()
    # Set before saving (not auto_now_add, which sets it during the save): the hash covers it.
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A copy of the org's path when the entry was written: scoping keeps working if the org moves.
    org_path = models.CharField(max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    changes = models.JSONField(_("详情"), default=dict, blank=True)
    # The chain: the previous entry's hash and this entry's (lib/auditchain.entry_hash).
    prev_hash = models.CharField(max_length=64, editable=False, default="")
    chain_hash = models.CharField(max_length=64, editable=False, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            # office's log page filtered to its subtree, newest first
            models.Index(fields=["org_path", "-at"], name="audit_orgpath_at_idx"),
            # "what did this user do"
            models.Index(fields=["actor", "-at"], name="audit_actor_at_idx"),
            # filter by action
            models.Index(fields=["action", "-at"], name="audit_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        """Insert the entry, linked to the chain's head (locked until the transaction ends)."""
        if self.pk is not None:
            raise TypeError("audit entries are append-only")
        self._normalise()
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            head = AuditChainHead.locked()
            self.prev_hash = head.last_hash
            self.chain_hash = entry_hash(content_of(self), self.prev_hash)
            super().save(*args, **kwargs)
            AuditChainHead.objects.filter(pk=head.pk).update(last_id=self.pk, last_hash=self.chain_hash)

    def delete(self, *args, **kwargs):
        raise TypeError("audit entries are append-only")

    def _normalise(self) -> None:
        """Make the values what the database will give back, so the hash can be recomputed from a read."""
        for name in CHAINED_FIELDS:
            if name not in ("at", "ip", "changes"):
                setattr(self, name, str(getattr(self, name) or ""))
        if self.ip:
            addr = ipaddress.ip_address(self.ip)
            mapped = getattr(addr, "ipv4_mapped", None)
            self.ip = str(mapped or addr)
        self.changes = json.loads(json.dumps(self.changes or {}))


class AuditChainHead(models.Model):
    """One row (pk 1): the chain's last entry, and the anchor left by the last archive.

    Writers lock this row (SELECT ... FOR UPDATE) before linking a new entry, so two concurrent
    writers cannot both link to the same predecessor; verify_audit compares the chain's end with it,
    so entries cut off the end are found too."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    # Entries up to anchor_id were archived; the first kept entry links to anchor_hash.
    anchor_id = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="audit_chainhead_single_row")]

    def __str__(self) -> str:
        return f"audit chain head {self.last_id} {self.last_hash[:12]}"

    @classmethod
    def locked(cls) -> AuditChainHead:
        """The head row, locked for update; made from the last entry if missing (e.g. after a flush)."""
        try:
            return cls.objects.select_for_update().get(pk=1)
        except cls.DoesNotExist:
            last = AuditEntry.objects.order_by("-pk").values_list("pk", "chain_hash").first()
            last_id, last_hash = last if last else (0, GENESIS)
            cls.objects.bulk_create([cls(pk=1, last_id=last_id, last_hash=last_hash)], ignore_conflicts=True)  # type: ignore[list-item]
            return cls.objects.select_for_update().get(pk=1)


class AuditArchive(models.Model):
    """One run of archive_audit: which entries left the table, where they went, the file's hash."""

    at = models.DateTimeField(default=timezone.now)
    before = models.DateTimeField()
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    count = models.PositiveIntegerField()
    last_hash = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-last_id"]

    def __str__(self) -> str:
        return f"audit archive {self.first_id}-{self.last_id} ({self.file_name})"

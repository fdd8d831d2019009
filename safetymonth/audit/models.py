"""The audit log: append-only, one row per login, write, export and identity reveal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField


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

    # The id in the detail page's URL (the integer pk would tell how many entries exist).
    public_id = PublicIdField()
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
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
        if self.pk is not None:
            raise TypeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit entries are append-only")

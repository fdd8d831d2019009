"""Public tip-offs (举报, the 12350 line). See docs/tipoffs.md.

A ``TipOff`` is filed without login and followed with its receipt code, stored only as a salted
scrypt hash. The reporter's name, phone and ID number and the text of the tip and of the messages
are sealed (Fernet, keys from ``TIP_ENCRYPTION_KEYS``): the database and its backups hold no
plaintext. Nothing about where a tip came from (address, user agent) is stored anywhere.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField
from safetymonth.lib.sealed import Sealer
from safetymonth.orgs.models import under_paths_q

if TYPE_CHECKING:
    from safetymonth.accounts.models import User


@cache
def _sealer(keys: tuple[str, ...]) -> Sealer:
    return Sealer(keys)


def sealer() -> Sealer:
    return _sealer(tuple(settings.TIP_ENCRYPTION_KEYS))


class TipCategory(models.TextChoices):
    MAJOR_HAZARD = "major_hazard", _("重大事故隐患")
    ILLEGAL_FUEL = "illegal_fuel", _("非法经营成品油")
    VIOLATION = "violation", _("其他安全生产违法行为")
    CONCEALED = "concealed", _("瞒报谎报事故")


class TipStatus(models.TextChoices):
    PENDING = "pending", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    TRANSFERRED = "transferred", _("已转办")
    VERIFYING = "verifying", _("核查中")
    VERIFIED = "verified", _("已核实")
    CLOSED = "closed", _("已办结")


class TipOutcome(models.TextChoices):
    TRUE = "true", _("属实")
    PARTLY = "partly", _("部分属实")
    FALSE = "false", _("不属实")


class TipQuerySet(models.QuerySet["TipOff"]):
    def for_user(self, user: User) -> TipQuerySet:
        """Tip handlers: tips about orgs in their scope, and (on a top-level org) tips naming no
        known org. A section's staff: only the tips transferred to their section (matter only)."""
        from safetymonth.accounts.permissions import Perm, scope_paths

        handler_paths = scope_paths(user, Perm.HANDLE_TIPS)
        q = Q(pk__in=[])
        if handler_paths:
            q |= under_paths_q(handler_paths, "org__path")
            if any(p.count("/") == 1 for p in handler_paths):
                q |= Q(org__isnull=True)
        section_paths = scope_paths(user, Perm.VERIFY_TIPS)
        if section_paths:
            q |= under_paths_q(section_paths, "section__path") & ~Q(section=None)
        if not handler_paths and not section_paths:
            return self.none()
        return self.filter(q)

    def overdue(self, now: dt.datetime | None = None) -> TipQuerySet:
        """Any of the three clocks has run out."""
        now = now or timezone.now()
        return self.filter(
            Q(status=TipStatus.PENDING, acknowledge_due__lt=now)
            | Q(status__in=VERIFY_STATUSES, verify_due__lt=now)
            | Q(status=TipStatus.VERIFIED, feedback_due__lt=now)
        )


VERIFY_STATUSES = [TipStatus.ACCEPTED, TipStatus.TRANSFERRED, TipStatus.VERIFYING]


class TipOff(models.Model):
    public_id = PublicIdField()
    category = models.CharField(_("举报类别"), max_length=16, choices=TipCategory.choices)
    enterprise_name = models.CharField(_("被举报单位"), max_length=120)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("对应单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    happened_on = models.DateField(_("发生时间"), null=True, blank=True)
    details_sealed = models.TextField(editable=False)
    is_employee = models.BooleanField(_("本单位员工举报"), default=False)
    name_sealed = models.TextField(blank=True, editable=False)
    phone_sealed = models.TextField(blank=True, editable=False)
    id_number_sealed = models.TextField(blank=True, editable=False)
    identity_purged_at = models.DateTimeField(null=True, blank=True)
    # The receipt: a keyed 4-hex bucket to find candidate rows and a salted scrypt hash.
    receipt_bucket = models.CharField(max_length=4, editable=False)
    receipt_salt = models.CharField(max_length=32, editable=False)
    receipt_hash = models.CharField(max_length=64, editable=False)
    duplicate = models.BooleanField(_("疑似重复"), default=False)
    pow_checked = models.BooleanField(_("已通过工作量证明"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=TipStatus.choices, default=TipStatus.PENDING)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    acknowledge_due = models.DateTimeField(_("受理期限"))
    verify_due = models.DateTimeField(_("核查期限"), null=True, blank=True)
    extended = models.BooleanField(_("已延期"), default=False)
    feedback_due = models.DateTimeField(_("反馈期限"), null=True, blank=True)
    section = models.ForeignKey(
        "orgs.Org", verbose_name=_("承办科室"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    section_deadline = models.DateField(_("办理期限"), null=True, blank=True)
    outcome = models.CharField(_("核查结果"), max_length=8, choices=TipOutcome.choices, blank=True)
    public_reply = models.TextField(_("答复举报人"), blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard", verbose_name=_("隐患"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    ack_reminded_at = models.DateTimeField(null=True, blank=True)
    verify_reminded_at = models.DateTimeField(null=True, blank=True)
    feedback_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        constraints = [
            models.CheckConstraint(
                name="tipoff_closed_has_time", condition=~Q(status="closed") | Q(closed_at__isnull=False)
            ),
            models.CheckConstraint(
                name="tipoff_transferred_has_section",
                condition=~Q(status__in=["transferred", "verifying"]) | Q(section__isnull=False),
            ),
        ]
        indexes = [
            # receipt login: WHERE receipt_bucket = ?
            models.Index(fields=["receipt_bucket"], name="tipoff_bucket_idx"),
            # the handler's lists and the reminders: WHERE status = ? ORDER BY received_at
            models.Index(fields=["status", "received_at"], name="tipoff_status_received_idx"),
            # the identity purge: WHERE status = 'closed' AND closed_at < ?
            models.Index(fields=["closed_at"], name="tipoff_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.enterprise_name}"

    # --- sealed fields ---
    @property
    def details(self) -> str:
        return sealer().open(self.details_sealed)

    def identity(self) -> dict[str, str]:
        """Name, phone and ID number, opened. Only ``reveal_identity`` calls this."""
        s = sealer()
        return {
            "name": s.open(self.name_sealed),
            "phone": s.open(self.phone_sealed),
            "id_number": s.open(self.id_number_sealed),
        }

    @property
    def has_identity(self) -> bool:
        return bool(self.name_sealed or self.phone_sealed or self.id_number_sealed)

    @property
    def is_closed(self) -> bool:
        return self.status == TipStatus.CLOSED

    def overdue_clock(self, now: dt.datetime | None = None) -> str:
        """Which clock has run out ('' when none)."""
        now = now or timezone.now()
        if self.status == TipStatus.PENDING and self.acknowledge_due < now:
            return "acknowledge"
        if self.status in VERIFY_STATUSES and self.verify_due and self.verify_due < now:
            return "verify"
        if self.status == TipStatus.VERIFIED and self.feedback_due and self.feedback_due < now:
            return "feedback"
        return ""


class TipMessage(models.Model):
    """A message between the handlers and the reporter (text sealed)."""

    class Sender(models.TextChoices):
        HANDLER = "handler", _("承办人")
        REPORTER = "reporter", _("举报人")

    tip = models.ForeignKey(TipOff, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_sealed = models.TextField(editable=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # a tip's conversation: WHERE tip_id = ? ORDER BY at
            models.Index(fields=["tip", "at"], name="tipmessage_tip_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_sender_display()} {self.at:%Y-%m-%d}"

    @property
    def text(self) -> str:
        return sealer().open(self.text_sealed)


HISTORY_ACTIONS = {
    "receive": _("收到举报"),
    "accept": _("受理"),
    "reject": _("不予受理"),
    "transfer": _("转办"),
    "start": _("开始核查"),
    "extend": _("延长核查期限"),
    "verify": _("核查结论"),
    "convert": _("转为隐患"),
    "close": _("办结"),
    "reminder": _("到期提醒"),
    "purge": _("清除身份信息"),
}


class TipHistory(models.Model):
    tip = models.ForeignKey(TipOff, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # a tip's timeline: WHERE tip_id = ? ORDER BY at
            models.Index(fields=["tip", "at"], name="tiphistory_tip_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return str(HISTORY_ACTIONS.get(self.action, self.action))

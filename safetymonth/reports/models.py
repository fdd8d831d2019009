"""Progress reports: one report per (round, org), its values, its history, notifications and the
record of reminders already sent.

A report's workflow: draft → submitted → returned (with a reason) → submitted again (counted in
``submit_count``) → approved (locked; the office may reopen it with a reason). See docs/reports.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField

if TYPE_CHECKING:
    from safetymonth.accounts.models import User


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


# Which statuses a roll-up counts.
COUNT_APPROVED = "approved"
COUNT_SUBMITTED = "submitted"
COUNTED_STATUSES: dict[str, list[str]] = {
    COUNT_APPROVED: [ReportStatus.APPROVED],
    COUNT_SUBMITTED: [ReportStatus.SUBMITTED, ReportStatus.APPROVED],
}


class ReportQuerySet(models.QuerySet["Report"]):
    def for_user(self, user: User, perm: str | None = None) -> ReportQuerySet:
        """Reports the user may see (perm None: view, fill or review scope, and every report sent to
        an org where the user holds the office role) or act on with ``perm``.

        Filling is further restricted to the user's own org in ``reports.permissions``."""
        from safetymonth.accounts.models import Role
        from safetymonth.accounts.permissions import Perm, scope_paths
        from safetymonth.orgs.models import Org

        office_orgs: list[int] = []
        if perm is None:
            paths = sorted(
                set(scope_paths(user, Perm.VIEW_REPORTS))
                | set(scope_paths(user, Perm.FILL_REPORT))
                | set(scope_paths(user, Perm.REVIEW_REPORTS))
            )
            if user.is_authenticated:
                office_orgs = list(
                    user.memberships.filter(role=Role.OFFICE, org__is_active=True).values_list("org_id", flat=True)
                )
        else:
            paths = scope_paths(user, perm)
        if not paths and not office_orgs:
            return self.none()
        q = Q(org__in=Org.objects.under_paths(paths)) if paths else Q(pk__in=[])
        if office_orgs:
            q |= Q(round__report_to_id__in=office_orgs)
        return self.filter(q)


class Report(models.Model):
    public_id = PublicIdField()
    round = models.ForeignKey(
        "campaigns.Round", on_delete=models.PROTECT, related_name="reports", verbose_name=_("填报批次")
    )
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="reports", verbose_name=_("填报单位"))
    status = models.CharField(_("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # Optimistic locking: every save bumps it; a save from a page showing an older version is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("电话"), max_length=30, blank=True)
    filled_on = models.DateField(_("填报日期"), null=True, blank=True)
    submit_count = models.PositiveSmallIntegerField(_("提交次数"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_late = models.BooleanField(_("逾期提交"), default=False)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    # Comments answering soft warnings: {indicator code: comment}.
    comments = models.JSONField(_("说明"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["round", "org__path"]
        verbose_name = _("进展填报")
        verbose_name_plural = _("进展填报")
        constraints = [
            models.UniqueConstraint(fields=["round", "org"], name="report_unique_round_org"),
            models.CheckConstraint(
                name="report_approved_has_approved_at",
                condition=~Q(status=ReportStatus.APPROVED) | Q(approved_at__isnull=False),
            ),
            models.CheckConstraint(
                name="report_returned_has_reason",
                condition=~Q(status=ReportStatus.RETURNED) | ~Q(return_reason=""),
            ),
        ]
        indexes = [
            # a round's reports by status (non-filers, roll-up, reminders): WHERE round_id = ? AND status IN (...)
            models.Index(fields=["round", "status"], name="report_round_status_idx"),
            # "my reports" of an org across rounds: WHERE org_id = ? ORDER BY round_id
            models.Index(fields=["org", "round"], name="report_org_round_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.round}"

    @property
    def is_resubmitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED and self.submit_count > 1

    @property
    def status_label(self) -> str:
        if self.is_resubmitted:
            return str(_("已重新提交"))
        return str(self.get_status_display())

    @property
    def is_editable_status(self) -> bool:
        """Draft and returned reports are edited by their org; submitted and approved are not."""
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def entry_closed(self) -> bool:
        """The round locks at its deadline and the deadline has passed, or the campaign is not open."""
        from safetymonth.campaigns.models import CampaignStatus

        rnd = self.round
        if rnd.campaign.status != CampaignStatus.PUBLISHED:
            return True
        return bool(rnd.lock_at_deadline and timezone.now() > rnd.deadline)


class Value(models.Model):
    """One blank of one report. ``raw`` is what was typed (kept even when it does not parse, so a
    draft never loses input); the typed column of the indicator's kind holds the parsed value."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey("campaigns.Indicator", on_delete=models.PROTECT, related_name="values")
    raw = models.TextField(_("填写内容"), blank=True)
    int_value = models.BigIntegerField(_("数值"), null=True, blank=True)
    bool_value = models.BooleanField(_("是/否"), null=True, blank=True)
    text_value = models.TextField(_("文本"), blank=True)
    comment = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("填报值")
        verbose_name_plural = _("填报值")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="value_unique_report_indicator"),
        ]
        indexes = [
            # roll-up sums per indicator: WHERE indicator_id = ? (joined to reports of a round and subtree)
            models.Index(fields=["indicator", "report"], name="value_indicator_report_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}={self.raw}"

    @property
    def typed(self) -> Any:
        kind = self.indicator.kind
        if kind == "integer":
            return self.int_value
        if kind == "boolean":
            return self.bool_value
        return self.text_value or None


class ReportAction(models.TextChoices):
    CREATE = "create", _("生成")
    SAVE = "save", _("保存")
    SUBMIT = "submit", _("提交")
    RETURN = "return", _("退回")
    APPROVE = "approve", _("审核通过")
    REOPEN = "reopen", _("重新打开")
    CHASE = "chase", _("催报")


class ReportEvent(models.Model):
    """One step of a report's history: who, when, why, and the values and header after it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=10, choices=ReportAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=12, choices=ReportStatus.choices)
    reason = models.TextField(_("原因"), blank=True)
    # {"values": {code: raw}, "header": {...}, "comments": {...}}
    snapshot = models.JSONField(_("快照"), default=dict)

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")
        indexes = [
            # the history page: WHERE report_id = ? ORDER BY at
            models.Index(fields=["report", "at"], name="reportevent_report_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_action_display()}"


class Notification(models.Model):
    public_id = PublicIdField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            # the unread badge and list: WHERE user_id = ? AND read_at IS NULL ORDER BY created_at DESC
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_read_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class ReminderKind(models.TextChoices):
    THREE_DAYS = "3d", _("截止前3天")
    ONE_DAY = "1d", _("截止前1天")
    OVERDUE = "overdue", _("已逾期")


class ReminderSent(models.Model):
    """A reminder sent for (round, org, kind): the unique row makes each reminder go out once, even
    with several ``send_reminders`` running at the same time (insert-or-skip)."""

    round = models.ForeignKey("campaigns.Round", on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("收件人数"), default=0)

    class Meta:
        verbose_name = _("催报提醒")
        verbose_name_plural = _("催报提醒")
        constraints = [
            models.UniqueConstraint(fields=["round", "org", "kind"], name="remindersent_unique_round_org_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.org} · {self.kind}"

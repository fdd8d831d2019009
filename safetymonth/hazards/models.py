"""The hazard ledger (隐患排查治理台账) and public exposure (曝光).

A ``Hazard`` belongs to the org where it is (usually an enterprise) and goes registered →
rectifying → awaiting verification → closed (销号), the cycle of 《安全生产事故隐患排查治理暂行规定》
(原国家安监总局令第16号); every transition is a ``HazardHistory`` row and an audit entry. Photos
before and after are evidence ``Material`` rows pointing at the hazard (``hazard_phase``), uploaded
through the evidence pipeline. An ``ExposureCase`` is a public text about a hazard (or written by
the office), visible at ``/exposure/`` while published. See docs/hazards.md.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField
from safetymonth.orgs.models import under_paths_q

if TYPE_CHECKING:
    from safetymonth.accounts.models import User


# The commerce categories the data migration seeds (hazards 0002 keeps its own frozen copy);
# load_demo and the test cast add any that are missing (a flushed test database has none).
DEFAULT_CATEGORIES = [
    ("fire", "消防"),
    ("electric", "用电"),
    ("gas", "燃气"),
    ("fuel", "成品油储存与加注"),
    ("special-equipment", "特种设备"),
    ("confined-space", "有限空间"),
    ("chemicals", "危险化学品"),
    ("building", "建筑与结构"),
    ("evacuation", "疏散通道与出口"),
    ("food-machinery", "食品加工设备"),
    ("other", "其他"),
]


class HazardCategory(models.Model):
    """A configurable category (消防, 用电, …); seeded for commerce by a data migration."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("隐患类别")
        verbose_name_plural = _("隐患类别")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def ensure_defaults() -> None:
        """Add the default categories that are missing (by code); the office's edits are kept."""
        have = set(HazardCategory.objects.values_list("code", flat=True))
        missing = [(i, code, name) for i, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1) if code not in have]
        if missing:
            HazardCategory.objects.bulk_create(
                [HazardCategory(code=code, name=name, order=i * 10) for i, code, name in missing],
                ignore_conflicts=True,
            )


class FoundBy(models.TextChoices):
    SELF = "self", _("自查")
    INSPECTION = "inspection", _("检查")
    TIP = "tip", _("举报")
    EVENT = "event", _("活动")


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("一般")
    MAJOR = "major", _("重大")


class HazardStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING = "awaiting", _("待验收")
    CLOSED = "closed", _("已销号")


OPEN_STATUSES = [HazardStatus.REGISTERED, HazardStatus.RECTIFYING, HazardStatus.AWAITING]

# The six parts of a 治理方案 for a major hazard (16号令 Art. 15), in order: (field, label).
PLAN_FIELDS: list[tuple[str, Any]] = [
    ("plan_goal", _("治理的目标和任务")),
    ("plan_methods", _("采取的方法和措施")),
    ("plan_funding", _("经费和物资的落实")),
    ("plan_people", _("负责治理的机构和人员")),
    ("plan_timing", _("治理的时限和要求")),
    ("plan_safety", _("安全措施和应急预案")),
]


class HazardQuerySet(models.QuerySet["Hazard"]):
    def for_user(self, user: User, perm: str | None = None) -> HazardQuerySet:
        """Hazards of orgs in the user's scope for ``perm`` (hazards.view when None)."""
        from safetymonth.accounts.permissions import Perm, scope_paths

        paths = scope_paths(user, perm or Perm.VIEW_HAZARDS)
        if not paths:
            return self.none()
        return self.filter(under_paths_q(paths, "org__path"))

    def overdue(self, today: dt.date | None = None) -> HazardQuerySet:
        """Deadline passed (before today, Asia/Shanghai) and not closed."""
        return self.filter(deadline__lt=today or timezone.localdate()).exclude(status=HazardStatus.CLOSED)


class Hazard(models.Model):
    public_id = PublicIdField()
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("单位"))
    found_by = models.CharField(_("发现方式"), max_length=12, choices=FoundBy.choices, default=FoundBy.SELF)
    # The source: an event (found_by 活动) or an opaque reference of a tip-off (举报; never an identity).
    source_event = models.ForeignKey(
        "events.Event",
        verbose_name=_("来源活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    found_on = models.DateField(_("发现日期"))
    found_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.CharField(_("位置"), max_length=200)
    description = models.TextField(_("隐患描述"))
    category = models.ForeignKey(
        HazardCategory, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("类别")
    )
    level = models.CharField(_("等级"), max_length=8, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    status = models.CharField(_("状态"), max_length=12, choices=HazardStatus.choices, default=HazardStatus.REGISTERED)
    measures = models.TextField(_("整改措施"), blank=True)
    responsible = models.CharField(_("责任人"), max_length=60, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    funds = models.DecimalField(_("整改资金（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    plan_goal = models.TextField(_("治理的目标和任务"), blank=True)
    plan_methods = models.TextField(_("采取的方法和措施"), blank=True)
    plan_funding = models.TextField(_("经费和物资的落实"), blank=True)
    plan_people = models.TextField(_("负责治理的机构和人员"), blank=True)
    plan_timing = models.TextField(_("治理的时限和要求"), blank=True)
    plan_safety = models.TextField(_("安全措施和应急预案"), blank=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)
    rectified_on = models.DateField(_("完成日期"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_on = models.DateField(_("验收日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    supervised = models.BooleanField(_("挂牌督办"), default=False)
    overdue_reminded_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        constraints = [
            models.CheckConstraint(
                name="hazard_closed_is_verified",
                condition=~Q(status="closed") | (Q(verified_on__isnull=False) & Q(closed_at__isnull=False)),
            ),
            models.CheckConstraint(name="hazard_funds_not_negative", condition=Q(funds__isnull=True) | Q(funds__gte=0)),
            models.CheckConstraint(name="hazard_supervised_is_major", condition=Q(supervised=False) | Q(level="major")),
        ]
        indexes = [
            # an org's ledger by date: WHERE org_id = ? ORDER BY found_on DESC
            models.Index(fields=["org", "found_on"], name="hazard_org_found_idx"),
            # open/overdue lists and reminders: WHERE status IN (...) AND deadline < ?
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline_idx"),
            # statistics over a period: WHERE found_on BETWEEN ? AND ?
            models.Index(fields=["found_on"], name="hazard_found_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    @property
    def is_closed(self) -> bool:
        return self.status == HazardStatus.CLOSED

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return (
            self.deadline is not None
            and self.status != HazardStatus.CLOSED
            and self.deadline < (today or timezone.localdate())
        )

    def missing_plan_parts(self) -> list[str]:
        """Labels of the 治理方案 parts still empty (a major hazard needs all six)."""
        return [str(label) for field, label in PLAN_FIELDS if not getattr(self, field).strip()]


HISTORY_ACTIONS = {
    "register": _("登记"),
    "plan": _("修改整改措施或治理方案"),
    "start": _("开始整改"),
    "rectify": _("整改完成，申请验收"),
    "close": _("验收通过，销号"),
    "reject": _("验收不通过，退回整改"),
    "supervise": _("挂牌督办"),
    "unsupervise": _("解除挂牌督办"),
    "overdue": _("逾期提醒"),
}


class HazardHistory(models.Model):
    """One transition or edit of a hazard: who, when, what, why and which fields changed."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    reason = models.TextField(_("原因"), blank=True)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # a hazard's timeline: WHERE hazard_id = ? ORDER BY at
            models.Index(fields=["hazard", "at"], name="hazardhistory_hazard_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return str(HISTORY_ACTIONS.get(self.action, self.action))


class ExposureStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class ExposureQuerySet(models.QuerySet["ExposureCase"]):
    def for_user(self, user: User, perm: str | None = None) -> ExposureQuerySet:
        from safetymonth.accounts.permissions import Perm, scope_paths

        paths = scope_paths(user, perm or Perm.PUBLISH_EXPOSURE)
        if not paths:
            return self.none()
        return self.filter(under_paths_q(paths, "org__path"))

    def published(self) -> ExposureQuerySet:
        return self.filter(status=ExposureStatus.PUBLISHED)


class ExposureCase(models.Model):
    """A case for public exposure (曝光): the office's public text about a hazard (or a case it
    writes itself), with chosen photos; shown at /exposure/ while published."""

    public_id = PublicIdField()
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="exposures", verbose_name=_("单位"))
    hazard = models.ForeignKey(
        Hazard, null=True, blank=True, on_delete=models.SET_NULL, related_name="exposures", verbose_name=_("隐患")
    )
    title = models.CharField(_("标题"), max_length=120)
    public_text = models.TextField(_("公开内容"))
    status = models.CharField(_("状态"), max_length=10, choices=ExposureStatus.choices, default=ExposureStatus.DRAFT)
    photos = models.ManyToManyField("evidence.Material", blank=True, related_name="exposures", verbose_name=_("照片"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExposureQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("曝光案例")
        verbose_name_plural = _("曝光案例")
        constraints = [
            models.CheckConstraint(
                name="exposure_published_has_date",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]
        indexes = [
            # the public list: WHERE status = 'published' ORDER BY published_at DESC
            models.Index(fields=["status", "published_at"], name="exposure_status_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

"""Evidence materials (佐证材料): the videos, photos and documents behind the numbers.

A material belongs to one org and one campaign and sits at one *place*: a report item, an
indicator, an event (and later a hazard). Files go through Django's storage API under generated
names; the original file name is kept as sanitised text only. Large files arrive in chunks through
an ``UploadSession`` whose partial file lives outside storage until it is complete and checked, so
no ``Material`` row ever points at a partial file. See docs/evidence.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField
from safetymonth.orgs.models import under_paths_q

if TYPE_CHECKING:
    from safetymonth.accounts.models import User


class MaterialKind(models.TextChoices):
    IMAGE = "image", _("图片")
    VIDEO = "video", _("视频")
    DOCUMENT = "document", _("文档")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("未采纳")


class HazardPhase(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


def place_key(
    item_id: int | None, indicator_id: int | None, event_id: int | None, hazard_id: int | None = None, phase: str = ""
) -> str:
    """One string naming where a material sits, so 'the same file at the same place' is one
    portable unique constraint (NULLs would make a multi-column constraint useless). A hazard's
    photos (before/after) add their own part; other places keep their original keys."""
    key = f"i{item_id or 0}.n{indicator_id or 0}.e{event_id or 0}"
    return f"{key}.h{hazard_id}{phase[:1]}" if hazard_id else key


class MaterialQuerySet(models.QuerySet["Material"]):
    def for_user(self, user: User, perm: str | None = None) -> MaterialQuerySet:
        """Materials of orgs in the user's scope for ``perm`` (evidence.view when None)."""
        from safetymonth.accounts.permissions import Perm, scope_paths

        paths = scope_paths(user, perm or Perm.VIEW_EVIDENCE)
        if not paths:
            return self.none()
        return self.filter(under_paths_q(paths, "org__path"))


class Material(models.Model):
    public_id = PublicIdField()
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="materials", verbose_name=_("活动")
    )
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="materials", verbose_name=_("单位"))
    item = models.ForeignKey(
        "campaigns.Item",
        verbose_name=_("活动项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    indicator = models.ForeignKey(
        "campaigns.Indicator",
        verbose_name=_("指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("活动记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    hazard_phase = models.CharField(_("整改前后"), max_length=8, choices=HazardPhase.choices, blank=True)
    place = models.CharField(max_length=40, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=MaterialKind.choices)
    content_type = models.CharField(_("文件格式"), max_length=100)
    original_name = models.CharField(_("原文件名"), max_length=255)
    # Generated storage names; ``file`` is the original as uploaded (for authorised reviewers),
    # ``served_file`` the copy shown to everyone else (EXIF/GPS stripped for photos; empty = file).
    file = models.FileField(_("文件"), max_length=255)
    served_file = models.FileField(max_length=255, blank=True)
    thumbnail = models.FileField(max_length=255, blank=True)
    size = models.BigIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)
    captured_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    captured_outside_period = models.BooleanField(_("拍摄时间不在活动期间"), default=False)
    has_location = models.BooleanField(_("原件含位置信息"), default=False)
    duration_seconds = models.FloatField(_("时长（秒）"), null=True, blank=True)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    review_state = models.CharField(
        _("审核状态"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    review_reason = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    is_good_practice = models.BooleanField(_("好的做法"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "campaign", "place", "sha256"], name="material_unique_file_per_place"
            ),
            models.CheckConstraint(
                name="material_rejected_has_reason",
                condition=~Q(review_state=ReviewState.REJECTED) | ~Q(review_reason=""),
            ),
        ]
        indexes = [
            # gallery and counts of a campaign over a subtree: WHERE campaign_id = ? AND org_id IN (...)
            models.Index(fields=["campaign", "org"], name="material_campaign_org_idx"),
            # materials behind each indicator of a report: WHERE indicator_id IN (...) AND org_id = ?
            models.Index(fields=["indicator", "org"], name="material_indicator_org_idx"),
            # review queue: WHERE review_state = 'pending' ...
            models.Index(fields=["review_state", "campaign"], name="material_review_idx"),
            models.Index(fields=["sha256"], name="material_sha256_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.place = place_key(self.item_id, self.indicator_id, self.event_id, self.hazard_id, self.hazard_phase)
        if kwargs.get("update_fields") is not None and {"item", "indicator", "event", "hazard", "hazard_phase"} & set(
            kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "place"}
        super().save(*args, **kwargs)


class UploadStatus(models.TextChoices):
    RECEIVING = "receiving", _("上传中")
    COMPLETE = "complete", _("已完成")
    FAILED = "failed", _("失败")


class UploadSession(models.Model):
    """A resumable upload in progress. Chunks are appended to a partial file under
    ``settings.UPLOAD_PARTIAL_DIR`` (never in storage); ``received`` is the number of bytes safely
    on disk, which is where a resumed upload carries on. On completion the file is checked, moved
    into storage and a ``Material`` is created in one step; ``sweep_uploads`` removes sessions
    (and partial files) left behind."""

    public_id = PublicIdField(max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("campaigns.Item", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(
        "campaigns.Indicator", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    hazard_phase = models.CharField(max_length=8, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    received = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=UploadStatus.choices, default=UploadStatus.RECEIVING)
    error = models.TextField(blank=True)
    material = models.ForeignKey(Material, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="upload_received_within_size", condition=Q(received__lte=models.F("size"))),
        ]
        indexes = [
            # sweep_uploads: WHERE status = 'receiving' AND updated_at < ?
            models.Index(fields=["status", "updated_at"], name="upload_status_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name

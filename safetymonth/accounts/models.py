"""Users and their memberships: a user acts in an org's subtree with a role."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField


class Role(models.TextChoices):
    OFFICE = "office", _("活动办公室")
    LEADER = "leader", _("领导小组")
    SECTION_STAFF = "section_staff", _("科室人员")
    ENTERPRISE_STAFF = "enterprise_staff", _("企业人员")
    TIP_HANDLER = "tip_handler", _("举报受理人员")


class UserQuerySet(models.QuerySet["User"]):
    def for_user(self, user: User, perm: str) -> UserQuerySet:
        """Users whose every membership lies inside the acting user's scope for ``perm``.

        A user with no membership at all is visible only to a superuser."""
        from safetymonth.accounts.permissions import scope_paths
        from safetymonth.orgs.models import Org

        paths = scope_paths(user, perm)
        if not paths:
            return self.none()
        inside = Org.objects.under_paths(paths)
        outside_membership = Membership.objects.filter(user=OuterRef("pk")).exclude(org__in=inside)
        inside_membership = Membership.objects.filter(user=OuterRef("pk"), org__in=inside)
        return self.filter(Exists(inside_membership)).exclude(Exists(outside_membership))


class SafetyMonthUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    public_id = PublicIdField()
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    objects: ClassVar[SafetyMonthUserManager] = SafetyMonthUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """The user acts with ``role`` on ``org`` and everything beneath it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户")
    )
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("单位")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("成员身份")
        verbose_name_plural = _("成员身份")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="membership_unique_user_org_role"),
        ]
        indexes = [
            # "who works for this org": WHERE org_id = ? AND role = ?
            models.Index(fields=["org", "role"], name="membership_org_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org} · {self.get_role_display()}"

"""Users and their memberships: a user acts in an org's subtree with a role."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField


class Role(models.TextChoices):
    OFFICE = "office", _("活动办公室")
    LEADER = "leader", _("领导小组")
    SECTION_STAFF = "section_staff", _("科室人员")
    ENTERPRISE_STAFF = "enterprise_staff", _("企业人员")
    TIP_HANDLER = "tip_handler", _("举报受理人员")


# Which kinds of org each role may be held on (an enterprise's staff on an enterprise, and so on).
ROLE_ORG_KINDS: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset({"authority", "section"}),
    Role.LEADER: frozenset({"authority", "section"}),
    Role.TIP_HANDLER: frozenset({"authority", "section"}),
    Role.SECTION_STAFF: frozenset({"section"}),
    Role.ENTERPRISE_STAFF: frozenset({"enterprise"}),
}


def role_fits_org_kind(role: str, kind: str) -> bool:
    return kind in ROLE_ORG_KINDS.get(role, frozenset())


class UserQuerySet(models.QuerySet["User"]):
    def with_username(self, username: str) -> UserQuerySet:
        """Users whose username equals ``username`` ignoring case. (``iexact`` is no help: SQLite
        runs with case_sensitive_like, which makes LIKE-based lookups case-sensitive.)"""
        return self.alias(username_lower=Lower("username")).filter(username_lower=username.strip().lower())

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
    # Set for new accounts and after an office resets the password: every page but the password
    # change (and logout) redirects there until the user has chosen a password only they know.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

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

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("单位"))
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

    def clean(self) -> None:
        super().clean()
        if self.org_id is not None and self.role and not role_fits_org_kind(self.role, self.org.kind):
            raise ValidationError({"role": role_kind_message(self.role)})


def role_kind_message(role: str) -> str:
    """Why ``role`` cannot be held on the chosen org, naming the kinds it can be held on."""
    from safetymonth.orgs.models import OrgKind

    kinds = "、".join(str(label) for value, label in OrgKind.choices if value in ROLE_ORG_KINDS.get(role, ()))
    return gettext("“%(role)s”只能授予以下类型的单位：%(kinds)s。") % {
        "role": Role(role).label,
        "kinds": kinds,
    }

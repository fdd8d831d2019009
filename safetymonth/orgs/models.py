"""The organisation tree: the commission, its sections and institutions, and the enterprises that
each section supervises. Subtrees are found with a materialised path (``path``), indexed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetymonth.core.fields import PublicIdField

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

PATH_STEP = 8  # digits per level; pk 1 → "00000001/"


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_STEP}d}/"


class OrgKind(models.TextChoices):
    AUTHORITY = "authority", _("委")
    SECTION = "section", _("科室")
    INSTITUTION = "institution", _("事业单位")
    ENTERPRISE = "enterprise", _("企业")


# Which kind of org may sit under which (None: a root).
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    OrgKind.AUTHORITY: {None, OrgKind.AUTHORITY},
    OrgKind.SECTION: {OrgKind.AUTHORITY},
    OrgKind.INSTITUTION: {OrgKind.AUTHORITY},
    OrgKind.ENTERPRISE: {OrgKind.SECTION},
}


class Industry(models.Model):
    """An enterprise's industry (行业); the list is edited by the office."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("行业")
        verbose_name_plural = _("行业")

    def __str__(self) -> str:
        return self.name


def under_paths_q(paths: list[str], field: str = "path") -> Q:
    """Rows whose org path ``field`` (``path``, ``org__path``, ``org_path``…) lies in one of the
    subtrees ``paths``: indexed prefix matches. No paths: nothing. Every scoped queryset's
    ``for_user`` is built on it."""
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


class OrgQuerySet(models.QuerySet["Org"]):
    def subtree(self, org: Org) -> OrgQuerySet:
        """The org and everything beneath it (an indexed prefix match on ``path``)."""
        return self.filter(path__startswith=org.path)

    def under_paths(self, paths: list[str]) -> OrgQuerySet:
        return self.filter(under_paths_q(paths))

    def for_user(self, user: User, perm: str | None = None) -> OrgQuerySet:
        """Orgs the user may see (or act on with ``perm``): the subtrees of the user's memberships."""
        from safetymonth.accounts.permissions import scope_paths

        return self.under_paths(scope_paths(user, perm))

    def active(self) -> OrgQuerySet:
        return self.filter(is_active=True)

    def enterprises(self) -> OrgQuerySet:
        return self.filter(kind=OrgKind.ENTERPRISE)

    def incomplete(self) -> OrgQuerySet:
        """Enterprises whose profile lacks a contact person, phone, credit code or industry."""
        return self.enterprises().filter(
            Q(contact_name="") | Q(phone="") | Q(credit_code__isnull=True) | Q(industry__isnull=True)
        )

    def search(self, text: str) -> OrgQuerySet:
        """Name, short name or credit code containing ``text`` (case-insensitive)."""
        text = text.strip()[:100]
        if not text:
            return self
        code = "".join(text.split()).upper()
        return self.filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Q(credit_code__contains=code))


class Org(models.Model):
    public_id = PublicIdField()
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "00000001/00000007/00000042/": the pks from the root down. Django adds a varchar_pattern_ops
    # index on PostgreSQL, and SQLite runs with case_sensitive_like so that the plain index serves
    # the prefix LIKE of subtree() and for_user().
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("所属行业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orgs",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # 安全生产责任科室: a section with safety-production duties (2021: every section but 办公室 and the
    # campaign office). Rounds may expect only these sections (Round.responsible_sections_only).
    safety_responsible = models.BooleanField(
        _("安全生产责任科室"),
        default=False,
        help_text=_("科室是否负有安全生产责任；填报批次可只要求这些科室填报。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(
                name="org_only_authority_is_root",
                condition=Q(parent__isnull=False) | Q(kind=OrgKind.AUTHORITY),
            ),
            models.CheckConstraint(
                name="org_credit_code_only_on_enterprises_and_institutions",
                condition=Q(credit_code__isnull=True)
                | Q(kind__in=[OrgKind.ENTERPRISE, OrgKind.INSTITUTION, OrgKind.AUTHORITY]),
            ),
        ]
        indexes = [
            # children lists and "enterprises of this section" pages: WHERE parent_id = ? AND kind = ?
            models.Index(fields=["parent", "kind"], name="org_parent_kind_idx"),
            # subtree counts by kind: WHERE path LIKE 'p%' AND kind = ?
            models.Index(fields=["kind", "path"], name="org_kind_path_idx"),
            # a detail page's paginated children: WHERE parent_id = ? ORDER BY path LIMIT 50 OFFSET n
            models.Index(fields=["parent", "path"], name="org_parent_path_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_ancestor_of(self, other: Org) -> bool:
        return other.path.startswith(self.path) and other.pk != self.pk

    def contains(self, other: Org) -> bool:
        """True for the org itself and every org beneath it."""
        return other.path.startswith(self.path)

    def ancestors(self) -> OrgQuerySet:
        pks = [int(seg) for seg in self.path.strip("/").split("/")[:-1] if seg]
        return Org.objects.filter(pk__in=pks).order_by("depth")

    def parent_kind_allowed(self, parent: Org | None) -> bool:
        return (parent.kind if parent else None) in ALLOWED_PARENT_KINDS[self.kind]

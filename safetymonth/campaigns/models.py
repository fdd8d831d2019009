"""Campaigns as data: a campaign's notice (文号, issuer, contents, requirements, slogans, leadership
group), its statistics form (统计表: items, indicators, cross-field rules) and its reporting rounds.

Everything here is defined by a YAML file (``definitions/*.yaml``, loaded with ``load_campaign``) or
edited in the office UI while the campaign is a draft; nothing about a particular year is in code.
Publishing locks the form's structure (see ``services.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safetymonth.core.fields import PublicIdField

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import OrgQuerySet


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")


class LeadershipPosition(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")
    # 具体工作由……牵头: the person who runs the work day to day.
    LEAD = "lead", _("牵头负责")


class IndicatorKind(models.TextChoices):
    INTEGER = "integer", _("整数")
    BOOLEAN = "boolean", _("是/否")
    TEXT = "text", _("文本")


class RuleOperator(models.TextChoices):
    LT = "<", "<"
    LE = "<=", "≤"
    EQ = "==", "="
    NE = "!=", "≠"
    GE = ">=", "≥"
    GT = ">", ">"


class MissingValueStrategy(models.TextChoices):
    """When a rule is checked although some of its values are missing (as DHIS2's validation rules).

    never_skip: always checked, a missing value counts as 0. skip_if_any_missing: not checked while
    any value it names is missing. skip_if_all_missing: not checked while every value it names is
    missing; otherwise a missing value counts as 0."""

    NEVER_SKIP = "never_skip", _("始终校验（缺失值按0计）")
    SKIP_IF_ANY_MISSING = "skip_if_any_missing", _("任一值缺失时不校验")
    SKIP_IF_ALL_MISSING = "skip_if_all_missing", _("全部值缺失时不校验")


class RuleSeverity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("警告")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def for_user(self, user: User, perm: str | None = None) -> CampaignQuerySet:
        """Campaigns the user may see (perm None) or act on with ``perm``.

        Published and closed campaigns are seen by everyone whose scope overlaps the issuing org:
        users in the issuing org's subtree (sections and enterprises under the commission) and users
        above it. Drafts are seen only by holders of ``campaigns.manage`` whose manage scope overlaps
        the issuing org. With ``perm``, only campaigns whose issuing org overlaps the scope where the
        user holds ``perm`` are returned (drafts included)."""
        from safetymonth.accounts.permissions import Perm, scope_paths

        if perm is not None:
            return self.filter(_overlap_q(scope_paths(user, perm)))
        visible = _overlap_q(scope_paths(user)) & Q(status__in=[CampaignStatus.PUBLISHED, CampaignStatus.CLOSED])
        managed = _overlap_q(scope_paths(user, Perm.MANAGE_CAMPAIGNS))
        return self.filter(visible | managed)

    def published(self) -> CampaignQuerySet:
        return self.filter(status=CampaignStatus.PUBLISHED)


def _ancestor_prefixes(path: str) -> list[str]:
    """ "1/2/3/" → ["1/", "1/2/", "1/2/3/"] (with the 8-digit segments of org paths)."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def _overlap_q(paths: list[str]) -> Q:
    """Campaigns whose issuing org lies in one of the subtrees ``paths`` or above one of them."""
    if not paths:
        return Q(pk__in=[])
    q = Q()
    above: set[str] = set()
    for p in paths:
        q |= Q(issuing_org__path__startswith=p)
        above.update(_ancestor_prefixes(p))
    return q | Q(issuing_org__path__in=sorted(above))


class Campaign(models.Model):
    """One campaign as its notice (通知) states it, e.g. 渡商发〔2021〕19号."""

    public_id = PublicIdField()
    code = models.SlugField(_("代码"), max_length=60, unique=True, help_text=_("例如 dadukou-commerce-2021"))
    title = models.CharField(_("通知标题"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    theme = models.CharField(_("活动主题"), max_length=120, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=60, blank=True)
    issuing_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("发文单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_campaigns",
    )
    issuer_name = models.CharField(_("发文单位（落款）"), max_length=120, blank=True)
    issue_date = models.DateField(_("成文日期"), null=True, blank=True)
    addressees = models.CharField(_("主送"), max_length=300, blank=True)
    preamble = models.TextField(_("导语"), blank=True)
    approach = models.TextField(_("总体思路"), blank=True)
    contents_heading = models.CharField(_("主要内容标题"), max_length=200, blank=True)
    leadership_group_name = models.CharField(_("领导小组名称"), max_length=200, blank=True)
    closing = models.TextField(_("报送要求（正文结尾）"), blank=True)
    materials_label = models.CharField(_("资料下载说明"), max_length=200, blank=True)
    materials_url = models.URLField(_("资料下载链接"), max_length=300, blank=True)
    materials_code = models.CharField(_("提取码"), max_length=20, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    office_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("活动办公室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="office_campaigns",
    )
    office_name = models.CharField(_("活动办公室（原文）"), max_length=120, blank=True)
    slogans_attachment_title = models.CharField(_("标语附件名称"), max_length=200, blank=True)
    slogans_heading = models.CharField(_("标语标题"), max_length=200, blank=True)
    slogans_note = models.CharField(_("标语说明"), max_length=200, blank=True)
    printed_by = models.CharField(_("印发单位"), max_length=120, blank=True)
    printed_date = models.DateField(_("印发日期"), null=True, blank=True)
    # Indicators filled from the hazard ledger (issue 14): {figure: indicator code}, figures in
    # definition.LEDGER_FIGURES; see docs/hazards.md.
    ledger_figures = models.JSONField(_("隐患台账取数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    # Optimistic locking: every change to the campaign or anything in it bumps this; an edit made
    # from a page showing an older version is refused instead of silently overwriting.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        constraints = [
            models.CheckConstraint(
                name="campaign_published_has_published_at",
                condition=Q(status=CampaignStatus.DRAFT) | Q(published_at__isnull=False),
            ),
            models.CheckConstraint(
                name="campaign_closed_has_closed_at",
                condition=~Q(status=CampaignStatus.CLOSED) | Q(closed_at__isnull=False),
            ),
            models.CheckConstraint(name="campaign_year_plausible", condition=Q(year__gte=2000) & Q(year__lte=2100)),
        ]
        indexes = [
            # the campaign list of a scope: WHERE issuing_org_id IN (...) AND status = ? ORDER BY year DESC
            models.Index(fields=["issuing_org", "status", "-year"], name="campaign_org_status_year_idx"),
            # "the current campaign": WHERE status = 'published' ORDER BY year DESC
            models.Index(fields=["status", "-year"], name="campaign_status_year_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.DRAFT

    @property
    def is_structure_locked(self) -> bool:
        """Publishing locks the form and rounds; only non-structural edits remain (services.py)."""
        return self.status != CampaignStatus.DRAFT

    def span(self) -> tuple[dt.date, dt.date] | None:
        """The campaign's overall dates: from its first period's start to its last period's end
        (2021: 6月1日 to 12月31日, 安全生产月 and 安全生产渝州行); None without periods."""
        if not hasattr(self, "_span"):
            spans = list(self.periods.values_list("start", "end"))
            self._span = (min(s for s, _e in spans), max(e for _s, e in spans)) if spans else None
        return self._span

    def is_outside_span(self, day: dt.date) -> bool:
        """Whether ``day`` (a local date) lies outside the campaign's dates; never without periods."""
        span = self.span()
        return span is not None and not (span[0] <= day <= span[1])

    def bump_version(self) -> None:
        """Count one more change (optimistic locking); saves only the version and updated_at."""
        self.version = models.F("version") + 1
        self.save(update_fields=["version", "updated_at"])
        self.refresh_from_db(fields=["version", "updated_at"])


class CitedDocument(models.Model):
    """A document the notice cites as its basis (按照《…》（渝商务〔2021〕145号）)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cited_documents")
    order = models.PositiveSmallIntegerField(_("顺序"))
    title = models.CharField(_("文件名称"), max_length=300)
    doc_number = models.CharField(_("发文字号"), max_length=60, blank=True)

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = _("依据文件")
        verbose_name_plural = _("依据文件")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="citeddocument_unique_campaign_order"),
        ]

    def __str__(self) -> str:
        return f"《{self.title}》（{self.doc_number}）" if self.doc_number else f"《{self.title}》"


class Period(models.Model):
    """A dated period of the campaign (安全生产月: June; 安全生产渝州行: June to December)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="periods")
    code = models.SlugField(_("代码"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("名称"), max_length=120)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    note = models.CharField(_("说明（原文）"), max_length=300, blank=True)

    class Meta:
        ordering = ["campaign", "order", "start"]
        verbose_name = _("活动时段")
        verbose_name_plural = _("活动时段")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="period_unique_campaign_code"),
            models.CheckConstraint(name="period_end_not_before_start", condition=Q(end__gte=models.F("start"))),
        ]

    def __str__(self) -> str:
        return self.name


class LeadershipMember(models.Model):
    """A line of the leadership group: 由区商务委主任任组长 → position leader, description 区商务委主任."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="leadership")
    order = models.PositiveSmallIntegerField(_("顺序"))
    position = models.CharField(_("职务"), max_length=12, choices=LeadershipPosition.choices)
    description = models.CharField(_("担任者（原文）"), max_length=120)
    name = models.CharField(_("姓名"), max_length=40, blank=True)

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="leadershipmember_unique_campaign_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()}：{self.name or self.description}"


class Content(models.Model):
    """One of the notice's numbered main contents (活动主要内容), printed as （一）title。text."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contents")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"), blank=True)

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("活动主要内容")
        verbose_name_plural = _("活动主要内容")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="content_unique_campaign_number"),
        ]

    def __str__(self) -> str:
        return self.title


class Requirement(models.Model):
    """One of the notice's numbered requirements (有关要求), printed as （一）title。text."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requirements")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"), blank=True)

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("有关要求")
        verbose_name_plural = _("有关要求")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="requirement_unique_campaign_number"),
        ]

    def __str__(self) -> str:
        return self.title


class Slogan(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="slogans")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("标语"), max_length=200)

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("标语")
        verbose_name_plural = _("标语")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="slogan_unique_campaign_number"),
        ]

    def __str__(self) -> str:
        return self.text


class ReportForm(models.Model):
    """The statistics form (统计表), e.g. Attachment 1 of the 2021 notice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="forms")
    code = models.SlugField(_("代码"), max_length=60)
    attachment_label = models.CharField(_("附件编号"), max_length=20, blank=True, help_text=_("例如 附件1"))
    title = models.CharField(_("表名"), max_length=200)
    # The fill-in line above the table, e.g. ["填报科室", "联系人", "电话", "填报日期"].
    header_fields = models.JSONField(_("表头填写项"), default=list, blank=True)

    class Meta:
        ordering = ["campaign", "code"]
        verbose_name = _("统计表")
        verbose_name_plural = _("统计表")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="reportform_unique_campaign_code"),
        ]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """A row of the form (活动项目): its requirement (内容要求) and its progress text (进展情况).

    ``progress_text`` is the paper text with each blank replaced by ``[[indicator_code]]`` and the
    paper punctuation kept, e.g. ``理论学习中心组学习（[[theory_study_sessions]]）次``. Lines are
    separated by ``\\n``. ``safetymonth.lib.blanks`` splits it into text and blanks."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("代码"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"))
    title = models.CharField(_("活动项目"), max_length=200)
    requirement = models.TextField(_("内容要求"), blank=True)
    progress_text = models.TextField(_("进展情况"))

    class Meta:
        ordering = ["form", "order", "code"]
        verbose_name = _("活动项目")
        verbose_name_plural = _("活动项目")
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="item_unique_form_code"),
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """A blank of the form. Codes are unique within the form (values are stored by code)."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="indicators")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("代码"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"))
    kind = models.CharField(_("类型"), max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField(pgettext_lazy("unit of measure", "单位"), max_length=10, blank=True)
    label = models.CharField(_("名称"), max_length=200)
    required = models.BooleanField(_("必填"), default=False)
    min_value = models.IntegerField(_("最小值"), null=True, blank=True)
    max_value = models.IntegerField(_("最大值"), null=True, blank=True)
    # Above this a value is accepted with a warning that needs a comment; empty: the unit's default
    # (safetymonth.lib.numbers.UNIT_BOUNDS), as max_value (refused above) is.
    soft_max = models.BigIntegerField(_("提示上限"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("最大长度"), null=True, blank=True)

    class Meta:
        ordering = ["form", "item__order", "order"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="indicator_unique_form_code"),
            models.CheckConstraint(
                name="indicator_min_not_above_max",
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
            ),
            models.CheckConstraint(
                name="indicator_bounds_only_on_integers",
                condition=Q(kind=IndicatorKind.INTEGER) | (Q(min_value__isnull=True) & Q(max_value__isnull=True)),
            ),
            models.CheckConstraint(
                name="indicator_soft_max_only_on_integers",
                condition=Q(kind=IndicatorKind.INTEGER) | Q(soft_max__isnull=True),
            ),
            models.CheckConstraint(
                name="indicator_max_length_only_on_text",
                condition=Q(kind=IndicatorKind.TEXT) | Q(max_length__isnull=True),
            ),
        ]
        indexes = [
            # an item's blanks in order: WHERE item_id = ? ORDER BY order
            models.Index(fields=["item", "order"], name="indicator_item_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.code}）"


class Rule(models.Model):
    """A cross-field check: ``left operator right``, e.g. participants >= sessions."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(_("代码"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    left = models.CharField(_("左边表达式"), max_length=300)
    operator = models.CharField(_("运算符"), max_length=2, choices=RuleOperator.choices)
    right = models.CharField(_("右边表达式"), max_length=300)
    message = models.CharField(_("提示信息"), max_length=300)
    missing_value_strategy = models.CharField(
        _("缺失值处理"),
        max_length=24,
        choices=MissingValueStrategy.choices,
        default=MissingValueStrategy.SKIP_IF_ANY_MISSING,
    )
    severity = models.CharField(_("级别"), max_length=8, choices=RuleSeverity.choices, default=RuleSeverity.ERROR)

    class Meta:
        ordering = ["form", "order", "code"]
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="rule_unique_form_code"),
        ]

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


def default_expected_kinds() -> list[str]:
    return ["section"]


class Round(models.Model):
    """A reporting round (填报批次): who reports which form to whom, by when."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("统计表"))
    code = models.SlugField(_("代码"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("名称"), max_length=120)
    deadline = models.DateTimeField(_("截止时间"))
    report_to = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("报送至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report_to_name = models.CharField(_("报送至（原文）"), max_length=120, blank=True)
    # OrgKind values of the orgs expected to report, e.g. ["section"] or ["section", "enterprise"].
    expected_kinds = models.JSONField(_("填报单位类型"), default=default_expected_kinds)
    # Of the sections, only 安全生产责任科室 (Org.safety_responsible) are expected when set.
    responsible_sections_only = models.BooleanField(_("科室仅限安全生产责任科室"), default=False)
    # Whether entry closes at the deadline; when False, late reports are accepted and marked late.
    lock_at_deadline = models.BooleanField(_("截止后锁定"), default=False)

    class Meta:
        ordering = ["campaign", "order", "deadline"]
        verbose_name = _("填报批次")
        verbose_name_plural = _("填报批次")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="round_unique_campaign_code"),
        ]
        indexes = [
            # upcoming deadlines across campaigns (reminders, home cards): WHERE deadline >= now ORDER BY deadline
            models.Index(fields=["deadline"], name="round_deadline_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def expected_orgs(self) -> OrgQuerySet:
        """The orgs this round expects a report from: THE rule, one SQL filter (every place that
        decides who is expected — report creation, completeness, reminders, 催报, exports — uses it).

        Active orgs in the issuing org's subtree whose kind is in ``expected_kinds`` (sections only
        when 安全生产责任科室 if ``responsible_sections_only``), minus the orgs the office excluded,
        plus the orgs it included (``RoundOrgChoice``); never the campaign office or the org the
        round reports to (nobody reports to itself)."""
        from safetymonth.orgs.models import Org, OrgKind

        # all in SQL, no query here: the issuing org's subtree by a subquery on its path
        issuing_path = Campaign.objects.filter(pk=self.campaign_id).values("issuing_org__path")[:1]
        rule = Q(kind__in=list(self.expected_kinds or []))
        if self.responsible_sections_only:
            rule &= ~Q(kind=OrgKind.SECTION) | Q(safety_responsible=True)
        if self.pk is not None:
            choices = RoundOrgChoice.objects.filter(round_id=self.pk)
            rule = (rule & ~Q(pk__in=choices.filter(included=False).values("org_id"))) | Q(
                pk__in=choices.filter(included=True).values("org_id")
            )
        qs = (
            Org.objects.active()
            .filter(path__startswith=models.Subquery(issuing_path))
            .filter(rule)
            .exclude(office_campaigns__pk=self.campaign_id)
        )
        return qs.exclude(pk=self.report_to_id) if self.report_to_id is not None else qs


class RoundOrgChoice(models.Model):
    """The office's explicit choice for one org in one round: included although the round's rule
    leaves it out, or excluded although the rule names it (``Round.expected_orgs``)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="org_choices")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    included = models.BooleanField(_("纳入"))

    class Meta:
        verbose_name = _("填报单位调整")
        verbose_name_plural = _("填报单位调整")
        constraints = [
            models.UniqueConstraint(fields=["round", "org"], name="roundorgchoice_unique_round_org"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.org_id}:{'+' if self.included else '-'}"


class EventType(models.Model):
    """A kind of activity (活动类型) that orgs record as events (issue 7), part of the campaign
    definition. Recorded events of this type fill indicators of the campaign's form: their number
    fills ``count_indicator`` (场/次) and the sum of their participants fills
    ``participants_indicator`` (人次). Either may be empty (a type that backs no figure)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="event_types")
    code = models.SlugField(_("代码"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("活动类型"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    count_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("计入场次的指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counting_event_types",
    )
    participants_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("计入人次的指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant_event_types",
    )

    class Meta:
        ordering = ["campaign", "order", "code"]
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="eventtype_unique_campaign_code"),
        ]

    def __str__(self) -> str:
        return self.name

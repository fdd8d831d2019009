"""What the office UI shows about a campaign: deadline countdowns (in Beijing time) and the editable
sections of a definition (which list, which form, what publishing locks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetymonth.campaigns import forms as campaign_forms
from safetymonth.campaigns.definition import LOCAL_TZ
from safetymonth.campaigns.models import Campaign, CampaignStatus, Round


@dataclass(frozen=True)
class Countdown:
    deadline: dt.datetime  # aware
    days: int  # calendar days from today to the deadline's day, in Beijing time (negative: overdue)
    overdue: bool

    @property
    def overdue_days(self) -> int:
        return max(-self.days, 0)

    @property
    def iso(self) -> str:
        return self.deadline.isoformat()

    @property
    def local(self) -> dt.datetime:
        return self.deadline.astimezone(LOCAL_TZ)

    @property
    def css(self) -> str:
        if self.overdue:
            return "text-bg-danger"
        return "text-bg-warning" if self.days <= 3 else "text-bg-info"


def countdown(deadline: dt.datetime, now: dt.datetime | None = None) -> Countdown:
    now = now or timezone.now()
    days = (deadline.astimezone(LOCAL_TZ).date() - now.astimezone(LOCAL_TZ).date()).days
    return Countdown(deadline=deadline, days=days, overdue=deadline < now)


def next_round(campaign: Campaign, now: dt.datetime | None = None) -> Round | None:
    """The round whose deadline comes next (the last one when all have passed)."""
    now = now or timezone.now()
    rounds = sorted(campaign.rounds.all(), key=lambda r: r.deadline)
    upcoming = [r for r in rounds if r.deadline >= now]
    return upcoming[0] if upcoming else (rounds[-1] if rounds else None)


@dataclass(frozen=True)
class Section:
    """An editable list of the definition: ``key`` in URLs, where it is, its form, its title."""

    key: str
    title: Any
    form_class: type[campaign_forms.EditForm]
    path: tuple[str | int, ...]  # the list (for indicators, below the item: filled in by ``list_path``)
    # publishing locks adding, removing and moving entries (and editing them, unless ``edit_published``)
    structural: bool = False
    edit_published: bool = True
    movable: bool = True
    # entries can be added and removed
    addable: bool = True

    @property
    def per_form(self) -> bool:
        """Whether the list belongs to one statistics form (chosen in the editor with ``?form=``)."""
        return self.key in FORM_SECTIONS

    def list_path(self, item: int | None = None, form: int = 0) -> tuple[str | int, ...]:
        if self.key == "indicators":
            return ("forms", form, "items", item if item is not None else 0, "indicators")
        if self.per_form:
            return ("forms", form, *self.path[2:])
        return self.path

    def entries(self, data: dict[str, Any], item: int | None = None, form: int = 0) -> list[Any]:
        node: Any = data
        for part in self.list_path(item, form):
            # optional lists (event_types) are left out of the definition while empty
            node = node.get(part, []) if isinstance(node, dict) and part == "event_types" else node[part]
        return node

    def can_add(self, campaign: Campaign) -> bool:
        return self.addable and editable(campaign) and (campaign.status == CampaignStatus.DRAFT or not self.structural)

    def can_edit(self, campaign: Campaign) -> bool:
        return editable(campaign) and (
            campaign.status == CampaignStatus.DRAFT or not self.structural or self.edit_published
        )


def editable(campaign: Campaign) -> bool:
    return campaign.status in (CampaignStatus.DRAFT, CampaignStatus.PUBLISHED)


# lists inside one statistics form: their URLs take the form's code as ``?form=<code>``
FORM_SECTIONS = frozenset({"items", "indicators", "rules"})


def form_index(data: dict[str, Any], code: str | None) -> int | None:
    """The index of the form ``code`` in ``data`` (the first form when no code is given); None when
    there is no such form."""
    if not code:
        return 0
    for i, f in enumerate(data.get("forms", [])):
        if f["code"] == code:
            return i
    return None


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in [
        Section("cited_documents", _("依据文件"), campaign_forms.CitedDocumentForm, ("cited_documents",)),
        Section("periods", _("活动时段"), campaign_forms.PeriodForm, ("periods",)),
        Section("contents", _("活动主要内容"), campaign_forms.TitledTextForm, ("contents",)),
        Section("requirements", _("有关要求"), campaign_forms.TitledTextForm, ("requirements",)),
        Section("leadership", _("领导小组"), campaign_forms.LeadershipForm, ("leadership",)),
        Section("slogans", _("宣传标语"), campaign_forms.SloganForm, ("slogans", "items")),
        # a form is added (with its first item) and removed in a draft; a round's form cannot be removed
        Section(
            "forms",
            _("统计表"),
            campaign_forms.ReportFormMetaForm,
            ("forms",),
            structural=True,
            edit_published=False,
            movable=False,
        ),
        Section(
            "items",
            _("活动项目"),
            campaign_forms.ItemForm,
            ("forms", 0, "items"),
            structural=True,
            edit_published=False,
        ),
        Section(
            "indicators",
            _("指标"),
            campaign_forms.IndicatorForm,
            (),
            structural=True,
            edit_published=False,
            movable=False,
        ),
        Section(
            "rules",
            _("校验规则"),
            campaign_forms.RuleForm,
            ("forms", 0, "rules"),
            structural=True,
            edit_published=False,
        ),
        # a published round may be renamed, its deadline moved and its lock switched
        Section("rounds", _("填报批次"), campaign_forms.RoundForm, ("rounds",), structural=True, edit_published=True),
        # event types (issue 7) stay editable after publishing: figures from events follow the mapping
        Section("event_types", _("活动类型"), campaign_forms.EventTypeForm, ("event_types",)),
    ]
}

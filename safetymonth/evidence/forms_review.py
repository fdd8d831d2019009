"""Forms of the gallery, the review panel, the edit form and the inspection package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetymonth.campaigns.models import Campaign, Item
from safetymonth.core.forms import StyledFormMixin
from safetymonth.evidence.models import MaterialKind, ReviewState
from safetymonth.evidence.services_review import ACCEPT, PENDING, REJECT
from safetymonth.orgs.models import Org, OrgKind

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

# Orgs offered in the gallery's org list: the user's authorities, sections and institutions (a
# district has a few dozen); an enterprise chosen elsewhere (the report page's link) is added.
MAX_ORG_CHOICES = 300


def filter_orgs(user: User, selected: str = "") -> list[Org]:
    """The orgs offered as a filter: the user's own, the non-enterprise orgs in view, and the
    selected one (if visible), in tree order."""
    from safetymonth.accounts import permissions as perms

    visible = Org.objects.for_user(user).filter(is_active=True)
    orgs: dict[str, Org] = {o.public_id: o for o in perms.home_orgs(user)}
    for o in visible.exclude(kind=OrgKind.ENTERPRISE).order_by("path")[:MAX_ORG_CHOICES]:
        orgs.setdefault(o.public_id, o)
    if selected and selected not in orgs:
        extra = visible.filter(public_id=selected).first()
        if extra is not None:
            orgs[extra.public_id] = extra
    return sorted(orgs.values(), key=lambda o: o.path)


# Materials that still back a figure (the report page's evidence counts leave rejected ones out).
STATE_NOT_REJECTED = "valid"


class GalleryFilterForm(StyledFormMixin, forms.Form):
    campaign = forms.ChoiceField(
        label=_("活动"), required=False, error_messages={"invalid_choice": _("活动不存在或无权查看。")}
    )
    org = forms.ChoiceField(
        label=_("单位（含下级）"),
        required=False,
        error_messages={"invalid_choice": _("单位不存在或无权查看。")},
    )
    item = forms.ChoiceField(
        label=_("活动项目"), required=False, error_messages={"invalid_choice": _("没有这个活动项目。")}
    )
    indicator = forms.SlugField(
        label=_("指标代码"),
        required=False,
        max_length=60,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("指标代码只能包含字母、数字、下划线和连字符。")},
    )
    event = forms.CharField(label=_("活动记录"), required=False, max_length=40, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *MaterialKind.choices])
    state = forms.ChoiceField(
        label=_("审核状态"),
        required=False,
        choices=[("", _("全部状态")), (STATE_NOT_REJECTED, _("待审核和已采纳")), *ReviewState.choices],
    )
    org_kind = forms.ChoiceField(
        label=_("上传单位类型"), required=False, choices=[("", _("全部单位类型")), *OrgKind.choices]
    )
    good = forms.BooleanField(label=_("只看好的做法"), required=False)
    outside = forms.BooleanField(label=_("拍摄时间不在活动期间"), required=False)

    def __init__(self, data: Any, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        campaigns = list(Campaign.objects.for_user(user).order_by("-year", "code"))
        self.campaigns = {c.public_id: c for c in campaigns}
        campaign_field = self.fields["campaign"]
        assert isinstance(campaign_field, forms.ChoiceField)
        campaign_field.choices = [("", _("全部活动")), *[(c.public_id, f"{c.year} · {c.title}") for c in campaigns]]
        selected_org = str((data or {}).get("org") or "")
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [("", _("全部单位")), *[(o.public_id, o.name) for o in filter_orgs(user, selected_org)]]
        chosen = str((data or {}).get("campaign") or "")
        items = Item.objects.filter(
            form__campaign__in=[self.campaigns[chosen]] if chosen in self.campaigns else campaigns
        )
        seen: dict[str, str] = {}
        for code, title in items.order_by("form__campaign__year", "order").values_list("code", "title"):
            seen.setdefault(code, title)
        item_field = self.fields["item"]
        assert isinstance(item_field, forms.ChoiceField)
        item_field.choices = [("", _("全部项目")), *seen.items()]
        self.fields["good"].widget.attrs["value"] = "1"
        self.fields["outside"].widget.attrs["value"] = "1"

    def clean_item(self) -> str:
        return self.cleaned_data.get("item") or ""


ACTION_CHOICES = [(ACCEPT, _("采纳")), (REJECT, _("不采纳")), (PENDING, _("改回待审核"))]


class ReviewForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("审核结果"),
        choices=ACTION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核结果。"), "invalid_choice": _("请选择审核结果。")},
    )
    reason = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不采纳时必填。"),
    )
    good_practice = forms.BooleanField(label=_("评为好的做法"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Bootstrap: radios and the checkbox are styled in the template, not as form-control.
        self.fields["action"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("不采纳时请填写原因。"))
        return data


class GoodPracticeForm(forms.Form):
    flag = forms.BooleanField(required=False)


class MaterialEditForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, error_messages={"required": _("请填写标题。")})
    description = forms.CharField(
        label=_("说明"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PackageForm(StyledFormMixin, forms.Form):
    org = forms.ChoiceField(
        label=_("单位（含下级）"),
        error_messages={"required": _("请选择单位。"), "invalid_choice": _("单位不存在或无权查看。")},
    )
    campaign = forms.ChoiceField(
        label=_("活动"), required=False, error_messages={"invalid_choice": _("活动不存在或无权查看。")}
    )
    item = forms.ChoiceField(
        label=_("活动项目"), required=False, error_messages={"invalid_choice": _("没有这个活动项目。")}
    )

    def __init__(self, data: Any, *, user: User, org_ids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = org_ids
        gallery = GalleryFilterForm(data, user=user)
        for name in ("campaign", "item"):
            field = self.fields[name]
            source = gallery.fields[name]
            assert isinstance(field, forms.ChoiceField) and isinstance(source, forms.ChoiceField)
            field.choices = source.choices
        self.campaigns = gallery.campaigns

"""Forms of the hazard pages: register (full and quick), the ledger filters, the plan, the
rectification, the verification, supervision and exposure cases. Messages are Chinese and stand at
the field; what was typed is kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.core.forms import StyledFormMixin
from safetymonth.hazards.models import PLAN_FIELDS, FoundBy, HazardCategory, HazardLevel, HazardStatus

DATE_ERRORS = {"invalid": gettext_lazy("请填写有效的日期（年-月-日）。")}


class _Date(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label, required: bool = True, **kwargs) -> forms.DateField:
    errors = {**DATE_ERRORS, "required": gettext_lazy("请填写%(label)s。") % {"label": label}}
    return forms.DateField(label=label, required=required, widget=_Date(), error_messages=errors, **kwargs)


def _categories():
    return HazardCategory.objects.filter(is_active=True).order_by("order", "code")


class HazardForm(StyledFormMixin, forms.Form):
    """Registering a hazard. ``org`` is a search text when the user may register in several orgs
    (a section's inspector types the enterprise's name or credit code); the view resolves it."""

    org = forms.CharField(
        label=gettext_lazy("单位"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("输入单位名称或统一社会信用代码"),
    )
    found_by = forms.ChoiceField(
        label=gettext_lazy("发现方式"), choices=[c for c in FoundBy.choices if c[0] != FoundBy.TIP]
    )
    found_on = _date(gettext_lazy("发现日期"))
    category = forms.ModelChoiceField(
        label=gettext_lazy("类别"),
        queryset=HazardCategory.objects.none(),
        empty_label=gettext_lazy("请选择类别"),
        error_messages={
            "required": gettext_lazy("请选择隐患类别。"),
            "invalid_choice": gettext_lazy("请选择列表中的类别。"),
        },
    )
    level = forms.ChoiceField(label=gettext_lazy("等级"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL)
    place = forms.CharField(
        label=gettext_lazy("位置"), max_length=200, error_messages={"required": gettext_lazy("请填写隐患所在位置。")}
    )
    description = forms.CharField(
        label=gettext_lazy("隐患描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请描述隐患。")},
    )
    measures = forms.CharField(
        label=gettext_lazy("整改措施"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.CharField(label=gettext_lazy("责任人"), max_length=60, required=False)
    deadline = _date(gettext_lazy("整改期限"), required=False)
    funds = forms.DecimalField(
        label=gettext_lazy("整改资金（元）"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": gettext_lazy("请填写金额（元），例如 1200 或 1200.50。"),
            "min_value": gettext_lazy("整改资金不能是负数。"),
            "max_digits": gettext_lazy("金额太大。"),
            "max_decimal_places": gettext_lazy("金额最多保留两位小数（分）。"),
        },
    )

    def __init__(self, *args, ask_org: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()
        self.fields["found_on"].initial = timezone.localdate()
        if not ask_org:
            del self.fields["org"]
        else:
            self.fields["org"].required = True
            self.fields["org"].error_messages["required"] = _("请输入隐患所在单位的名称。")

    def clean_found_on(self) -> dt.date:
        value = self.cleaned_data["found_on"]
        if value > timezone.localdate():
            raise ValidationError(_("发现日期不能晚于今天。"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("deadline") and data.get("found_on") and data["deadline"] < data["found_on"]:
            self.add_error("deadline", _("整改期限不能早于发现日期。"))
        return data


class QuickHazardForm(HazardForm):
    """On a phone: the photo first (the uploader on the next page), then these few fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("measures", "responsible", "deadline", "funds", "found_by"):
            self.fields.pop(name, None)


class FilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("等级"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    industry = forms.ChoiceField(label=gettext_lazy("行业"), required=False)
    org = forms.CharField(label=gettext_lazy("单位（含下级）"), max_length=100, required=False)
    overdue = forms.BooleanField(label=gettext_lazy("只看逾期"), required=False)
    found_from = _date(gettext_lazy("发现日期从"), required=False)
    found_to = _date(gettext_lazy("至"), required=False)

    def __init__(self, *args, industries=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("全部"))]
        self.fields["status"].choices = every + list(HazardStatus.choices)
        self.fields["level"].choices = every + list(HazardLevel.choices)
        self.fields["category"].choices = every + [(c.code, c.name) for c in _categories()]
        self.fields["industry"].choices = every + [(i.code, i.name) for i in industries]

    def clean(self):
        data = super().clean()
        if data.get("found_from") and data.get("found_to") and data["found_to"] < data["found_from"]:
            self.add_error("found_to", _("结束日期不能早于开始日期。"))
        return data


class PlanForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    measures = HazardForm.base_fields["measures"]
    responsible = HazardForm.base_fields["responsible"]
    deadline = HazardForm.base_fields["deadline"]
    funds = HazardForm.base_fields["funds"]

    def __init__(self, *args, major: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in PLAN_FIELDS:
            self.fields[name] = forms.CharField(
                label=label, max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        if not major:
            for name, _label in PLAN_FIELDS:
                del self.fields[name]
        # StyledFormMixin ran before the plan fields existed
        for name, _label in PLAN_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control"


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RectifyForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rectified_on = _date(gettext_lazy("完成日期"))
    note = forms.CharField(
        label=gettext_lazy("整改情况"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请说明整改情况。")},
    )


class VerifyForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=gettext_lazy("验收结论"),
        choices=[("pass", gettext_lazy("验收通过，销号")), ("fail", gettext_lazy("不通过，退回整改"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择验收结论。")},
    )
    reason = forms.CharField(
        label=gettext_lazy("验收意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("result") == "fail" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("验收不通过时请写明原因。"))
        return data


class SuperviseForm(forms.Form):
    supervised = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=500, required=False)


class CaseForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(
        label=gettext_lazy("标题"), max_length=120, error_messages={"required": gettext_lazy("请填写标题。")}
    )
    public_text = forms.CharField(
        label=gettext_lazy("公开内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("请填写公开内容。")},
        help_text=gettext_lazy("不要写人名、电话号码和身份证号；发布前会检查。"),
    )
    photos = forms.MultipleChoiceField(
        label=gettext_lazy("公开的照片"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, photo_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].choices = list(photo_choices)
        self.fields["photos"].widget.attrs["class"] = "form-check-input"


class NewCaseForm(StyledFormMixin, forms.Form):
    """A case the office writes itself (not from a registered hazard): the org by name."""

    org = forms.CharField(
        label=gettext_lazy("单位"),
        max_length=120,
        help_text=gettext_lazy("输入单位名称或统一社会信用代码"),
        error_messages={"required": gettext_lazy("请输入曝光单位的名称。")},
    )
    title = CaseForm.base_fields["title"]
    public_text = CaseForm.base_fields["public_text"]

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetymonth.hazards.models import HazardCategory, HazardLevel
from safetymonth.lib import phone as phone_lib
from safetymonth.lib.personal_data import _id_valid
from safetymonth.tipoffs.models import TipCategory, TipOutcome


class TipForm(forms.Form):
    category = forms.ChoiceField(label=_("举报什么"), choices=TipCategory.choices, widget=forms.RadioSelect)
    enterprise_name = forms.CharField(
        label=_("被举报的单位"),
        max_length=120,
        widget=forms.TextInput(attrs={"list": "tip-enterprises", "autocomplete": "off", "data-tip-suggest": ""}),
        help_text=_("填写单位名称，输入两个字以上会提示辖区内的企业。"),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    happened_on = forms.DateField(
        label=_("发现或发生的日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    details = forms.CharField(label=_("具体情况"), widget=forms.Textarea(attrs={"rows": 6}))
    is_employee = forms.BooleanField(label=_("我是该单位的员工"), required=False)
    name = forms.CharField(label=_("姓名（选填）"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("联系电话（选填）"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    id_number = forms.CharField(label=_("身份证号（选填，领取奖励需要实名）"), max_length=18, required=False)
    consent = forms.BooleanField(
        label=_("我已阅读上面的保密和告知说明，所举报的情况真实。"),
        error_messages={"required": _("请确认已阅读保密和告知说明。")},
    )
    pow_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    pow_nonce = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_details(self) -> str:
        text = self.cleaned_data["details"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("请把情况写具体一些（至少 10 个字）。"))
        if len(text) > settings.TIP_MAX_TEXT_CHARS:
            raise forms.ValidationError(_("内容过长，最多 %(n)s 个字。") % {"n": settings.TIP_MAX_TEXT_CHARS})
        return text

    def clean_happened_on(self):
        day = self.cleaned_data.get("happened_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return day

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if raw and not phone_lib.is_valid(raw):
            raise forms.ValidationError(_("请填写正确的手机号或带区号的固定电话。"))
        return phone_lib.normalise(raw) if raw else ""

    def clean_id_number(self) -> str:
        raw = self.cleaned_data["id_number"].strip().upper()
        if raw and not (len(raw) == 18 and _id_valid(raw)):
            raise forms.ValidationError(_("身份证号不正确，请检查 18 位号码和最后一位校验码。"))
        return raw


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("回执码"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("提交举报时显示的 16 位数字。"),
    )


class MessageForm(forms.Form):
    text = forms.CharField(label=_("留言"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class TransferForm(forms.Form):
    section = forms.ModelChoiceField(label=_("承办科室"), queryset=None)
    deadline = forms.DateField(label=_("办理期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections


class VerifyForm(forms.Form):
    outcome = forms.ChoiceField(label=_("核查结果"), choices=TipOutcome.choices)
    note = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("给举报人的反馈"), widget=forms.Textarea(attrs={"rows": 3}))


class ConvertForm(forms.Form):
    category = forms.ModelChoiceField(label=_("隐患类别"), queryset=HazardCategory.objects.filter(is_active=True))
    level = forms.ChoiceField(label=_("等级"), choices=HazardLevel.choices)
    place = forms.CharField(label=_("位置"), max_length=200, required=False)
    description = forms.CharField(label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3}))

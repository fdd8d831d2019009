"""Forms of the report pages. The values themselves are read by campaigns.services.check_values;
the header fields are checked by the services (saving never refuses what was typed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetymonth.core.forms import StyledFormMixin
from safetymonth.reports.models import COUNT_APPROVED, COUNT_SUBMITTED, ReportStatus


class ReportHeaderForm(StyledFormMixin, forms.Form):
    """联系人, 电话, 填报日期 (填报科室 is the report's org, shown filled in)."""

    contact_name = forms.CharField(label=_("联系人"), required=False, max_length=200)
    contact_phone = forms.CharField(
        label=_("电话"),
        required=False,
        max_length=200,
        help_text=_("手机号码，或带区号的固定电话，例如 023-68083116。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    filled_on = forms.CharField(
        label=_("填报日期"), required=False, max_length=40, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReviewForm(StyledFormMixin, forms.Form):
    ACTIONS = [("return", _("退回")), ("approve", _("审核通过")), ("reopen", _("重新打开"))]

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("原因"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReportFilterForm(StyledFormMixin, forms.Form):
    round = forms.ChoiceField(label=_("填报批次"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *ReportStatus.choices])

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", _("全部批次"))] + [
            (f"{r.campaign.public_id}:{r.code}", f"{r.campaign.year} · {r.name}") for r in rounds
        ]


class CountingForm(StyledFormMixin, forms.Form):
    counting = forms.ChoiceField(
        label=_("计入的报表"),
        required=False,
        choices=[(COUNT_APPROVED, _("仅已审核")), (COUNT_SUBMITTED, _("已提交和已审核"))],
    )

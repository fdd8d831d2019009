"""Filters of the dashboard: the round (the campaign and round, as "campaign_id:round_code") and
which report statuses count."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetymonth.core.forms import StyledFormMixin
from safetymonth.reports.models import COUNT_APPROVED, COUNT_SUBMITTED

COUNTING_CHOICES = [(COUNT_SUBMITTED, _("已提交和已审核")), (COUNT_APPROVED, _("仅已审核"))]


def round_key(rnd: Any) -> str:
    return f"{rnd.campaign.public_id}:{rnd.code}"


class DashboardFilterForm(StyledFormMixin, forms.Form):
    round = forms.ChoiceField(label=_("填报批次"), required=False)
    counting = forms.ChoiceField(label=_("计入的报表"), required=False, choices=COUNTING_CHOICES)

    def __init__(self, *args: Any, rounds: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [
            (round_key(r), f"{r.campaign.year} · {r.campaign.title} · {r.name}") for r in rounds
        ]
        for name in ("round", "counting"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""

    def counting_choice(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("counting") or COUNT_SUBMITTED
        return COUNT_SUBMITTED

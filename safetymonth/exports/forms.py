"""Options of an export: whose figures (the org's own report or its roll-up) and which statuses count."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetymonth.core.forms import StyledFormMixin
from safetymonth.dashboard.forms import COUNTING_CHOICES
from safetymonth.exports.services import SOURCE_OWN, SOURCE_ROLLUP
from safetymonth.reports.models import COUNT_SUBMITTED


class ExportOptionsForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(
        label=_("数据"),
        required=False,
        choices=[(SOURCE_ROLLUP, _("汇总（本单位及所属单位）")), (SOURCE_OWN, _("本单位填报"))],
    )
    counting = forms.ChoiceField(label=_("计入的报表"), required=False, choices=COUNTING_CHOICES)

    def options(self) -> tuple[str, str]:
        """(source, counting); unknown values fall back to the defaults (roll-up, submitted)."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("source") or SOURCE_ROLLUP, data.get("counting") or COUNT_SUBMITTED

"""Filters of the audit log (list and CSV export share them)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.models import AuditEntry
from safetymonth.core.forms import StyledFormMixin
from safetymonth.orgs.models import Org, OrgKind


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return "\u3000" * obj.depth + obj.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterForm(StyledFormMixin, forms.Form):
    """Filters from the query string. Invalid ones are reported at their field and left out."""

    action = forms.ChoiceField(label=_("操作"), required=False, choices=())
    actor = forms.CharField(label=_("操作人用户名"), required=False, max_length=150)
    org = OrgChoiceField(
        Org.objects.none(),
        label=_("单位（含下级）"),
        required=False,
        to_field_name="public_id",
        empty_label=_("全部单位"),
    )
    date_from = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"],
        error_messages={"invalid": _("请按 年-月-日 填写日期，例如 2021-06-01。")},
    )
    date_to = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"],
        error_messages={"invalid": _("请按 年-月-日 填写日期，例如 2021-06-30。")},
    )
    q = forms.CharField(label=_("搜索摘要或对象"), required=False, max_length=100)

    def __init__(self, *args: Any, actor: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部操作")), *AuditEntry.Action.choices]
        # Enterprises are left out of the list (there may be thousands): choosing their section covers
        # them, and the free-text search finds one by name.
        self.fields["org"].queryset = (
            Org.objects.for_user(actor, Perm.VIEW_AUDIT).exclude(kind=OrgKind.ENTERPRISE).order_by("path")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """Apply the valid filters (an invalid one is left out, its message shown at the field)."""
        if not self.is_bound:
            return entries
        self.is_valid()
        data = self.cleaned_data
        # case-insensitive name matching without LIKE (SQLite runs with case_sensitive_like)
        entries = entries.alias(actor_lower=Lower("actor_name"))
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("actor"):
            entries = entries.filter(actor_lower=data["actor"].strip().lower())
        if data.get("org"):
            entries = entries.filter(org_path__startswith=data["org"].path)
        if data.get("date_from"):
            entries = entries.filter(at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            entries = entries.filter(at__lt=_day_start(data["date_to"] + timedelta(days=1)))
        q = (data.get("q") or "").strip()
        if q:
            entries = entries.filter(
                Q(summary__icontains=q)
                | Q(object_repr__icontains=q)
                | Q(object_id=q)
                | Q(actor_lower__contains=q.lower())
            )
        return entries

    def description(self) -> dict[str, str]:
        """The filters in force, for the export's audit entry."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return {}
        out: dict[str, str] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            out[name] = value.name if isinstance(value, Org) else str(value)
        return out

"""Forms of the event pages: the full record, the quick entry on a phone, the list filters and the
import upload. Messages are Chinese and stand at the field; what was typed is kept."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.campaigns.models import Campaign, EventType
from safetymonth.core.forms import StyledFormMixin

MAX_LINKS = 20
MAX_PARTICIPANTS = 1_000_000


def clean_media_links(text: str) -> str:
    """One http(s) address per line (blank lines dropped); ValidationError naming the bad line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        raise ValidationError(_("最多填写%(n)d个链接。") % {"n": MAX_LINKS})
    for n, line in enumerate(lines, 1):
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in line or len(line) > 500:
            raise ValidationError(
                _("第%(n)d行“%(link)s”不是有效的链接：每行一个以 http:// 或 https:// 开头的网址。")
                % {"n": n, "link": line[:80]}
            )
    return "\n".join(lines)


class _DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class EventForm(StyledFormMixin, forms.Form):
    """Every field of an event. ``campaign`` fixes the event types offered."""

    event_type = forms.ModelChoiceField(
        label=gettext_lazy("活动类型"),
        queryset=EventType.objects.none(),
        empty_label=gettext_lazy("请选择活动类型"),
        error_messages={
            "required": gettext_lazy("请选择活动类型。"),
            "invalid_choice": gettext_lazy("请选择列表中的活动类型。"),
        },
    )
    title = forms.CharField(
        label=gettext_lazy("活动名称"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写活动名称。")},
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"),
        input_formats=DATETIME_FORMATS,
        widget=_DateTimeLocal(),
        error_messages={
            "required": gettext_lazy("请填写开始时间。"),
            "invalid": gettext_lazy("请填写有效的日期和时间。"),
        },
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("结束时间"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=_DateTimeLocal(),
        error_messages={"invalid": gettext_lazy("请填写有效的日期和时间。")},
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    participants = forms.IntegerField(
        label=gettext_lazy("参与人次"),
        min_value=0,
        max_value=MAX_PARTICIPANTS,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        error_messages={
            "required": gettext_lazy("请填写参与人次（没有可填0）。"),
            "invalid": gettext_lazy("参与人次应为整数。"),
            "min_value": gettext_lazy("参与人次不能为负数。"),
            "max_value": gettext_lazy("参与人次过大，请核对。"),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("活动情况"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    media_links = forms.CharField(
        label=gettext_lazy("媒体链接"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url"}),
        help_text=gettext_lazy("报道、视频号、线上活动页面等，每行一个 http:// 或 https:// 链接。"),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        field = self.fields["event_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = EventType.objects.filter(campaign=campaign).order_by("order", "code")

    def clean_media_links(self) -> str:
        return clean_media_links(self.cleaned_data.get("media_links", ""))

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            self.add_error("ends_at", _("结束时间不能早于开始时间。"))
        return data


class QuickEventForm(EventForm):
    """The short form on a phone right after an event: type, title, when (now), participants, place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ends_at", "description", "media_links"):
            del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("starts_at", timezone.localtime().replace(second=0, microsecond=0))


class EventFilterForm(StyledFormMixin, forms.Form):
    event_type = forms.ChoiceField(label=gettext_lazy("活动类型"), required=False)
    org = forms.ChoiceField(label=gettext_lazy("举办单位"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("请填写有效的日期。")},
    )
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("请填写有效的日期。")},
    )
    evidence = forms.ChoiceField(
        label=gettext_lazy("佐证材料"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("with", gettext_lazy("有佐证材料")),
            ("without", gettext_lazy("无佐证材料")),
        ],
    )

    def __init__(self, *args, types=(), orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        type_field, org_field = self.fields["event_type"], self.fields["org"]
        assert isinstance(type_field, forms.ChoiceField) and isinstance(org_field, forms.ChoiceField)
        type_field.choices = [("", _("全部类型"))] + [(t.code, t.name) for t in types]
        org_field.choices = [("", _("全部单位"))] + [(o.public_id, o.name) for o in orgs]

    def clean(self):
        data = super().clean() or {}
        a, b = data.get("date_from"), data.get("date_to")
        if a and b and b < a:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("活动记录表（.xlsx）"),
        error_messages={
            "required": gettext_lazy("请选择要导入的文件。"),
            "empty": gettext_lazy("文件是空的（0 字节）。"),
        },
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if f.size > limit:
            raise ValidationError(
                _("文件过大（%(size)s），最大 %(limit)s。请分成几个文件导入。")
                % {"size": _mb(f.size), "limit": _mb(limit)}
            )
        return f


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def month_of(text: str | None, default: dt.date) -> dt.date:
    """The first day of the month ``YYYY-MM`` (``default``'s month when missing or invalid)."""
    try:
        year, month = (int(p) for p in (text or "").split("-"))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return default.replace(day=1)

"""Forms of the campaign office UI: copy a campaign, and one small form per inline edit.

Each edit form knows how to read its initial values from a definition entry (``initial_from``) and
how to turn what was typed back into one (``to_value``); ``FIELD_PATHS`` maps the definition's field
paths to the form's fields so that a definition problem is shown at the field it concerns."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safetymonth.campaigns.definition import LOCAL_TZ, format_deadline, parse_deadline
from safetymonth.campaigns.models import (
    IndicatorKind,
    LeadershipPosition,
    MissingValueStrategy,
    RuleOperator,
    RuleSeverity,
)
from safetymonth.core.forms import StyledFormMixin
from safetymonth.orgs.models import OrgKind

CODE_HELP = _("小写字母开头，只含小写字母、数字和下划线，例如 safety_talks")
CODE_VALIDATOR_MESSAGE = _("代码须以小写字母开头，只含小写字母、数字和下划线。")


def _code_field(label: Any = None) -> forms.RegexField:
    return forms.RegexField(
        label=label or _("代码"),
        regex=r"^[a-z][a-z0-9_]{0,59}$",
        max_length=60,
        help_text=CODE_HELP,
        error_messages={"invalid": CODE_VALIDATOR_MESSAGE},
    )


def _text(label: Any, max_length: int | None = None, required: bool = False, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget, strip=True)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CopyForm(StyledFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("新活动代码"),
        regex=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        max_length=60,
        help_text=_("小写字母、数字和连字符，例如 dadukou-commerce-2022"),
        error_messages={"invalid": _("活动代码只能包含小写字母、数字和连字符，例如 dadukou-commerce-2022。")},
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("通知标题"), max_length=200)


class EditForm(StyledFormMixin, forms.Form):
    """Base of the inline edit forms: every one carries the version of the campaign it was shown with."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # definition path (relative to the entry) → form field, for showing problems at their field
    FIELD_PATHS: dict[str, str] = {}
    # fields a published campaign may not change (shown disabled)
    LOCKED_WHEN_PUBLISHED: tuple[str, ...] = ()

    def __init__(self, *args: Any, published: bool = False, **kwargs: Any) -> None:
        self.campaign = kwargs.pop("campaign", None)
        super().__init__(*args, **kwargs)
        self.published = published
        if published:
            for name in self.LOCKED_WHEN_PUBLISHED:
                if name in self.fields:
                    self.fields[name].disabled = True

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        return dict(entry) if isinstance(entry, dict) else {}

    def to_value(self) -> Any:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return {k: (None if v in ("", None) else v) for k, v in data.items()}

    def field_for(self, relative: str, message: str = "") -> str | None:
        """The form field a problem at ``relative`` (path inside the entry) belongs to."""
        for path, name in self.FIELD_PATHS.items():
            if relative == path or relative.startswith(path + ".") or relative.startswith(path + "["):
                return name
        head = relative.split(".")[0].split("[")[0]
        return head if head in self.fields else None


class EssentialsForm(EditForm):
    title = forms.CharField(label=_("通知标题"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    theme = _text(_("活动主题"), 120)
    doc_number = _text(_("发文字号"), 60)
    issuer_name = _text(_("发文单位（落款）"), 120)
    issue_date = forms.DateField(label=_("成文日期"), required=False, widget=_date_input())
    addressees = _text(_("主送"), 300)
    preamble = _text(_("导语"), rows=4)
    approach = _text(_("总体思路"), rows=4)
    contents_heading = _text(_("主要内容标题"), 200)
    leadership_group_name = _text(_("领导小组名称"), 200)
    office = _text(_("活动办公室"), 120)
    closing = _text(_("报送要求（正文结尾）"), rows=3)
    contact_name = _text(_("联系人"), 40)
    contact_phone = _text(_("联系电话"), 30)
    materials_label = _text(_("资料下载说明"), 200)
    materials_url = forms.URLField(label=_("资料下载链接"), max_length=300, required=False, assume_scheme="https")
    materials_code = _text(_("提取码"), 20)
    slogans_attachment_title = _text(_("标语附件名称"), 200)
    slogans_heading = _text(_("标语标题"), 200)
    slogans_note = _text(_("标语说明"), 200)
    printed_by = _text(_("印发单位"), 120)
    printed_date = forms.DateField(label=_("印发日期"), required=False, widget=_date_input())

    LOCKED_WHEN_PUBLISHED = ("year",)
    NESTED = {
        "contact_name": ("contact", "name"),
        "contact_phone": ("contact", "phone"),
        "materials_label": ("materials", "label"),
        "materials_url": ("materials", "url"),
        "materials_code": ("materials", "code"),
        "slogans_attachment_title": ("slogans", "attachment_title"),
        "slogans_heading": ("slogans", "heading"),
        "slogans_note": ("slogans", "note"),
    }
    FIELD_PATHS = {".".join(path): name for name, path in NESTED.items()}
    BLANK_AS_EMPTY = ("theme", "doc_number", "issuer_name", "addressees", "preamble", "approach")

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        initial = {k: v for k, v in entry.items() if not isinstance(v, dict | list)}
        for name, (outer, inner) in cls.NESTED.items():
            initial[name] = entry.get(outer, {}).get(inner, "")
        return initial

    def to_value(self) -> Any:
        cd = self.cleaned_data
        value: dict[str, Any] = {}
        for name in self.fields:
            if name == "version" or name in self.NESTED:
                continue
            v = cd.get(name)
            if isinstance(v, dt.date):
                v = v.isoformat()
            value[name] = v if v not in (None, "") or name not in ("issue_date", "printed_date") else None
            if value[name] is None and name not in ("issue_date", "printed_date"):
                value[name] = ""
        for name, (outer, inner) in self.NESTED.items():
            value.setdefault(outer, {})[inner] = cd.get(name) or ""
        return value


class CitedDocumentForm(EditForm):
    title = forms.CharField(label=_("文件名称"), max_length=300)
    doc_number = _text(_("发文字号"), 60)


class PeriodForm(EditForm):
    code = _code_field()
    name = forms.CharField(label=_("名称"), max_length=120)
    start = forms.DateField(label=_("开始日期"), widget=_date_input())
    end = forms.DateField(label=_("结束日期"), widget=_date_input())
    note = _text(_("说明（原文）"), 300)

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if cd.get("start") and cd.get("end") and cd["end"] < cd["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return cd

    def to_value(self) -> Any:
        value = super().to_value()
        for key in ("start", "end"):
            value[key] = value[key].isoformat()
        return value


class TitledTextForm(EditForm):
    """A numbered content or requirement: （一）title。text"""

    title = forms.CharField(label=_("标题"), max_length=200)
    text = _text(_("正文"), rows=4)

    def to_value(self) -> Any:
        return {"title": self.cleaned_data["title"], "text": self.cleaned_data.get("text") or ""}


class LeadershipForm(EditForm):
    position = forms.ChoiceField(label=_("职务"), choices=LeadershipPosition.choices)
    description = forms.CharField(label=_("担任者（原文）"), max_length=120)
    name = _text(_("姓名"), 40)


class SloganForm(EditForm):
    text = forms.CharField(label=_("标语"), max_length=200)

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        return {"text": entry}

    def to_value(self) -> Any:
        return self.cleaned_data["text"]

    def field_for(self, relative: str, message: str = "") -> str | None:
        return "text"


class ReportFormMetaForm(EditForm):
    """The statistics form's own texts: 附件1, its title and the fill-in line above the table."""

    attachment_label = _text(_("附件编号"), 20)
    title = forms.CharField(label=_("表名"), max_length=200)
    header_fields = forms.CharField(
        label=_("表头填写项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项，例如 填报科室、联系人、电话、填报日期"),
    )

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        return {
            "attachment_label": entry.get("attachment_label", ""),
            "title": entry.get("title", ""),
            "header_fields": "\n".join(entry.get("header_fields", [])),
        }

    def to_value(self) -> Any:
        cd = self.cleaned_data
        lines = [line.strip() for line in (cd.get("header_fields") or "").splitlines()]
        return {
            "attachment_label": cd.get("attachment_label") or "",
            "title": cd["title"],
            "header_fields": [line for line in lines if line],
        }


class ReportFormAddForm(ReportFormMetaForm):
    """A new statistics form with its first item (a form needs at least one; more items, their
    indicators and rules are added in the editor once the form exists)."""

    code = _code_field(_("统计表代码"))
    item_code = _code_field(_("第一个活动项目的代码"))
    item_title = forms.CharField(label=_("第一个活动项目"), max_length=200)
    item_progress_text = forms.CharField(
        label=_("进展情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("指标（空白）在表建好后逐个新增。"),
    )
    field_order = [
        "code",
        "attachment_label",
        "title",
        "header_fields",
        "item_code",
        "item_title",
        "item_progress_text",
    ]
    FIELD_PATHS = {
        "items[0].code": "item_code",
        "items[0].title": "item_title",
        "items[0].progress_text": "item_progress_text",
        "items": "item_code",
    }

    def to_value(self) -> Any:
        cd = self.cleaned_data
        return {
            "code": cd["code"],
            **super().to_value(),
            "items": [
                {
                    "code": cd["item_code"],
                    "title": cd["item_title"],
                    "requirement": "",
                    "progress_text": cd["item_progress_text"].replace("\r\n", "\n"),
                    "indicators": [],
                }
            ],
            "rules": [],
        }


class ItemForm(EditForm):
    code = _code_field()
    title = forms.CharField(label=_("活动项目"), max_length=200)
    requirement = _text(_("内容要求"), rows=3)
    progress_text = forms.CharField(
        label=_("进展情况"),
        widget=forms.Textarea(attrs={"rows": 5, "data-marker-target": "1"}),
        help_text=_("每个空白写作 [[指标代码]]，例如 学习（[[theory_study_sessions]]）次；每行一句。"),
    )

    def to_value(self) -> Any:
        value = super().to_value()
        value["requirement"] = value.get("requirement") or ""
        value["progress_text"] = self.cleaned_data["progress_text"].replace("\r\n", "\n")
        return value

    def field_for(self, relative: str, message: str = "") -> str | None:
        if relative.startswith("indicators"):
            return "progress_text"
        return super().field_for(relative, message)


class IndicatorForm(EditForm):
    code = _code_field(_("指标代码"))
    label = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=IndicatorKind.choices)
    unit = _text(pgettext_lazy("unit of measure", "单位"), 10)
    required = forms.BooleanField(label=_("必填"), required=False)
    min_value = forms.IntegerField(label=_("最小值"), required=False)
    max_value = forms.IntegerField(
        label=_("最大值"),
        required=False,
        help_text=_("超过即拒绝；不填则按单位取默认值（次、场 100000；人次 10000000）。"),
    )
    soft_max = forms.IntegerField(
        label=_("提示上限"),
        required=False,
        help_text=_("超过时提示核对并要求说明；不填则按单位取默认值（次、场 1000；人次 100000）。"),
    )
    max_length = forms.IntegerField(label=_("最大长度"), required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        kind = cd.get("kind")
        if kind and kind != IndicatorKind.INTEGER:
            for key in ("unit", "min_value", "max_value", "soft_max"):
                if cd.get(key) not in (None, ""):
                    self.add_error(key, _("只有整数指标可以设置此项。"))
        if kind and kind != IndicatorKind.TEXT and cd.get("max_length") is not None:
            self.add_error("max_length", _("只有文本指标可以设置最大长度。"))
        lo, hi = cd.get("min_value"), cd.get("max_value")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("max_value", _("最大值不能小于最小值。"))
        soft = cd.get("soft_max")
        if soft is not None and hi is not None and soft > hi:
            self.add_error("soft_max", _("提示上限不能大于最大值。"))
        return cd

    def to_value(self) -> Any:
        value = super().to_value()
        value["required"] = bool(self.cleaned_data.get("required"))
        value.pop("progress_text", None)
        value.pop("append_marker", None)
        return value


class IndicatorAddForm(IndicatorForm):
    """A new blank: the indicator and where its marker stands in the item's progress text."""

    progress_text = forms.CharField(
        label=_("进展情况（放置空白）"),
        widget=forms.Textarea(attrs={"rows": 5, "data-marker-target": "1"}),
        help_text=_("在空白所在位置写 [[指标代码]]，或用“插入空白”按钮插到光标处。"),
    )
    append_marker = forms.BooleanField(
        label=_("若进展情况中还没有该空白，加在末尾"),
        required=False,
        initial=True,
    )

    def progress_text_value(self) -> str:
        text = self.cleaned_data["progress_text"].replace("\r\n", "\n")
        code = self.cleaned_data["code"]
        if self.cleaned_data.get("append_marker") and f"[[{code}]]" not in text:
            unit = self.cleaned_data.get("unit") or ""
            text = f"{text}（[[{code}]]）{unit}"
        return text

    def field_for(self, relative: str, message: str = "") -> str | None:
        # a blank without its indicator or an indicator without its blank: at the progress text
        if "[[" in message:
            return "progress_text"
        return super().field_for(relative, message)


class RuleForm(EditForm):
    code = _code_field(_("规则代码"))
    left = forms.CharField(label=_("左边表达式"), max_length=300, help_text=_("指标代码、整数和 + - * ( )"))
    operator = forms.ChoiceField(label=_("运算符"), choices=RuleOperator.choices)
    right = forms.CharField(label=_("右边表达式"), max_length=300)
    message = forms.CharField(label=_("提示信息"), max_length=300)
    missing_value_strategy = forms.ChoiceField(
        label=_("缺失值处理"), choices=MissingValueStrategy.choices, initial=MissingValueStrategy.SKIP_IF_ANY_MISSING
    )
    severity = forms.ChoiceField(label=_("级别"), choices=RuleSeverity.choices, initial=RuleSeverity.ERROR)


class RoundForm(EditForm):
    code = _code_field()
    name = forms.CharField(label=_("名称"), max_length=120)
    form = forms.ChoiceField(label=_("统计表"))
    deadline = forms.DateTimeField(
        label=_("截止时间（北京时间）"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    report_to = forms.ChoiceField(label=_("报送至"), required=False)
    expected_kinds = forms.MultipleChoiceField(
        label=_("填报单位类型"),
        choices=OrgKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一种单位类型。")},
    )
    lock_at_deadline = forms.BooleanField(label=_("截止后锁定（不再接受迟报）"), required=False)

    LOCKED_WHEN_PUBLISHED = ("code", "form", "report_to", "expected_kinds")

    def __init__(self, *args: Any, form_codes: list[tuple[str, str]] = (), org_names: list[str] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = list(form_codes)
        names = list(org_names)
        current = self.initial.get("report_to")
        if current and current not in names:
            names.insert(0, current)
        self.fields["report_to"].choices = [("", _("（请选择）")), *((n, n) for n in names)]
        # CheckboxSelectMultiple gets form-control from the mixin; checkboxes want their own class
        self.fields["expected_kinds"].widget.attrs["class"] = "form-check-input"

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        initial = dict(entry)
        with contextlib.suppress(KeyError, ValueError):
            initial["deadline"] = parse_deadline(entry["deadline"]).astimezone(LOCAL_TZ).replace(tzinfo=None)
        return initial

    def to_value(self) -> Any:
        cd = self.cleaned_data
        deadline = cd["deadline"]
        if deadline.tzinfo is None:
            deadline = deadline.replace(tzinfo=LOCAL_TZ)
        return {
            "code": cd["code"],
            "name": cd["name"],
            "form": cd["form"],
            "deadline": format_deadline(deadline),
            "report_to": cd.get("report_to") or None,
            "expected_kinds": list(cd["expected_kinds"]),
            "lock_at_deadline": bool(cd.get("lock_at_deadline")),
        }


class EventTypeForm(EditForm):
    """An event type (活动类型, issue 7): what orgs record as events, and the integer indicators the
    number of events and the sum of their participants fill. Editable after publishing (figures are
    computed live, docs/events.md)."""

    code = _code_field()
    name = forms.CharField(label=_("名称"), max_length=120)
    description = _text(_("说明"), rows=2)
    count = forms.ChoiceField(label=_("场次计入指标"), required=False)
    participants = forms.ChoiceField(label=_("人次计入指标"), required=False)

    def __init__(self, *args: Any, indicator_choices: list[tuple[str, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        choices = [("", _("（不计入）")), *((code, f"{label}（{code}）") for code, label in indicator_choices)]
        self.fields["count"].choices = choices
        self.fields["participants"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("count") and data.get("count") == data.get("participants"):
            self.add_error("participants", _("场次和人次不能计入同一个指标。"))
        return data


class VersionForm(forms.Form):
    """Delete and move buttons: only the version the page was shown with."""

    version = forms.IntegerField(min_value=1)


class PublishForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    confirm_warnings = forms.BooleanField(required=False)


class ExpectedRuleForm(forms.Form):
    """The rule of a round's expected reporters: kinds and the 安全生产责任科室 flag."""

    expected_kinds = forms.MultipleChoiceField(
        label=_("填报单位类型"),
        choices=OrgKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一种填报单位类型。")},
    )
    responsible_sections_only = forms.BooleanField(label=_("科室仅限安全生产责任科室"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expected_kinds"].widget.attrs["class"] = "form-check-input"
        self.fields["responsible_sections_only"].widget.attrs["class"] = "form-check-input"


class ExpectedOrgForm(forms.Form):
    """Include, exclude or reset one org (by its public id) for a round."""

    org = forms.CharField(max_length=40)
    choice = forms.ChoiceField(choices=[(c, c) for c in ("include", "exclude", "reset")])

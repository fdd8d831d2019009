"""Forms of the org pages. They validate and normalise; the services write.

The forms are plain ``Form`` classes (not ModelForms): the org instance is never changed while a form
is being validated, so the services can see and log what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetymonth.accounts.permissions import Perm
from safetymonth.core.forms import StyledFormMixin
from safetymonth.orgs import importing, validation
from safetymonth.orgs.models import ALLOWED_PARENT_KINDS, Industry, Org, OrgKind
from safetymonth.orgs.services import parent_kind_message

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

# Fields that users with EDIT_OWN_ORG (section and enterprise staff) may change on their org.
PROFILE_FIELDS = ["short_name", "address", "contact_name", "phone", "industry"]
# Everything the office may change (plus the parent, handled by the move).
FULL_FIELDS = ["kind", "name", "short_name", "credit_code", "industry", "address", "contact_name", "phone"]

# Kinds that may hold other orgs: the parent drop-down lists only these.
PARENT_KINDS = sorted({k for kinds in ALLOWED_PARENT_KINDS.values() for k in kinds if k})


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name if obj.is_active else _("%(name)s（已停用）") % {"name": obj.name}


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        indent = "\u3000" * max(obj.depth, 0)
        return f"{indent}{obj.name}（{obj.get_kind_display()}）"


def _industry_queryset(current: Industry | None):
    """Active industries, plus the org's current one even if it has been deactivated since."""
    q = Q(is_active=True)
    if current is not None:
        q |= Q(pk=current.pk)
    return Industry.objects.filter(q).order_by("sort_order", "name")


class OrgProfileForm(StyledFormMixin, forms.Form):
    """What section and enterprise staff may edit on their own org. Nothing else is read from the POST."""

    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    industry = IndustryChoiceField(
        label=_("所属行业"), queryset=Industry.objects.none(), required=False, to_field_name="code"
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=40, required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("手机号或带区号的固定电话，例如 13800138000 或 023-68083116。"),
    )

    def __init__(self, *args: Any, org: Org, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for(org))
        super().__init__(*args, **kwargs)
        self.org = org
        self.user = user
        if org.kind == OrgKind.ENTERPRISE:
            self.fields["industry"].queryset = _industry_queryset(org.industry)  # type: ignore[attr-defined]
        else:
            del self.fields["industry"]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"

    @classmethod
    def initial_for(cls, org: Org) -> dict[str, Any]:
        data = {name: getattr(org, name) for name in FULL_FIELDS if name != "industry"}
        data["credit_code"] = org.credit_code or ""
        data["industry"] = org.industry.code if org.industry_id and org.industry else None
        data["parent"] = org.parent.public_id if org.parent_id and org.parent else None
        return data

    def clean_phone(self) -> str:
        return validation.clean_phone(self.cleaned_data.get("phone"))

    def changes(self) -> dict[str, Any]:
        """The cleaned fields, ready for the update service."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class OrgForm(OrgProfileForm):
    """The office's form: create an org, or edit all of it including its place in the tree."""

    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    parent = ParentChoiceField(
        label=_("上级单位"), queryset=Org.objects.none(), to_field_name="public_id", required=True
    )
    name = forms.CharField(label=_("名称"), max_length=120)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        required=False,
        help_text=_("18位，企业和事业单位填写；科室不填。"),
    )
    safety_responsible = forms.BooleanField(
        label=_("安全生产责任科室"),
        required=False,
        help_text=_("科室是否负有安全生产责任；填报批次可只要求这些科室填报。"),
    )

    field_order = [
        "kind",
        "parent",
        "name",
        "short_name",
        "credit_code",
        "industry",
        "address",
        "contact_name",
        "phone",
        "safety_responsible",
    ]

    def __init__(self, *args: Any, org: Org | None = None, user: User, **kwargs: Any) -> None:
        probe = org or Org(kind=OrgKind.ENTERPRISE)
        if org is None:
            kwargs.setdefault("initial", {})
        super().__init__(*args, org=probe, user=user, **kwargs)
        self.editing = org
        # industry: every kind sees the field here (the kind may be changed in the same form)
        self.fields["industry"] = IndustryChoiceField(
            label=_("所属行业"),
            queryset=_industry_queryset(org.industry if org else None),
            required=False,
            to_field_name="code",
            help_text=_("企业填写。"),
        )
        self.fields["industry"].widget.attrs["class"] = "form-select"
        self.order_fields(self.field_order)
        parents = Org.objects.for_user(user, Perm.MANAGE_ORGS).filter(kind__in=PARENT_KINDS)
        if org is not None:
            parents = parents.exclude(path__startswith=org.path)
            movable = org.parent is not None and parents.filter(pk=org.parent_id).exists()
            if not movable:
                # A root, or an org whose parent lies outside the user's scope, stays where it is.
                del self.fields["parent"]
        if "parent" in self.fields:
            self.fields["parent"].queryset = parents.order_by("path")  # type: ignore[attr-defined]
        self.fields["credit_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_credit_code(self) -> str | None:
        code = validation.clean_credit_code(self.cleaned_data.get("credit_code"))
        if code:
            holder = Org.objects.filter(credit_code=code)
            if self.editing is not None:
                holder = holder.exclude(pk=self.editing.pk)
            other = holder.first()
            if other is not None:
                raise ValidationError(validation.credit_code_taken_message(self.user, other), code="unique")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        if "parent" in self.fields:
            if "parent" in data:
                message = parent_kind_message(kind, data["parent"])
                if message:
                    self.add_error("parent", message)
        elif self.editing is not None and kind != self.editing.kind:
            message = parent_kind_message(kind, self.editing.parent)
            if message:
                self.add_error("kind", message)
        if kind == OrgKind.SECTION and data.get("credit_code"):
            self.add_error("credit_code", _("科室不填写统一社会信用代码。"))
        if kind != OrgKind.ENTERPRISE and data.get("industry"):
            self.add_error("industry", _("只有企业填写所属行业。"))
        if kind != OrgKind.SECTION and data.get("safety_responsible"):
            self.add_error("safety_responsible", _("只有科室可以标记为安全生产责任科室。"))
        return data

    def changes(self) -> dict[str, Any]:
        """Fields for the create or edit service; the parent is passed on its own."""
        out = super().changes()
        out.pop("parent", None)
        return out


class OrgFilterForm(forms.Form):
    """The list page's search and filters (GET). Bad values are ignored, never an error page."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    industry = forms.ModelChoiceField(
        label=_("所属行业"),
        required=False,
        queryset=Industry.objects.all(),
        to_field_name="code",
        empty_label=_("全部行业"),
    )
    active = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), ("1", _("启用")), ("0", _("已停用"))],
    )
    incomplete = forms.BooleanField(label=_("只看信息不完整的企业"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部类型")), *OrgKind.choices]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("名称、简称或信用代码"), "class": "form-control", "type": "search"}
        )
        for name in ("kind", "industry", "active"):
            self.fields[name].widget.attrs.update({"class": "form-select", "data-autosubmit": ""})
        self.fields["incomplete"].widget.attrs.update({"class": "form-check-input", "data-autosubmit": ""})

    def filters(self) -> dict[str, Any]:
        """The valid filters only: a hand-edited bad value is dropped, not shown as an error."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class IndustryRowForm(StyledFormMixin, forms.Form):
    """One existing industry in the office's list (identified by its code)."""

    code = forms.SlugField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("名称"), max_length=60)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=100000)
    is_active = forms.BooleanField(label=_("启用"), required=False)


class IndustryAddForm(StyledFormMixin, forms.Form):
    """A new industry; left blank, nothing is added."""

    name = forms.CharField(label=_("新行业名称"), max_length=60, required=False)
    code = forms.SlugField(
        label=_("代码"),
        max_length=40,
        required=False,
        help_text=_("英文小写字母、数字和连字符，可不填（自动生成）。"),
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=100000, required=False)

    def clean_code(self) -> str:
        code = self.cleaned_data.get("code") or ""
        if code and Industry.objects.filter(code=code).exists():
            raise ValidationError(_("该代码已被其他行业使用。"))
        return code


class BaseIndustryFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for i, form in enumerate(self.forms):
            name = (form.cleaned_data.get("name") or "").strip()
            if name in seen:
                form.add_error(
                    "name", ValidationError(_('已有名为"%(name)s"的行业，行业名称不能重复。') % {"name": name})
                )
            seen[name] = i


IndustryFormSet = forms.formset_factory(IndustryRowForm, formset=BaseIndustryFormSet, extra=0)


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("企业名单文件"),
        help_text=_("Excel（.xlsx）或 CSV 文件，最多 5000 行。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if f.size > limit:
            raise ValidationError(
                _("文件太大：最大 %(mb)s MB。请分成几个文件导入。") % {"mb": f"{limit / 1024 / 1024:g}"}
            )
        try:
            importing.file_kind(f.name)
        except importing.ImportFileError as exc:
            raise ValidationError(exc.message) from exc
        return f

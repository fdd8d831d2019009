from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from safetymonth.accounts.models import Membership, Role, User, role_fits_org_kind, role_kind_message
from safetymonth.accounts.permissions import Perm
from safetymonth.core.forms import StyledFormMixin
from safetymonth.lib import phone as phones
from safetymonth.orgs.models import Org
from safetymonth.orgs.widgets import OrgSearchWidget


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。注意：连续输错多次后账号会被暂时锁定。"),
        "inactive": _("该账号已停用，请联系活动办公室。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("原密码不正确，请重新输入。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再次输入新密码")
        self.fields["new_password1"].help_text = password_validators_help_text_html()  # in this request's language
        self.fields["new_password2"].help_text = ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password2")
        if old and new and old == new and "new_password2" not in self.errors:
            self.add_error("new_password2", ValidationError(_("新密码不能与原密码相同。"), code="password_unchanged"))
        return cleaned


# --- the office's user management ----------------------------------------------------------------


class OrgChoiceField(forms.ModelChoiceField):
    """An org among those in the acting user's scope, indented by depth, chosen by public id."""

    def __init__(self, queryset: QuerySet[Org], **kwargs: Any):
        super().__init__(queryset=queryset, to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Org) -> str:
        return "\u3000" * obj.depth + f"{obj.name}（{obj.get_kind_display()}）"


def _scope_orgs(actor: User) -> QuerySet[Org]:
    return Org.objects.for_user(actor, Perm.MANAGE_USERS).active().order_by("path")


def _role_choices(blank: str) -> list[tuple[str, Any]]:
    return [("", blank), *Role.choices]


ROLE_HELP = _("企业人员只能设在企业；科室人员只能设在科室；活动办公室、领导小组、举报受理人员设在委或科室。")


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        if not phones.is_valid(value):
            raise ValidationError(_("请填写有效的手机号或带区号的固定电话，例如 13800138000 或 023-68083116。"))
        return phones.normalise(value)


class UserFilterForm(StyledFormMixin, forms.Form):
    """Search and filters of the user list (GET). Invalid values are dropped, never a 500."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=())
    # search-as-you-type (orgs:search), never a dropdown of every org in the scope
    org = OrgChoiceField(
        Org.objects.none(), label=_("单位"), required=False, widget=OrgSearchWidget(Perm.MANAGE_USERS.value)
    )
    active = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))],
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(str(_("全部角色")))
        self.fields["org"].queryset = _scope_orgs(actor)
        self.fields["q"].widget.attrs["placeholder"] = _("用户名、姓名或单位")

    def filter(self, users: QuerySet[User]) -> QuerySet[User]:
        data = self.cleaned_data if self.is_valid() else {}
        q = (data.get("q") or "").strip()
        if q:
            users = users.alias(username_lower=Lower("username")).filter(
                Q(username_lower__contains=q.lower())
                | Q(full_name__icontains=q)
                | Exists(
                    Membership.objects.filter(user=OuterRef("pk")).filter(
                        Q(org__name__icontains=q) | Q(org__short_name__icontains=q)
                    )
                )
            )
        role, org = data.get("role"), data.get("org")
        if role or org:
            memberships = Membership.objects.filter(user=OuterRef("pk"))
            if role:
                memberships = memberships.filter(role=role)
            if org:
                memberships = memberships.filter(org__path__startswith=org.path)
            users = users.filter(Exists(memberships))
        if data.get("active") in ("0", "1"):
            users = users.filter(is_active=data["active"] == "1")
        return users


class PasswordChoiceMixin(forms.Form):
    """Type a password twice (checked against the rules) or have one generated and shown once."""

    MODE_GENERATE = "generate"
    MODE_SET = "set"

    password_mode = forms.ChoiceField(
        label=_("初始密码"),
        choices=[(MODE_GENERATE, _("系统生成随机密码（只显示一次）")), (MODE_SET, _("自己设定"))],
        initial=MODE_GENERATE,
        widget=forms.RadioSelect(attrs={"data-password-mode": ""}),
    )
    password = forms.CharField(
        label=_("密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-password-field": ""}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-password-field": ""}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The rules, in the language of this request.
        self.fields["password"].help_text = password_validators_help_text_html()

    def _password_user(self) -> User:  # the user the password rules are checked against
        raise NotImplementedError

    def clean_password_fields(self) -> None:
        if self.cleaned_data.get("password_mode") != self.MODE_SET:
            self.cleaned_data["password"] = None
            return
        password = self.cleaned_data.get("password") or ""
        password2 = self.cleaned_data.get("password2") or ""
        if not password:
            self.add_error("password", _("请输入密码，或选择由系统生成。"))
            return
        try:
            validate_password(password, self._password_user())
        except ValidationError as exc:
            self.add_error("password", exc)
            return
        if password != password2:
            self.add_error("password2", _("两次输入的密码不一致。"))

    @property
    def chosen_password(self) -> str | None:
        """The typed password, or None when one is to be generated."""
        if self.cleaned_data.get("password_mode") == self.MODE_SET:
            return self.cleaned_data["password"]
        return None


class UserCreateForm(StyledFormMixin, PasswordChoiceMixin):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("用于登录，150 个字符以内，可用字母、数字和 @ . + - _。"),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = PhoneField(label=_("联系电话"))
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    org = OrgChoiceField(Org.objects.none(), label=_("所在单位"), empty_label=_("请选择单位"))
    role = forms.ChoiceField(label=_("角色"), choices=(), help_text=ROLE_HELP)

    field_order = ["username", "full_name", "phone", "email", "org", "role", "password_mode", "password", "password2"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _scope_orgs(actor)
        self.fields["role"].choices = _role_choices(str(_("请选择角色")))
        self.fields["username"].widget.attrs["autocomplete"] = "off"
        self.fields["password_mode"].widget.attrs["class"] = "form-check-input"

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.with_username(username).exists():
            raise ValidationError(_("该用户名已被使用，请换一个。"))
        return username

    def _password_user(self) -> User:
        return User(
            username=self.cleaned_data.get("username", ""),
            full_name=self.cleaned_data.get("full_name", ""),
            email=self.cleaned_data.get("email", ""),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        org, role = cleaned.get("org"), cleaned.get("role")
        if org is not None and role and not role_fits_org_kind(role, org.kind):
            self.add_error("role", role_kind_message(role))
        self.clean_password_fields()
        return cleaned


class UserEditForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = PhoneField(label=_("联系电话"))
    email = forms.EmailField(label=_("电子邮箱"), required=False)


class MembershipForm(StyledFormMixin, forms.Form):
    org = OrgChoiceField(Org.objects.none(), label=_("单位"), empty_label=_("请选择单位"))
    role = forms.ChoiceField(label=_("角色"), choices=(), help_text=ROLE_HELP)

    def __init__(self, *args: Any, actor: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _scope_orgs(actor)
        self.fields["role"].choices = _role_choices(str(_("请选择角色")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        org, role = cleaned.get("org"), cleaned.get("role")
        if org is not None and role and not role_fits_org_kind(role, org.kind):
            self.add_error("role", role_kind_message(role))
        return cleaned


class MembershipRemoveForm(forms.Form):
    """Which of the user's memberships to remove (posted by the button on its row)."""

    org = OrgChoiceField(Org.objects.none())
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, actor: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Inactive orgs too: a membership on a closed org must still be removable.
        self.fields["org"].queryset = Org.objects.for_user(actor, Perm.MANAGE_USERS)


class PasswordResetForm(StyledFormMixin, PasswordChoiceMixin):
    def __init__(self, *args: Any, target: User, **kwargs: Any):
        self.target = target
        super().__init__(*args, **kwargs)
        self.fields["password_mode"].label = _("新密码")
        self.fields["password_mode"].widget.attrs["class"] = "form-check-input"

    def _password_user(self) -> User:
        return self.target

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_password_fields()
        return cleaned


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class SecondFactorForm(StyledFormMixin, forms.Form):
    """The code at sign-in: six digits from the authenticator app, or one recovery code."""

    token = forms.CharField(label=_("动态口令或恢复码"), max_length=20, strip=True)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        attrs = self.fields["token"].widget.attrs
        attrs.update({"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"})
        self.fields["token"].help_text = _("打开手机上的认证器应用，输入显示的 6 位数字；手机丢失时输入一个恢复码。")

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isascii() or not token.isalnum():
            raise ValidationError(_("请输入 6 位数字的动态口令，或一个恢复码（字母和数字）。"))
        return token


class EnrolForm(StyledFormMixin, forms.Form):
    """Confirms the authenticator app during enrolment with the code it shows."""

    token = forms.CharField(label=_("动态口令"), max_length=6, min_length=6, strip=True)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        attrs = self.fields["token"].widget.attrs
        attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"})
        self.fields["token"].error_messages["min_length"] = _("动态口令是 6 位数字。")
        self.fields["token"].error_messages["max_length"] = _("动态口令是 6 位数字。")

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not token.isascii() or not token.isdigit():
            raise ValidationError(_("动态口令是 6 位数字。"))
        return token

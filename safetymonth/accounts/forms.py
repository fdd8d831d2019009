from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from safetymonth.core.forms import StyledFormMixin


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
    pass

"""Password rules: at least 10 characters (Django's validator), 3 of 4 character classes, not the username."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safetymonth.lib.passwords import character_classes


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号四类中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("至少包含小写字母、大写字母、数字、符号四类中的 %(n)d 类。") % {"n": self.min_classes}


class NotUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and (password.lower() == username or username in password.lower()):
            raise ValidationError(_("密码不能与用户名相同，也不能包含用户名。"), code="password_is_username")

    def get_help_text(self) -> str:
        return _("不能与用户名相同或包含用户名。")

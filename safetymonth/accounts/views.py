"""Login, logout, password change, and the office's user management."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.forms import LoginForm, StyledPasswordChangeForm
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event(
            self.request.user, AuditEntry.Action.PASSWORD, self.request.user, summary="password changed"
        )
        messages.success(self.request, _("密码已修改。"))
        return response


def user_list(request: HttpRequest) -> HttpResponse:
    perms.require(request.user, Perm.MANAGE_USERS)  # type: ignore[arg-type]
    users = User.objects.for_user(request.user, Perm.MANAGE_USERS).prefetch_related("memberships__org")  # type: ignore[arg-type]
    return render(request, "accounts/user_list.html", {"users": users})

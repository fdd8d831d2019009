"""Login, logout, password change, and the office's user management (within its own subtree)."""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any, cast

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from safetymonth.accounts import permissions as perms
from safetymonth.accounts import services
from safetymonth.accounts.forms import (
    ActiveForm,
    EnrolForm,
    LoginForm,
    MembershipForm,
    MembershipRemoveForm,
    PasswordResetForm,
    SecondFactorForm,
    StyledPasswordChangeForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from safetymonth.accounts.models import Membership, User
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.context import client_ip
from safetymonth.audit.models import AuditEntry

USERS_PER_PAGE = 25
OTP_KEY_SESSION = "accounts_otp_key"


# A password accepted for a user who signs in with a second factor waits here (in the session)
# until the code is typed: the user is not logged in before that.
PENDING_KEY = "accounts_pending_login"
PENDING_SECONDS = 5 * 60


def _too_many_attempts(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/too_many_attempts.html", status=429)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Before the form (and its password hashing) runs: one address cannot starve the others.
        if services.login_rate_exceeded(client_ip(request)):
            return _too_many_attempts(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not services.has_second_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": int(time.time()),
            # a password changed or reset in between voids the waiting step
            "hash": user.get_session_auth_hash(),
        }
        return redirect("accounts:login_otp")


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | tuple[None, None]:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or not constant_time_compare(pending.get("hash", ""), user.get_session_auth_hash()):
        return None, None
    return user, pending


@never_cache
def login_otp(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the authenticator's code or a recovery code."""
    user, pending = _pending_user(request)
    if user is None or pending is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST":
        if services.login_rate_exceeded(client_ip(request)):
            return _too_many_attempts(request)
        if services.second_factor_blocked(user):
            request.session.pop(PENDING_KEY, None)
            return _too_many_attempts(request)
        if form.is_valid():
            device = services.verify_second_factor(user, form.cleaned_data["token"])
            if device is not None:
                del request.session[PENDING_KEY]
                auth_login(request, user, backend=pending["backend"])
                otp_login(request, device)
                return redirect(pending["next"])
            if services.second_factor_blocked(user):
                request.session.pop(PENDING_KEY, None)
                return _too_many_attempts(request)
            form.add_error("token", _("动态口令或恢复码不正确，请重新输入。"))
    return render(request, "accounts/login_otp.html", {"form": form})


@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (made here, offline), confirm with a code, note the recovery codes."""
    user = _actor(request)
    if services.has_second_factor(user):
        return render(request, "accounts/otp_setup.html", {"enrolled": True})
    key = request.session.get(OTP_KEY_SESSION)
    if request.method != "POST" or not isinstance(key, str):
        key = services.new_totp_key()
        request.session[OTP_KEY_SESSION] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.enrol_second_factor(user, key, form.cleaned_data["token"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            del request.session[OTP_KEY_SESSION]
            otp_login(request, device)
            return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})
    uri = services.totp_uri(user, key)
    ctx = {
        "form": form,
        "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        "secret": b32encode(unhexlify(key)).decode(),
    }
    return render(request, "accounts/otp_setup.html", ctx)


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's validation errors on the form fields they name (else on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    form = StyledPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user, form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc.error_dict.get("password", exc.messages))
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": user.must_change_password})


# --- the office's user management ----------------------------------------------------------------


def user_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    perms.require(actor, Perm.MANAGE_USERS)
    form = UserFilterForm(request.GET or None, actor=actor)
    users = form.filter(User.objects.for_user(actor, Perm.MANAGE_USERS)).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("org").order_by("org__path"))
    )
    page = Paginator(users.order_by("username"), USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@never_cache
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    perms.require(actor, Perm.MANAGE_USERS)
    form = UserCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.create_user(
                actor,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                org=data["org"],
                role=data["role"],
                password=form.chosen_password,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if form.chosen_password is None:
                # Shown on this response only; never stored, never logged.
                return render(request, "accounts/password_shown_once.html", {"target": user, "password": password})
            messages.success(request, _("用户 %(name)s 已创建，首次登录时须修改密码。") % {"name": user.username})
            return redirect("accounts:user_detail", user.public_id)
    return render(request, "accounts/user_create.html", {"form": form})


def _managed_user(request: HttpRequest, public_id: str) -> User:
    """The user with that id if the actor may manage users (else 403) and it is in scope (else 404)."""
    actor = _actor(request)
    perms.require(actor, Perm.MANAGE_USERS)
    return perms.get_user_for_user(actor, public_id, Perm.MANAGE_USERS)


def _render_detail(
    request: HttpRequest, target: User, membership_form: MembershipForm | None = None, status: int = 200
) -> HttpResponse:
    actor = _actor(request)
    memberships = target.memberships.select_related("org").order_by("org__path", "role")
    history = None
    if perms.can(actor, Perm.VIEW_AUDIT):
        history = AuditEntry.objects.for_user(actor).filter(object_type="accounts.user", object_id=target.public_id)[
            :10
        ]
    ctx = {
        "target": target,
        "memberships": memberships,
        "membership_form": membership_form or MembershipForm(actor=actor),
        "is_self": target.pk == actor.pk,
        "is_admin": target.is_superuser or target.is_staff,
        "is_locked": services.is_locked_out(target),
        "has_second_factor": services.has_second_factor(target),
        "history": history,
    }
    return render(request, "accounts/user_detail.html", ctx, status=status)


def user_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _render_detail(request, _managed_user(request, public_id))


def user_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    target = _managed_user(request, public_id)
    initial = {"full_name": target.full_name, "phone": target.phone, "email": target.email}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(_actor(request), target, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("用户信息已保存。"))
            return redirect("accounts:user_detail", target.public_id)
    return render(request, "accounts/user_edit.html", {"form": form, "target": target})


@require_POST
def membership_add(request: HttpRequest, public_id: str) -> HttpResponse:
    target = _managed_user(request, public_id)
    form = MembershipForm(request.POST, actor=_actor(request))
    if form.is_valid():
        try:
            services.add_membership(
                _actor(request), target, org=form.cleaned_data["org"], role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("角色已添加。"))
            return redirect("accounts:user_detail", target.public_id)
    return _render_detail(request, target, membership_form=form)


@require_POST
def membership_remove(request: HttpRequest, public_id: str) -> HttpResponse:
    target = _managed_user(request, public_id)
    form = MembershipRemoveForm(request.POST, actor=_actor(request))
    if not form.is_valid():
        messages.error(request, _("没有找到要删除的角色。"))
    else:
        try:
            services.remove_membership(
                _actor(request), target, org=form.cleaned_data["org"], role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("角色已删除。"))
    return redirect("accounts:user_detail", target.public_id)


@never_cache
def password_reset(request: HttpRequest, public_id: str) -> HttpResponse:
    target = _managed_user(request, public_id)
    form = PasswordResetForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            password = services.reset_password(_actor(request), target, form.chosen_password)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if form.chosen_password is None:
                return render(
                    request,
                    "accounts/password_shown_once.html",
                    {"target": target, "password": password, "reset": True},
                )
            messages.success(request, _("密码已重置，%(name)s 下次登录时须修改密码。") % {"name": target.username})
            return redirect("accounts:user_detail", target.public_id)
    return render(request, "accounts/password_reset.html", {"form": form, "target": target})


@require_POST
def user_set_active(request: HttpRequest, public_id: str) -> HttpResponse:
    target = _managed_user(request, public_id)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效，请重试。"))
        return redirect("accounts:user_detail", target.public_id)
    active = form.cleaned_data["active"]
    try:
        services.set_user_active(_actor(request), target, active)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("账号已启用。") if active else _("账号已停用，该用户不能再登录。"))
    return redirect("accounts:user_detail", target.public_id)


@require_POST
def user_unlock(request: HttpRequest, public_id: str) -> HttpResponse:
    target = _managed_user(request, public_id)
    services.unlock_user(_actor(request), target)
    messages.success(request, _("已解除 %(name)s 的登录锁定。") % {"name": target.username})
    return redirect("accounts:user_detail", target.public_id)


@require_POST
def otp_reset(request: HttpRequest, public_id: str) -> HttpResponse:
    target = _managed_user(request, public_id)
    try:
        services.reset_second_factor(_actor(request), target)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("已重置 %(name)s 的双因素认证，该用户下次登录时重新绑定。") % {"name": target.username}
        )
    return redirect("accounts:user_detail", target.public_id)

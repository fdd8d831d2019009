"""Login, logout, password change, and the office's user management (within its own subtree)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safetymonth.accounts import permissions as perms
from safetymonth.accounts import services
from safetymonth.accounts.forms import (
    ActiveForm,
    LoginForm,
    MembershipForm,
    MembershipRemoveForm,
    PasswordResetForm,
    StyledPasswordChangeForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from safetymonth.accounts.models import Membership, User
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.models import AuditEntry

USERS_PER_PAGE = 25


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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

"""Session upkeep and the forced password change.

- ``SessionRefreshMiddleware``: sessions end after ``SESSION_COOKIE_AGE`` idle seconds; the expiry
  is pushed forward by saving the session at most once a minute, not on every request (a write, and
  on SQLite a write lock, per page view).
- ``PasswordChangeRequiredMiddleware``: users who must change their password (new accounts, office
  resets) see nothing else until they do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

REFRESHED_AT = "_refreshed_at"  # session key: when the session was last saved to push its expiry on
REFRESH_AFTER = 60  # seconds


class SessionRefreshMiddleware:
    """Marks a non-empty session modified when it was last refreshed more than a minute ago, so that
    SessionMiddleware saves it (and its expiry moves to now + SESSION_COOKIE_AGE). Goes right after
    SessionMiddleware; replaces SESSION_SAVE_EVERY_REQUEST."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            if now - int(session.get(REFRESHED_AT, 0)) >= REFRESH_AFTER:
                session[REFRESHED_AT] = now
        return self.get_response(request)


# Pages such a user may still open: the password change itself and logging out.
ALLOWED_URL_NAMES = {"accounts:password_change", "accounts:logout"}


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "must_change_password", False):
            return None
        match = request.resolver_match
        if match is not None and "api" in match.namespaces:
            # The API (which answers JSON and handles its own authentication) refuses outright.
            return JsonResponse({"detail": "Password change required."}, status=403)
        # Public pages (health check, language switch, public tip-offs) stay reachable.
        if not getattr(view_func, "login_required", True):
            return None
        if match is not None and match.view_name in ALLOWED_URL_NAMES:
            return None
        target = reverse("accounts:password_change")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        messages.warning(request, _("请先设置一个只有您自己知道的新密码，然后才能继续使用。"))
        return HttpResponseRedirect(target)


# Pages a user who must still enrol a second factor may open.
SECOND_FACTOR_URL_NAMES = {"accounts:otp_setup", "accounts:logout", "accounts:password_change"}


class SecondFactorRequiredMiddleware:
    """Users of a role in OTP_REQUIRED_ROLES whose session is not verified by a second factor see
    nothing but the enrolment page; one who already has an authenticator signs in again with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        from django.conf import settings

        if not settings.OTP_REQUIRED_ROLES:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        from safetymonth.accounts import services

        if not services.second_factor_required(user):
            return None
        match = request.resolver_match
        if match is not None and "api" in match.namespaces:
            return JsonResponse({"detail": "Second factor required."}, status=403)
        if not getattr(view_func, "login_required", True):
            return None
        if match is not None and match.view_name in SECOND_FACTOR_URL_NAMES:
            return None
        if services.has_second_factor(user):
            # A session that predates the enrolment (made elsewhere): sign in again, with the code.
            from django.contrib.auth import logout

            logout(request)
            target = reverse("accounts:login")
        else:
            target = reverse("accounts:otp_setup")
            messages.warning(request, _("您的角色须使用双因素认证：请先绑定认证器应用，然后才能继续使用。"))
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

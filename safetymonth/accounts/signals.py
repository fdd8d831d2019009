"""Logging in saves a fresh session: stamp it as refreshed, so the first page after the login does
not write it again (accounts.middleware.SessionRefreshMiddleware)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from safetymonth.accounts.middleware import REFRESHED_AT


@receiver(user_logged_in, dispatch_uid="accounts_stamp_session_on_login")
def stamp_session_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[REFRESHED_AT] = int(time.time())

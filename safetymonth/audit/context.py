"""Where the current request came from, for the audit log (a context variable per request)."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from safetymonth.lib.clientaddr import client_address


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str


_current: ContextVar[RequestContext | None] = ContextVar("safetymonth_audit_request", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client address: ``REMOTE_ADDR``, or with PROXY_COUNT > 0 the entry our own proxies wrote
    into X-Forwarded-For. The one rule for the audit log, the lock-out (``AXES_CLIENT_IP_CALLABLE``)
    and the per-address login limit."""
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        getattr(settings, "PROXY_COUNT", 0),
    )


def set_request_context(ip: str | None, user_agent: str) -> Token:
    return _current.set(RequestContext(ip, user_agent))


def reset_request_context(token: Token) -> None:
    _current.reset(token)


def current() -> RequestContext | None:
    return _current.get()

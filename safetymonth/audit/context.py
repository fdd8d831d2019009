"""Where the current request came from, for the audit log (a context variable per request)."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar, Token
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str


_current: ContextVar[RequestContext | None] = ContextVar("safetymonth_audit_request", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client address; with PROXY_COUNT > 0 taken from X-Forwarded-For as set by our own proxies."""
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= proxies:
            candidate = parts[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def set_request_context(ip: str | None, user_agent: str) -> Token:
    return _current.set(RequestContext(ip, user_agent))


def reset_request_context(token: Token) -> None:
    _current.reset(token)


def current() -> RequestContext | None:
    return _current.get()

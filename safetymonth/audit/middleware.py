"""Keeps the request's address and user agent at hand for audit entries written by services."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safetymonth.audit.context import client_ip, reset_request_context, set_request_context


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_context(client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300])
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)

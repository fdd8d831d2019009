"""Keeps the request's address and user agent at hand for audit entries written by services."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safetymonth.audit.context import client_ip, reset_request_context, set_request_context

# Public tip-off pages: the reporter's address and user agent are recorded nowhere (docs/tipoffs.md).
UNRECORDED_PREFIXES = ("/tips/",)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(UNRECORDED_PREFIXES):
            token = set_request_context(None, "")
        else:
            token = set_request_context(client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300])
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)

"""Request hygiene shared by every view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict


class StripNulMiddleware:
    """Remove NUL characters from the query string's names and values before any view reads them.

    A NUL is never meaningful in a search box or a filter, and PostgreSQL refuses it in any text
    parameter (``DataError`` → a 500), while SQLite quietly accepts it: a view reading
    ``request.GET["q"]`` straight into a query worked on one database and failed on the other
    (found by tests/test_hostile_input.py). Cleaning the one place every view reads from covers
    every current and future parameter; form fields keep Django's own NUL validator for POSTs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)

"""NUL characters never reach a view's query parameters (PostgreSQL refuses them: a 500)."""

from django.http import HttpResponse
from django.test import RequestFactory

from safetymonth.core.middleware import StripNulMiddleware


def _seen(query: str) -> dict:
    seen: dict = {}

    def view(request):
        seen.update({k: request.GET.getlist(k) for k in request.GET})
        return HttpResponse()

    StripNulMiddleware(view)(RequestFactory().get("/x/?" + query))
    return seen


def test_nul_is_removed_from_names_and_values():
    assert _seen("q=%00abc%00&phase=1%00&ev%00ent=a&ev%00ent=b%00") == {
        "q": ["abc"],
        "phase": ["1"],
        "event": ["a", "b"],
    }


def test_a_query_without_nul_is_left_alone():
    assert _seen("q=%E5%8A%A0%E6%B2%B9&a=1&a=2") == {"q": ["加油"], "a": ["1", "2"]}

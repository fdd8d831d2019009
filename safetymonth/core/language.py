"""The official language: what documents handed to the district are written in.

The exports (the statistics table of the notice, the consolidated workbook, the progress report in
GB/T 9704 layout, a chart's CSV) and the evidence inspection package are official documents and
their data: they are always Chinese, whatever language the user reads the site in. One place for
that rule, used by every view and generator that writes one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.functional import Promise

OFFICIAL_LANGUAGE = "zh-hans"

T = TypeVar("T")
StrOrPromise = str | Promise


def in_official_language(chunks: Iterator[T]) -> Iterator[T]:
    """Keep a generator in the official language while it runs — for a streamed response that is
    after the view has returned and its own language override has ended."""
    with translation.override(OFFICIAL_LANGUAGE):
        yield from chunks


def official(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: the view and, for a streamed response, the streaming run in the official
    language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with translation.override(OFFICIAL_LANGUAGE):
            response = view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse):
            response.streaming_content = in_official_language(response.streaming_content)
        return response

    return wrapper


def site_text(message: StrOrPromise, **params: object) -> str:
    """Text written for someone else — a notification, its email — in the site's language
    (``LANGUAGE_CODE``, Chinese), not in the language of the user whose action sent it: an office
    reading the site in English returns a report to a section that reads Chinese. ``message`` is
    a lazy translation (``gettext_lazy``), so that it is translated here."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)

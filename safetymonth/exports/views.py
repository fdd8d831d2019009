"""Export downloads. Thin views: the dashboard's access rule (campaign visible, org in the user's
``exports.export`` scope and in the campaign's tree), options from a form, one service call; the
service writes the audit entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import Round
from safetymonth.dashboard.access import get_round_for_user, get_round_org_for_user
from safetymonth.exports import services
from safetymonth.exports.forms import ExportOptionsForm
from safetymonth.orgs.models import Org


def _target(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> tuple[User, Round, Org]:
    user = request.user
    assert isinstance(user, User)
    rnd = get_round_for_user(user, campaign_id, round_code, Perm.EXPORT)
    return user, rnd, get_round_org_for_user(user, rnd, org_id, Perm.EXPORT)


# The exports are official documents handed to the district (the statistics table of the notice,
# the consolidated workbook, the progress report in GB/T 9704 layout) and their data: they are
# always written in Chinese, whatever language the user reads the site in.
OFFICIAL_LANGUAGE = "zh-hans"


def _in_official_language(lines: Iterator[bytes]) -> Iterator[bytes]:
    """Keep a streamed export in the official language while the response is being sent (after
    the view has returned and its own language override has ended)."""
    with translation.override(OFFICIAL_LANGUAGE):
        yield from lines


def official(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with translation.override(OFFICIAL_LANGUAGE):
            response = view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse):
            response.streaming_content = _in_official_language(response.streaming_content)
        return response

    return wrapper


def _response(export: services.Export) -> HttpResponse | StreamingHttpResponse:
    disposition = content_disposition_header(as_attachment=True, filename=export.filename)
    response: HttpResponse | StreamingHttpResponse
    if export.file is not None:
        response = FileResponse(export.file, content_type=export.content_type)
    elif export.lines is not None:
        response = StreamingHttpResponse(export.lines, content_type=export.content_type)
    else:
        response = HttpResponse(export.content or b"", content_type=export.content_type)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response


@official
def table(request: HttpRequest, campaign_id: str, round_code: str, org_id: str, fmt: str) -> HttpResponse:
    user, rnd, org = _target(request, campaign_id, round_code, org_id)
    source, counting = ExportOptionsForm(request.GET).options()
    return _response(services.export_table(user, rnd, org, source=source, counting=counting, fmt=fmt))


@official
def workbook(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> HttpResponse:
    user, rnd, org = _target(request, campaign_id, round_code, org_id)
    _source, counting = ExportOptionsForm(request.GET).options()
    return _response(services.export_workbook(user, rnd, org, counting=counting))


@official
def progress_report(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> HttpResponse:
    user, rnd, org = _target(request, campaign_id, round_code, org_id)
    _source, counting = ExportOptionsForm(request.GET).options()
    return _response(services.export_progress_report(user, rnd, org, counting=counting))


@official
def values_csv(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> StreamingHttpResponse:
    user, rnd, org = _target(request, campaign_id, round_code, org_id)
    response = _response(services.export_values_csv(user, rnd, org))
    assert isinstance(response, StreamingHttpResponse)
    return response

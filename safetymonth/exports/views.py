"""Export downloads. Thin views: the dashboard's access rule (campaign visible, org in the user's
``exports.export`` scope and in the campaign's tree), options from a form, one service call; the
service writes the audit entry."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import Round
from safetymonth.core.language import official
from safetymonth.dashboard.access import get_round_for_user, get_round_org_for_user
from safetymonth.exports import services
from safetymonth.exports.forms import ExportOptionsForm
from safetymonth.orgs.models import Org


def _target(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> tuple[User, Round, Org]:
    user = request.user
    assert isinstance(user, User)
    rnd = get_round_for_user(user, campaign_id, round_code, Perm.EXPORT)
    return user, rnd, get_round_org_for_user(user, rnd, org_id, Perm.EXPORT)


def export_response(export: services.Export) -> HttpResponse | StreamingHttpResponse:
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
    return export_response(services.export_table(user, rnd, org, source=source, counting=counting, fmt=fmt))


@official
def workbook(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> HttpResponse:
    user, rnd, org = _target(request, campaign_id, round_code, org_id)
    _source, counting = ExportOptionsForm(request.GET).options()
    return export_response(services.export_workbook(user, rnd, org, counting=counting))


@official
def progress_report(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> HttpResponse:
    user, rnd, org = _target(request, campaign_id, round_code, org_id)
    _source, counting = ExportOptionsForm(request.GET).options()
    return export_response(services.export_progress_report(user, rnd, org, counting=counting))


@official
def values_csv(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> StreamingHttpResponse:
    user, rnd, org = _target(request, campaign_id, round_code, org_id)
    response = export_response(services.export_values_csv(user, rnd, org))
    assert isinstance(response, StreamingHttpResponse)
    return response

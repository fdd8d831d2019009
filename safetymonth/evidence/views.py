"""Getting evidence files in and out: the upload page, the resumable upload endpoints (JSON), the
material cards partial, and the file views (served copy, thumbnail, original) that check access
on every request. Protocol and headers: docs/evidence.md."""

from __future__ import annotations

import re
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import Campaign, Indicator, Item
from safetymonth.campaigns.permissions import get_campaign_for_user
from safetymonth.events.models import Event
from safetymonth.evidence import permissions as ev_perms
from safetymonth.evidence import services, storage
from safetymonth.evidence.forms import PlaceChoiceForm, StartUploadForm
from safetymonth.evidence.models import Material, MaterialKind, UploadSession
from safetymonth.lib import filetypes

STREAM_BLOCK = 64 * 1024
INLINE_KINDS = {MaterialKind.IMAGE, MaterialKind.VIDEO}
# File responses are never pages: nothing runs, nothing loads from elsewhere. Every file, PDFs
# included, is served in a sandbox; only images and videos are inline, everything else (PDFs,
# documents, originals) is a download, so no file ever runs on the app's origin.
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# ---------------------------------------------------------------------------------------------
# The place a file goes to


def resolve_place(
    user: User,
    campaign_id: str,
    org_id: str,
    item: str = "",
    indicator: str = "",
    event: str = "",
    hazard: str = "",
    phase: str = "",
) -> services.Place:
    """Campaign and org the user sees (else 404), may upload for (else 403), and the item,
    indicator (by code within the campaign), event (by public id, of that org and campaign) or
    hazard (by public id, of that org; its photos before or after rectification)."""
    campaign = get_campaign_for_user(user, campaign_id)
    org = perms.get_org_for_user(user, org_id)
    found_hazard = None
    if hazard:
        from safetymonth.hazards.permissions import get_hazard_for_user

        found_hazard = get_hazard_for_user(user, hazard)
        if found_hazard.org_id != org.pk:
            raise Http404
    if not ev_perms.may_upload_at(user, org, found_hazard):
        raise PermissionDenied
    place = services.Place(
        campaign=campaign, org=org, hazard=found_hazard, hazard_phase=(phase or "before") if found_hazard else ""
    )
    if indicator:
        place.indicator = (
            Indicator.objects.select_related("item").filter(form__campaign=campaign, code=indicator).first()
        )
        if place.indicator is None:
            raise Http404
        place.item = place.indicator.item
    if item:
        found = Item.objects.filter(form__campaign=campaign, code=item).first()
        if found is None or (place.item is not None and place.item.pk != found.pk):
            raise Http404
        place.item = found
    if event:
        place.event = Event.objects.for_user(user).filter(public_id=event, campaign=campaign, org=org).first()
        if place.event is None:
            raise Http404
    return place


def _errors(form: Any) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def _json_error(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def material_json(material: Material) -> dict[str, Any]:
    try:
        detail = reverse("evidence:detail", args=[material.public_id])
    except NoReverseMatch:
        detail = ""
    return {
        "id": material.public_id,
        "title": material.title,
        "kind": material.kind,
        "size": material.size,
        "original_name": material.original_name,
        "sha256": material.sha256,
        "url": reverse("evidence:file", args=[material.public_id]),
        "thumbnail_url": reverse("evidence:thumbnail", args=[material.public_id]) if material.thumbnail else "",
        "detail_url": detail,
    }


def _session_json(session: UploadSession) -> dict[str, Any]:
    return {
        "id": session.public_id,
        "offset": session.received,
        "size": session.size,
        "status": session.status,
        "error": session.error,
        "url": reverse("evidence:upload_session", args=[session.public_id]),
        "finish_url": reverse("evidence:upload_finish", args=[session.public_id]),
        "chunk_size": settings.EVIDENCE_CHUNK_BYTES,
    }


# ---------------------------------------------------------------------------------------------
# Upload endpoints (JSON; CSRF token in the X-CSRFToken header)


@require_POST
def upload_start(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.UPLOAD_EVIDENCE)
    form = StartUploadForm(request.POST)
    if not form.is_valid():
        errors = _errors(form)
        return _json_error(next(iter(errors.values()))[0], 400, errors=errors)
    data = form.cleaned_data
    place = resolve_place(
        user,
        data["campaign"],
        data["org"],
        data["item"],
        data["indicator"],
        data["event"],
        data["hazard"],
        data["phase"],
    )
    try:
        session = services.start_upload(
            user,
            place,
            title=data["title"],
            description=data["description"],
            original_name=data["name"],
            size=data["size"],
        )
    except services.UploadRefused as exc:
        return _json_error(exc.message, exc.status, code=exc.code)
    return JsonResponse(_session_json(session), status=201)


def _header_int(request: HttpRequest, name: str) -> int | None:
    raw = request.headers.get(name, "")
    return int(raw) if raw.isdigit() else None


@require_http_methods(["GET", "PUT", "DELETE"])
def upload_session(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: where the upload stands (the offset to resume from). PUT: one chunk, raw bytes, with
    ``Upload-Offset`` (and Content-Length). DELETE: cancel."""
    user = _user(request)
    session = ev_perms.get_session_for_user(user, public_id)
    if request.method == "GET":
        return JsonResponse(_session_json(session))
    if request.method == "DELETE":
        services.abort_upload(user, session)
        return HttpResponse(status=204)
    offset = _header_int(request, "Upload-Offset")
    length = _header_int(request, "Content-Length")
    if offset is None or length is None:
        return _json_error(_("缺少 Upload-Offset 或 Content-Length。"), 400, offset=session.received)
    try:
        new_offset = services.append_chunk(session, offset, _body_stream(request), length)
    except services.OffsetMismatch as exc:
        message = (
            _("另一部分数据正在上传，请稍后继续。") if exc.busy else _("数据位置不对，请从服务器已收到的位置继续。")
        )
        return _json_error(message, 409, offset=exc.offset, code="busy" if exc.busy else "offset")
    except services.UploadRefused as exc:
        return _json_error(exc.message, exc.status, code=exc.code, offset=session.received)
    return JsonResponse({"offset": new_offset, "size": session.size})


def _body_stream(request: HttpRequest) -> BinaryIO:
    """The request body as a stream (never request.body: chunks are not held in memory)."""
    return request  # type: ignore[return-value]  # HttpRequest.read() reads the WSGI input


@require_POST
def upload_finish(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    session = ev_perms.get_session_for_user(user, public_id)
    try:
        material, duplicate = services.finish_upload(user, session)
    except services.UploadRefused as exc:
        return _json_error(exc.message, exc.status, code=exc.code, offset=session.received)
    if duplicate:
        message = _("这个文件已经上传过（“%(title)s”），没有重复保存。") % {"title": material.title}
    else:
        message = _("已上传：%(title)s") % {"title": material.title}
    return JsonResponse(
        {"material": material_json(material), "duplicate": duplicate, "message": message},
        status=200 if duplicate else 201,
    )


# ---------------------------------------------------------------------------------------------
# Upload page and the cards partial


def _choice(qs: Any, key: str, value: str) -> Any:
    return qs.filter(**{key: value}).first() if value else None


@require_GET
def upload_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    orgs = ev_perms.upload_orgs(user)
    if not orgs:
        raise PermissionDenied
    form = PlaceChoiceForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    campaigns = list(Campaign.objects.for_user(user).published().order_by("-year", "code"))
    campaign = next((c for c in campaigns if c.public_id == data.get("campaign")), None) or (
        campaigns[0] if campaigns else None
    )
    org = next((o for o in orgs if o.public_id == data.get("org")), orgs[0])
    items: list[Item] = []
    item = indicator = None
    if campaign is not None:
        items = list(Item.objects.filter(form__campaign=campaign).prefetch_related("indicators").order_by("order"))
        indicator = _choice(Indicator.objects.filter(form__campaign=campaign), "code", data.get("indicator") or "")
        item = (
            indicator.item
            if indicator
            else _choice(Item.objects.filter(form__campaign=campaign), "code", data.get("item") or "")
        )
    return render(
        request,
        "evidence/upload.html",
        {
            "campaigns": campaigns,
            "campaign": campaign,
            "orgs": orgs,
            "org": org,
            "items": items,
            "item": item,
            "indicator": indicator,
        },
    )


@require_GET
def material_cards(request: HttpRequest) -> HttpResponse:
    """The latest materials at a place (campaign, org, item/indicator/event), as cards: what the
    upload widget's list refreshes after each upload."""
    user = _user(request)
    perms.require(user, Perm.VIEW_EVIDENCE)
    form = PlaceChoiceForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    qs = Material.objects.for_user(user).select_related("org")
    if data.get("campaign"):
        qs = qs.filter(campaign__public_id=data["campaign"])
    if data.get("org"):
        qs = qs.filter(org__public_id=data["org"])
    if data.get("indicator"):
        qs = qs.filter(indicator__code=data["indicator"])
    elif data.get("item"):
        qs = qs.filter(item__code=data["item"], indicator__isnull=True)
    event = request.GET.get("event", "")
    # an event's page heads its list with the count (佐证材料（N）): the refreshed list carries
    # the new count, which upload.js copies into the heading
    count = None
    if event:
        qs = qs.filter(event__public_id=event)
        count = qs.count()
    hazard = request.GET.get("hazard", "")
    if hazard:
        qs = qs.filter(hazard__public_id=hazard, hazard_phase=request.GET.get("phase", ""))
    return render(request, "evidence/_material_cards.html", {"materials": qs[:48], "count": count})


# ---------------------------------------------------------------------------------------------
# Serving files


_RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$", re.ASCII)
# A position with more digits than this is beyond any file (and int() refuses 4,300+ digits).
MAX_DIGITS = 18


def _position(digits: str) -> int:
    return int(digits) if len(digits) <= MAX_DIGITS else 10**MAX_DIGITS


def _range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(start, end inclusive) for one satisfiable range; None: no (or an ignored) Range header —
    malformed, several ranges, negative: the whole file is sent; False: not satisfiable (416)."""
    m = _RANGE.match(header.strip()) if header else None
    if not m or (not m.group(1) and not m.group(2)):
        return None
    if m.group(1):
        start = _position(m.group(1))
        end = _position(m.group(2)) if m.group(2) else size - 1
    else:
        suffix = _position(m.group(2))
        if suffix == 0:
            return False
        start, end = max(0, size - suffix), size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _secure(response: HttpResponseBase, content_type: str, disposition: str) -> HttpResponseBase:
    response["Content-Type"] = content_type
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Accept-Ranges"] = "bytes"
    return response


def serve_stored(request: HttpRequest, name: str, content_type: str, filename: str, inline: bool) -> HttpResponseBase:
    """Stream a stored file with safe headers; single-range requests get a 206 (video seeking);
    with EVIDENCE_X_ACCEL_REDIRECT nginx sends the bytes instead."""
    if not name:
        raise Http404
    disposition = content_disposition_header(not inline, filename) or "attachment"
    accel = settings.EVIDENCE_X_ACCEL_REDIRECT
    if accel and storage.local_path(name) is not None:
        response: HttpResponseBase = HttpResponse()
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + name
        return _secure(response, content_type, disposition)
    st = storage.storage()
    try:
        size = st.size(name)
    except Exception:  # FileNotFoundError locally, botocore's ClientError (404) on S3
        raise Http404 from None
    wanted = _range(request.headers.get("Range", ""), size)
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _secure(response, content_type, disposition)
    if isinstance(wanted, tuple):
        start, end = wanted
        response = StreamingHttpResponse(storage.stream(name, start, end - start + 1), status=206)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        return _secure(response, content_type, disposition)
    if storage.local_path(name) is None:
        # object storage: stream the body (django-storages' open() would hold it all in memory)
        response = StreamingHttpResponse(storage.stream(name))
    else:
        try:
            fh = st.open(name, "rb")
        except OSError:
            raise Http404 from None
        response = FileResponse(fh)
        response.block_size = STREAM_BLOCK
    response["Content-Length"] = str(size)
    return _secure(response, content_type, disposition)


def _served_type(material: Material) -> str:
    name = material.served_file.name or ""
    if name.endswith(".jpg"):
        return "image/jpeg"
    if name.endswith(".png"):
        return "image/png"
    if name.endswith(".webp"):
        return "image/webp"
    return material.content_type


def _download_name(material: Material, ext: str) -> str:
    stem = material.original_name.rpartition(".")[0] or material.original_name
    return filetypes.sanitize_name(f"{stem}.{ext}")


@require_safe
def serve_file(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The copy everyone who sees the material gets (EXIF/GPS stripped for photos)."""
    material = ev_perms.get_material_for_user(_user(request), public_id)
    served = material.served_file.name or ""
    if served:
        ext = served.rpartition(".")[2]
        return serve_stored(request, served, _served_type(material), _download_name(material, ext), inline=True)
    name = material.file.name or ""
    inline = material.kind in INLINE_KINDS
    return serve_stored(request, name, material.content_type, _download_name(material, name.rpartition(".")[2]), inline)


@require_safe
def serve_thumbnail(request: HttpRequest, public_id: str) -> HttpResponseBase:
    material = ev_perms.get_material_for_user(_user(request), public_id)
    return serve_stored(request, material.thumbnail.name or "", "image/jpeg", "thumbnail.jpg", inline=True)


@require_safe
def serve_original(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The file as uploaded (EXIF/GPS kept): reviewers only, always as a download. Every response
    that carries bytes of it — the whole file or a range — is audited (a 416 carries none)."""
    user = _user(request)
    material = ev_perms.get_material_for_user(user, public_id)
    if not ev_perms.can_see_original(user, material):
        raise PermissionDenied
    name = material.file.name or ""
    response = serve_stored(
        request, name, material.content_type, _download_name(material, name.rpartition(".")[2]), inline=False
    )
    if response.status_code in (200, 206):
        services.log_original_download(user, material, part=response.get("Content-Range", ""))
    return response

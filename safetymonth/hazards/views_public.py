"""The public exposure pages (/exposure/): published cases only, without login. Anything not
published — a draft, a withdrawn case, a photo not chosen for a published case — is a 404, the
same answer as an id that never existed. Photos are the stripped copies (EXIF/GPS removed) only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from safetymonth.core.public import public
from safetymonth.evidence.views import serve_stored
from safetymonth.hazards.models import ExposureCase

PAGE_SIZE = 20


def _published():
    return ExposureCase.objects.published().select_related("org", "org__industry", "hazard", "hazard__category")


@public
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_published().order_by("-published_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hazards/public_list.html", {"page": page})


def _case(public_id: str) -> ExposureCase:
    case = _published().filter(public_id=public_id).first()
    if case is None:
        raise Http404
    return case


@public
@require_safe
def case_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    case = _case(public_id)
    photos = list(case.photos.filter(kind="image").exclude(served_file="").order_by("hazard_phase", "created_at"))
    return render(request, "hazards/public_detail.html", {"case": case, "photos": photos})


@public
@require_safe
def case_photo(request: HttpRequest, public_id: str, photo_id: str) -> HttpResponseBase:
    case = _case(public_id)
    photo = case.photos.filter(public_id=photo_id, kind="image").exclude(served_file="").first()
    if photo is None:
        raise Http404
    name = photo.served_file.name or ""
    response = serve_stored(request, name, "image/jpeg" if name.endswith(".jpg") else _type(name), "photo", inline=True)
    response["Cache-Control"] = "no-store"  # a withdrawn case's photos stop at once
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _type(name: str) -> str:
    return {"png": "image/png", "webp": "image/webp"}.get(name.rpartition(".")[2], "image/jpeg")

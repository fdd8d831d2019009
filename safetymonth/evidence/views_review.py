"""Pages for materials once they exist: the gallery (with the good-practice showcase and the review
queue as presets), a material's page (file, metadata, review, edit, delete) and the inspection
package. Thin views: access through evidence/permissions_review.py, one service call each; review
answers htmx with the updated panel and everyone else with a redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns.permissions import get_campaign_for_user
from safetymonth.evidence import package as pkg
from safetymonth.evidence import permissions_review as rules
from safetymonth.evidence import services_review as services
from safetymonth.evidence.forms_review import (
    STATE_NOT_REJECTED,
    GalleryFilterForm,
    GoodPracticeForm,
    MaterialEditForm,
    PackageForm,
    ReviewForm,
    filter_orgs,
)
from safetymonth.evidence.models import Material, ReviewState
from safetymonth.evidence.permissions import can_see_original
from safetymonth.orgs.models import Org

PAGE_SIZE = 24


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def _file_url(name: str, material: Material) -> str:
    """A serving URL of part A's views (evidence:file, :thumbnail, :original), '' if absent."""
    try:
        return reverse(f"evidence:{name}", args=[material.public_id])
    except NoReverseMatch:
        return ""


def _decorate(user: User, material: Material) -> Material:
    m: Any = material
    m.thumb_url = _file_url("thumbnail", material) if material.thumbnail else ""
    m.served_url = _file_url("file", material)
    m.can_review = rules.can_review(user, material)
    return material


# ---------------------------------------------------------------------------------------------
# Gallery


def _filtered(user: User, form: GalleryFilterForm, qs: Any) -> Any:
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    if data.get("campaign"):
        qs = qs.filter(campaign__public_id=data["campaign"])
    if data.get("org"):
        org = Org.objects.for_user(user).filter(public_id=data["org"]).first()
        qs = qs.filter(org__path__startswith=org.path) if org is not None else qs.none()
    if data.get("item"):
        qs = qs.filter(item__code=data["item"])
    if data.get("indicator"):
        # The materials behind an indicator's figure: those filed at the indicator and those of
        # events whose type fills it (the same set the report page counts, events.services).
        code = data["indicator"]
        qs = qs.filter(
            Q(indicator__code=code)
            | Q(event__event_type__count_indicator__code=code)
            | Q(event__event_type__participants_indicator__code=code)
        )
    if data.get("event"):
        qs = qs.filter(event__public_id=data["event"])
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("state") == STATE_NOT_REJECTED:
        qs = qs.exclude(review_state=ReviewState.REJECTED)
    elif data.get("state"):
        qs = qs.filter(review_state=data["state"])
    if data.get("org_kind"):
        qs = qs.filter(org__kind=data["org_kind"])
    if data.get("good"):
        qs = qs.filter(is_good_practice=True)
    if data.get("outside"):
        qs = qs.filter(captured_outside_period=True)
    return qs


def _gallery(request: HttpRequest, mode: str) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.VIEW_EVIDENCE)
    if mode == "queue":
        perms.require(user, Perm.REVIEW_EVIDENCE)
    params = request.GET.copy()
    params.pop("page", None)
    form = GalleryFilterForm(params, user=user)
    qs = Material.objects.for_user(user)
    if mode == "showcase":
        qs = qs.filter(review_state=ReviewState.ACCEPTED, is_good_practice=True)
    elif mode == "queue":
        qs = qs.filter(rules.reviewable_q(user), review_state=ReviewState.PENDING)
    qs = _filtered(user, form, qs).select_related("org", "campaign", "item", "indicator", "event", "org__parent")
    qs = qs.order_by("created_at", "pk") if mode == "queue" else qs.order_by("-created_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for m in page.object_list:
        _decorate(user, m)
    package_org, package_url = None, ""
    org_id = form.cleaned_data.get("org") if form.is_valid() else ""
    if org_id:
        org = Org.objects.for_user(user).filter(public_id=org_id).first()
        if org is not None and rules.can_package(user, org):
            package_org = org
            query = {k: form.cleaned_data[k] for k in ("campaign", "item") if form.cleaned_data.get(k)}
            package_url = reverse("evidence:package_org", args=[org.public_id])
            package_url += f"?{urlencode(query)}" if query else ""
    ctx = {
        "form": form,
        "page": page,
        "mode": mode,
        "query": params.urlencode(),
        "package_org": package_org,
        "package_url": package_url,
        "can_review_any": perms.can(user, Perm.REVIEW_EVIDENCE),
        "can_package_any": perms.can(user, Perm.EXPORT) and perms.can(user, Perm.VIEW_EVIDENCE),
        "next": request.get_full_path(),
        "review_form": ReviewForm(),
    }
    if _htmx(request) and request.headers.get("HX-Target") == "gallery-results":
        return render(request, "evidence/gallery_results.html", ctx)
    return render(request, "evidence/gallery.html", ctx)


def gallery(request: HttpRequest) -> HttpResponse:
    return _gallery(request, "all")


def showcase(request: HttpRequest) -> HttpResponse:
    """好的做法: accepted materials marked good practice."""
    return _gallery(request, "showcase")


def review_queue(request: HttpRequest) -> HttpResponse:
    """Pending materials the user reviews, oldest first."""
    return _gallery(request, "queue")


# ---------------------------------------------------------------------------------------------
# A material's page


def _history(material: Material) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            org_path=material.org.path, object_type=material._meta.label_lower, object_id=material.public_id
        )
        .select_related("actor")
        .order_by("-at", "-pk")[:50]
    )


def _edit_form(material: Material) -> MaterialEditForm:
    return MaterialEditForm(initial={"title": material.title, "description": material.description})


def _detail_context(
    user: User,
    material: Material,
    *,
    review_form: ReviewForm | None = None,
    edit_form: MaterialEditForm | None = None,
) -> dict[str, Any]:
    _decorate(user, material)
    can_edit = rules.can_edit(user, material)
    return {
        "material": material,
        "original_url": _file_url("original", material) if can_see_original(user, material) else "",
        "can_edit": can_edit,
        "can_delete": rules.can_delete(user, material),
        "review_form": review_form or ReviewForm(initial={"good_practice": material.is_good_practice}),
        "edit_form": edit_form
        or (
            MaterialEditForm(initial={"title": material.title, "description": material.description})
            if can_edit
            else None
        ),
        "history": _history(material),
    }


def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    material = rules.get_visible_material(user, public_id)
    return render(request, "evidence/detail.html", _detail_context(user, material))


@require_POST
def edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    material = rules.get_visible_material(user, public_id)
    if not rules.can_edit(user, material):
        raise PermissionDenied
    form = MaterialEditForm(request.POST)
    if form.is_valid():
        try:
            services.update_material(
                user, material, title=form.cleaned_data["title"], description=form.cleaned_data["description"]
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, _("已保存。"))
            return redirect("evidence:detail", material.public_id)
    return render(request, "evidence/detail.html", _detail_context(user, material, edit_form=form))


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    material = rules.get_visible_material(user, public_id)
    if not rules.can_delete(user, material):
        raise PermissionDenied
    if request.method == "POST":
        title = material.title
        services.delete_material(user, material)
        messages.success(request, _("已删除佐证材料“%(title)s”。") % {"title": title})
        return redirect("evidence:gallery")
    return render(request, "evidence/detail_delete.html", {"material": material})


# ---------------------------------------------------------------------------------------------
# Review


def _next_url(request: HttpRequest, material: Material) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=False):
        return nxt
    return reverse("evidence:detail", args=[material.public_id])


def _panel(
    request: HttpRequest, user: User, material: Material, form: ReviewForm | None, note: str = ""
) -> HttpResponse:
    _decorate(user, material)
    return render(
        request,
        "evidence/review_panel.html",
        {
            "material": material,
            "review_form": form or ReviewForm(initial={"good_practice": material.is_good_practice}),
            "note": note,
            "next": request.POST.get("next", ""),
            "compact": request.POST.get("compact") == "1",
        },
    )


@require_POST
def review(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    material = rules.get_visible_material(user, public_id)
    if not rules.can_review(user, material):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_material(
                user,
                material,
                form.cleaned_data["action"],
                form.cleaned_data["reason"],
                good_practice=form.cleaned_data["good_practice"] if form.cleaned_data["action"] == "accept" else None,
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            if _htmx(request):
                return _panel(request, user, material, None, note=_("已保存审核结果。"))
            messages.success(request, _("已保存审核结果。"))
            return redirect(_next_url(request, material))
    if _htmx(request):
        return _panel(request, user, material, form)
    return render(request, "evidence/detail.html", _detail_context(user, material, review_form=form))


@require_POST
def good_practice(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    material = rules.get_visible_material(user, public_id)
    if not rules.can_review(user, material):
        raise PermissionDenied
    form = GoodPracticeForm(request.POST)
    form.is_valid()
    note = ""
    try:
        services.set_good_practice(user, material, bool(form.cleaned_data.get("flag")))
        note = _("已保存。")
    except ValidationError as exc:
        note = " ".join(exc.messages)
        if not _htmx(request):
            messages.error(request, note)
            return redirect(_next_url(request, material))
    if _htmx(request):
        return _panel(request, user, material, None, note=note)
    messages.success(request, note)
    return redirect(_next_url(request, material))


# ---------------------------------------------------------------------------------------------
# Inspection package


def _require_package_any(user: User) -> None:
    perms.require(user, Perm.EXPORT)
    perms.require(user, Perm.VIEW_EVIDENCE)


def package(request: HttpRequest) -> HttpResponse:
    """Choose the org (its subtree) and optionally a campaign and item, then download."""
    user = _user(request)
    _require_package_any(user)
    choices = [
        (o.public_id, o.name)
        for o in filter_orgs(user, str(request.GET.get("org") or ""))
        if rules.can_package(user, o)
    ]
    form = PackageForm(request.GET or None, user=user, org_ids=choices)
    if request.GET and form.is_valid():
        query = {k: form.cleaned_data[k] for k in ("campaign", "item") if form.cleaned_data.get(k)}
        url = reverse("evidence:package_org", args=[form.cleaned_data["org"]])
        return redirect(url + (f"?{urlencode(query)}" if query else ""))
    return render(request, "evidence/package.html", {"form": form})


def package_org(request: HttpRequest, org_id: str) -> StreamingHttpResponse:
    user = _user(request)
    _require_package_any(user)
    org = perms.get_org_for_user(user, org_id)
    if not rules.can_package(user, org):
        raise PermissionDenied
    campaign = get_campaign_for_user(user, str(request.GET["campaign"])) if request.GET.get("campaign") else None
    item = str(request.GET.get("item") or "")[:60]
    qs, originals = services.inspection_package(user, org, campaign=campaign, item=item)
    response = StreamingHttpResponse(pkg.stream_package(qs, originals=originals), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pkg.package_filename(org.name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass the zip on as it is made
    return response

"""Org tree pages: list, detail, create and edit, activation, the industry list and the import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.orgs import services
from safetymonth.orgs.forms import (
    ImportForm,
    IndustryAddForm,
    IndustryFormSet,
    OrgFilterForm,
    OrgForm,
    OrgProfileForm,
)
from safetymonth.orgs.models import ALLOWED_PARENT_KINDS, Industry, Org, OrgKind

PAGE_SIZE = 50
CHILDREN_PAGE_SIZE = 50
MAX_INDENT = 4


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _posted(request: HttpRequest) -> Any:
    """The POST data when the form was submitted (even empty), so that an empty form is bound and invalid."""
    return request.POST if request.method == "POST" else None


def _add_service_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: at the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _enterprise_counts(orgs: list[Org]) -> dict[int, int]:
    """Enterprises directly under each section in ``orgs`` (one grouped query on the parent index)."""
    section_ids = [o.pk for o in orgs if o.kind == OrgKind.SECTION]
    if not section_ids:
        return {}
    rows = (
        Org.objects.filter(parent_id__in=section_ids, kind=OrgKind.ENTERPRISE)
        .values("parent_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["parent_id"]: row["n"] for row in rows}


def _decorate(orgs: list[Org], base_depth: int) -> list[Org]:
    counts = _enterprise_counts(orgs)
    for org in orgs:
        org.indent = min(max(org.depth - base_depth, 0), MAX_INDENT)  # type: ignore[attr-defined]
        org.enterprise_count = counts.get(org.pk, 0) if org.kind == OrgKind.SECTION else None  # type: ignore[attr-defined]
    return orgs


SEARCH_LIMIT = 15


def org_search(request: HttpRequest) -> HttpResponse:
    """The org chooser's matches (htmx fragment): the first few active orgs in the user's scope for
    ``scope`` (a Perm value; unknown: the view scope) whose name, short name or credit code holds
    the text typed in the GET field named by ``field``. Nothing outside the scope, ever."""
    user = _user(request)
    try:
        scope: Perm | None = Perm(request.GET.get("scope", ""))
    except ValueError:
        scope = None
    field = request.GET.get("field", "q")[:60]
    text = request.GET.get(field, "").strip()[:100]
    orgs = []
    if text:
        orgs = list(
            Org.objects.for_user(user, scope)
            .active()
            .search(text)
            .only("public_id", "name", "kind")
            .order_by("path")[:SEARCH_LIMIT]
        )
    return render(request, "orgs/_search_results.html", {"orgs": orgs, "searched": bool(text)})


def org_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.VIEW_ORGS)
    filter_form = OrgFilterForm(request.GET)
    filters = filter_form.filters()
    orgs = Org.objects.for_user(user).select_related("parent", "industry")
    if filters.get("q"):
        orgs = orgs.search(filters["q"])
    if filters.get("kind"):
        orgs = orgs.filter(kind=filters["kind"])
    if filters.get("industry"):
        orgs = orgs.filter(industry=filters["industry"])
    if filters.get("active"):
        orgs = orgs.filter(is_active=filters["active"] == "1")
    if filters.get("incomplete"):
        orgs = orgs.incomplete()
    page = Paginator(orgs.order_by("path"), PAGE_SIZE).get_page(request.GET.get("page"))
    home = perms.home_orgs(user)
    base_depth = min((o.depth for o in home), default=0)
    ctx: dict[str, Any] = {
        "filter_form": filter_form,
        "filtered": bool(filters),
        "page": page,
        "orgs": _decorate(list(page.object_list), base_depth),
        "can_manage": perms.can(user, Perm.MANAGE_ORGS),
        "can_import": perms.can(user, Perm.IMPORT_ORGS),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "orgs/_org_table.html", ctx)
    return render(request, "orgs/org_list.html", ctx)


def org_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    org = perms.get_org_for_user(user, public_id, Perm.VIEW_ORGS)
    ancestors = [(a, perms.can(user, Perm.VIEW_ORGS, a)) for a in org.ancestors()]
    children_qs = org.children.select_related("industry").order_by("path")
    children = Paginator(children_qs, CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = perms.can(user, Perm.MANAGE_ORGS, org)
    child_kinds = [(k, label) for k, label in OrgKind.choices if org.kind in ALLOWED_PARENT_KINDS[k]]
    ctx = {
        "org": org,
        "ancestors": ancestors,
        "children": children,
        "child_orgs": _decorate(list(children.object_list), org.depth + 1),
        "member_count": org.memberships.values("user").distinct().count(),
        "kind_counts": [
            (OrgKind(row["kind"]).label, row["n"])
            for row in Org.objects.subtree(org).exclude(pk=org.pk).values("kind").annotate(n=Count("id")).order_by()
        ],
        "can_edit": perms.can(user, Perm.EDIT_OWN_ORG, org),
        "can_manage": can_manage,
        "child_kinds": child_kinds if can_manage and org.is_active else [],
    }
    return render(request, "orgs/org_detail.html", ctx)


def org_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.MANAGE_ORGS)
    initial = {k: request.GET[k] for k in ("parent", "kind") if request.GET.get(k)}
    form = OrgForm(_posted(request), user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        kind = data.pop("kind")
        try:
            org = services.create_org(user, kind=kind, parent=form.cleaned_data["parent"], **data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _('已新建"%(name)s"。') % {"name": org.name})
            return redirect("orgs:detail", org.public_id)
    return render(request, "orgs/org_form.html", {"form": form, "org": None, "full": True})


def org_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    org = perms.get_org_for_user(user, public_id, Perm.EDIT_OWN_ORG)
    full = perms.can(user, Perm.MANAGE_ORGS, org)
    form: OrgProfileForm = (
        OrgForm(_posted(request), org=org, user=user) if full else OrgProfileForm(_posted(request), org=org, user=user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            if full:
                services.edit_org(user, org, parent=form.cleaned_data.get("parent"), **data)
            else:
                services.update_org(user, org, **data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            org.refresh_from_db()
        else:
            messages.success(request, _("单位信息已保存。"))
            return redirect("orgs:detail", org.public_id)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "full": full})


@require_POST
def org_toggle_active(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    org = perms.get_org_for_user(user, public_id, Perm.MANAGE_ORGS)
    try:
        services.set_org_active(user, org, active=not org.is_active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if org.is_active:
            messages.success(request, _('已启用"%(name)s"。') % {"name": org.name})
        else:
            messages.success(request, _('已停用"%(name)s"。') % {"name": org.name})
    return redirect("orgs:detail", org.public_id)


def industry_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.MANAGE_ORGS)
    industries = list(Industry.objects.order_by("sort_order", "name").annotate(n_orgs=Count("orgs")))
    by_code = {i.code: i for i in industries}
    initial = [
        {"code": i.code, "name": i.name, "sort_order": i.sort_order, "is_active": i.is_active} for i in industries
    ]
    data = _posted(request)
    formset = IndustryFormSet(data, initial=initial, prefix="ind")
    add_form = IndustryAddForm(data, prefix="new")
    if request.method == "POST" and formset.is_valid() and add_form.is_valid():
        rows: list[tuple[Industry | None, dict[str, Any]]] = [
            (by_code[f.cleaned_data["code"]], {k: f.cleaned_data[k] for k in ("name", "sort_order", "is_active")})
            for f in formset.forms
            if f.cleaned_data.get("code") in by_code
        ]
        if add_form.cleaned_data.get("name"):
            next_order = max((i.sort_order for i in industries), default=0) + 10
            rows.append(
                (None, {**add_form.cleaned_data, "sort_order": add_form.cleaned_data["sort_order"] or next_order})
            )
        try:
            counts = services.save_industries(user, rows)
        except ValidationError as exc:
            _add_service_errors(add_form, exc)
        else:
            messages.success(request, _("行业列表已保存：新增 %(created)s 个，修改 %(updated)s 个。") % counts)
            return redirect("orgs:industries")
    rows_view = list(zip(formset.forms, industries, strict=False))
    return render(
        request,
        "orgs/industries.html",
        {"formset": formset, "add_form": add_form, "rows": rows_view},
    )


def org_import(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.IMPORT_ORGS)
    form = ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_enterprises(user, upload, upload.name, dry_run=form.cleaned_data["dry_run"])
        if result.ok and not result.dry_run:
            messages.success(request, _("导入完成。") + result.summary())
            return redirect("orgs:list")
    return render(request, "orgs/import.html", {"form": form, "result": result})


def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.IMPORT_ORGS)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    content, content_type, _filename = services.import_template(user, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"监管企业导入模板.{fmt}")
    return response

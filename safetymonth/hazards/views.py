"""Hazard pages: the ledger (filters, paging), register (full and quick on a phone), the hazard page
(timeline, photos before/after side by side), plan, start, rectification, verification,
supervision; exposure cases for the office. Thin views: access via hazards.permissions, one service
call each; exports and statistics in views_exports.py, the public pages in views_public.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import Campaign
from safetymonth.evidence.models import HazardPhase, Material
from safetymonth.hazards import permissions as hz_perms
from safetymonth.hazards import services
from safetymonth.hazards.forms import (
    CaseForm,
    FilterForm,
    HazardForm,
    NewCaseForm,
    PlanForm,
    QuickHazardForm,
    RectifyForm,
    SuperviseForm,
    VerifyForm,
    VersionForm,
)
from safetymonth.hazards.models import PLAN_FIELDS, ExposureCase, FoundBy, Hazard, HazardStatus
from safetymonth.hazards.queries import filtered_ledger
from safetymonth.orgs.models import Industry, Org

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: at its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _concurrent(request: HttpRequest, hazard: Hazard) -> HttpResponse:
    messages.error(request, _("这条隐患刚被其他人修改过，请查看最新内容后再操作。"))
    return redirect("hazards:detail", hazard.public_id)


def photo_campaign(user: User) -> Campaign | None:
    """The campaign a hazard's photos are filed under (the evidence pipeline files every material
    under a campaign): the newest published campaign the user sees."""
    return Campaign.objects.for_user(user).published().order_by("-year", "code").first()


# ---------------------------------------------------------------------------------------------
# Ledger


def hazard_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.VIEW_HAZARDS)
    industries = list(Industry.objects.filter(is_active=True))
    form = FilterForm(request.GET or None, industries=industries)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = filtered_ledger(user, data)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for h in page.object_list:
        h.overdue = h.is_overdue(today)
    return render(
        request,
        "hazards/list.html",
        {
            "form": form,
            "page": page,
            "filtering": bool(data) or bool(form.errors),
            "can_register": perms.can(user, Perm.REGISTER_HAZARDS),
            "can_export": True,
            "can_expose": perms.can(user, Perm.PUBLISH_EXPOSURE),
        },
    )


# ---------------------------------------------------------------------------------------------
# Register


def _register_org(request: HttpRequest, user: User, form: Any, ask_org: bool) -> Org | None:
    """The org the hazard is registered in: the user's own when they register only there, else the
    one matching the search text (exactly one visible org where the user may register)."""
    if not ask_org:
        own = [o for o in perms.home_orgs(user) if hz_perms.can_register(user, o)]
        return own[0] if own else None
    text = form.cleaned_data.get("org", "")
    matches = [
        o
        for o in Org.objects.for_user(user, Perm.REGISTER_HAZARDS)
        .filter(is_active=True)
        .search(text)
        .order_by("path")[:6]
        if o.kind != "authority"
    ]
    exact = [o for o in matches if o.name == text.strip() or o.credit_code == text.strip().upper()]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        form.add_error("org", _("没有找到名为“%(text)s”的单位，或您不能为该单位登记隐患。") % {"text": text})
    else:
        form.add_error(
            "org", _("有多个单位符合：%(names)s。请输入完整名称。") % {"names": "、".join(o.name for o in matches[:5])}
        )
    return None


def _asks_org(user: User) -> bool:
    """A section's staff register in the enterprises they supervise; an enterprise's only in its own."""
    return any(o.kind != "enterprise" for o in perms.home_orgs(user) if perms.can(user, Perm.REGISTER_HAZARDS, o))


def _register(request: HttpRequest, form_class: type[HazardForm], template: str) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.REGISTER_HAZARDS)
    ask_org = _asks_org(user)
    form = form_class(request.POST or None, ask_org=ask_org)
    if request.method == "POST" and form.is_valid():
        org = _register_org(request, user, form, ask_org)
        if org is not None:
            data = form.cleaned_data
            found_by = data.get("found_by") or (
                FoundBy.INSPECTION if org.kind == "enterprise" and ask_org else FoundBy.SELF
            )
            try:
                hazard = services.register_hazard(
                    user,
                    org,
                    found_by=found_by,
                    found_on=data["found_on"],
                    place=data["place"],
                    description=data["description"],
                    category=data["category"],
                    level=data["level"],
                    measures=data.get("measures", ""),
                    responsible=data.get("responsible", ""),
                    deadline=data.get("deadline"),
                    funds=data.get("funds"),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied:
                form.add_error("org" if ask_org else None, _("您不能为该单位登记隐患。"))
            else:
                messages.success(request, _("隐患已登记。请上传整改前的照片。"))
                return redirect("hazards:detail", hazard.public_id)
    return render(request, template, {"form": form, "ask_org": ask_org})


def hazard_register(request: HttpRequest) -> HttpResponse:
    return _register(request, HazardForm, "hazards/form.html")


def hazard_quick(request: HttpRequest) -> HttpResponse:
    """Phone-first: a few fields, then the hazard's page opens with the camera button on top."""
    return _register(request, QuickHazardForm, "hazards/quick.html")


# ---------------------------------------------------------------------------------------------
# The hazard's page and its steps


def hazard_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    hazard = hz_perms.get_hazard_for_user(user, public_id)
    photos = (
        list(Material.objects.for_user(user).filter(hazard=hazard).order_by("created_at", "pk"))
        if perms.can(user, Perm.VIEW_EVIDENCE, hazard.org)
        else []
    )
    before = [m for m in photos if m.hazard_phase == HazardPhase.BEFORE]
    after = [m for m in photos if m.hazard_phase == HazardPhase.AFTER]
    can_rectify = hz_perms.can_rectify(user, hazard)
    can_verify = hz_perms.can_verify(user, hazard)
    can_photo = hz_perms.can_add_photos(user, hazard) and not hazard.is_closed
    campaign = photo_campaign(user) if can_photo else None
    return render(
        request,
        "hazards/detail.html",
        {
            "hazard": hazard,
            "history": hazard.history.select_related("actor").all(),
            "before": before,
            "after": after,
            "overdue": hazard.is_overdue(),
            "plan": [(label, getattr(hazard, name)) for name, label in PLAN_FIELDS],
            "missing_plan": hazard.missing_plan_parts() if hazard.is_major else [],
            "can_plan": hz_perms.can_plan(user, hazard)
            and hazard.status in (HazardStatus.REGISTERED, HazardStatus.RECTIFYING),
            "can_start": can_rectify and hazard.status == HazardStatus.REGISTERED,
            "can_rectify": can_rectify and hazard.status == HazardStatus.RECTIFYING,
            "can_verify": can_verify and hazard.status == HazardStatus.AWAITING,
            "own_rectification": hazard.rectified_by_id == user.pk,
            "can_supervise": hz_perms.can_supervise(user, hazard) and hazard.is_major,
            "can_expose": perms.can(user, Perm.PUBLISH_EXPOSURE, hazard.org),
            "photo_campaign": campaign,
            "photo_phase": HazardPhase.AFTER
            if hazard.status in (HazardStatus.RECTIFYING, HazardStatus.AWAITING)
            else HazardPhase.BEFORE,
            "version_form": VersionForm(initial={"version": hazard.version}),
        },
    )


def hazard_plan(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    hazard = hz_perms.get_hazard_for_user(user, public_id)
    hz_perms.require(hz_perms.can_plan(user, hazard))
    initial = {name: getattr(hazard, name) for name in services.PLAN_EDIT_FIELDS}
    form = PlanForm(request.POST or None, initial={**initial, "version": hazard.version}, major=hazard.is_major)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.PLAN_EDIT_FIELDS}
        try:
            services.set_plan(user, hazard, form.cleaned_data["version"], **data)
        except services.ConcurrentEdit:
            form.add_error(None, _("这条隐患刚被其他人修改过，请刷新页面后再保存。"))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("hazards:detail", hazard.public_id)
    return render(request, "hazards/step.html", {"hazard": hazard, "form": form, "step": "plan"})


@require_POST
def hazard_start(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    hazard = hz_perms.get_hazard_for_user(user, public_id)
    hz_perms.require(hz_perms.can_rectify(user, hazard))
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _concurrent(request, hazard)
    try:
        services.start_rectification(user, hazard, form.cleaned_data["version"])
    except services.ConcurrentEdit:
        return _concurrent(request, hazard)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("hazards:plan" if hz_perms.can_plan(user, hazard) else "hazards:detail", hazard.public_id)
    messages.success(request, _("已开始整改。"))
    return redirect("hazards:detail", hazard.public_id)


def hazard_rectify(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    hazard = hz_perms.get_hazard_for_user(user, public_id)
    hz_perms.require(hz_perms.can_rectify(user, hazard))
    form = RectifyForm(request.POST or None, initial={"version": hazard.version, "rectified_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_rectification(
                user,
                hazard,
                form.cleaned_data["version"],
                rectified_on=form.cleaned_data["rectified_on"],
                note=form.cleaned_data["note"],
            )
        except services.ConcurrentEdit:
            form.add_error(None, _("这条隐患刚被其他人修改过，请刷新页面后再保存。"))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("整改情况已记录，等待验收。"))
            return redirect("hazards:detail", hazard.public_id)
    return render(request, "hazards/step.html", {"hazard": hazard, "form": form, "step": "rectify"})


def hazard_verify(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    hazard = hz_perms.get_hazard_for_user(user, public_id)
    hz_perms.require(hz_perms.can_verify(user, hazard))
    form = VerifyForm(request.POST or None, initial={"version": hazard.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_hazard(
                user,
                hazard,
                form.cleaned_data["version"],
                passed=form.cleaned_data["result"] == "pass",
                reason=form.cleaned_data["reason"],
            )
        except services.ConcurrentEdit:
            form.add_error(None, _("这条隐患刚被其他人修改过，请刷新页面后再保存。"))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("验收结果已记录。"))
            return redirect("hazards:detail", hazard.public_id)
    status = 422 if form.errors else 200
    return render(request, "hazards/step.html", {"hazard": hazard, "form": form, "step": "verify"}, status=status)


@require_POST
def hazard_supervise(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    hazard = hz_perms.get_hazard_for_user(user, public_id)
    hz_perms.require(hz_perms.can_supervise(user, hazard))
    form = SuperviseForm(request.POST)
    form.is_valid()
    try:
        services.supervise_hazard(
            user,
            hazard,
            supervised=form.cleaned_data.get("supervised", False),
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已挂牌督办。") if hazard.supervised else _("已解除挂牌督办。"))
    return redirect("hazards:detail", hazard.public_id)


# ---------------------------------------------------------------------------------------------
# Exposure cases (the office)


def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.PUBLISH_EXPOSURE)
    cases = ExposureCase.objects.for_user(user).select_related("org").order_by("-updated_at")[:200]
    return render(request, "hazards/cases.html", {"cases": cases})


@require_POST
def case_create(request: HttpRequest, public_id: str) -> HttpResponse:
    """A draft case from a hazard: its description as the first public text (to be edited)."""
    user = _user(request)
    hazard = hz_perms.get_hazard_for_user(user, public_id)
    perms.require(user, Perm.PUBLISH_EXPOSURE, hazard.org)
    case = services.create_case(
        user,
        hazard.org,
        hazard=hazard,
        title=_("%(org)s%(category)s隐患") % {"org": hazard.org.name, "category": hazard.category.name},
        public_text=hazard.description,
    )
    return redirect("hazards:case_edit", case.public_id)


def case_new(request: HttpRequest) -> HttpResponse:
    """The office writes a case of its own (a problem seen without a registered hazard)."""
    user = _user(request)
    perms.require(user, Perm.PUBLISH_EXPOSURE)
    form = NewCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["org"].strip()
        matches = list(
            Org.objects.for_user(user, Perm.PUBLISH_EXPOSURE).filter(is_active=True).search(text).order_by("path")[:6]
        )
        exact = [o for o in matches if o.name == text]
        if len(exact) == 1 or len(matches) == 1:
            case = services.create_case(
                user,
                (exact or matches)[0],
                title=form.cleaned_data["title"],
                public_text=form.cleaned_data["public_text"],
            )
            return redirect("hazards:case_edit", case.public_id)
        if matches:
            form.add_error(
                "org",
                _("有多个单位符合：%(names)s。请输入完整名称。") % {"names": "、".join(o.name for o in matches[:5])},
            )
        else:
            form.add_error("org", _("没有找到名为“%(text)s”的单位。") % {"text": text})
    return render(request, "hazards/case_new.html", {"form": form})


def _photo_choices(case: ExposureCase) -> list[tuple[str, str]]:
    if case.hazard_id is None:
        return []
    photos = Material.objects.filter(hazard_id=case.hazard_id, kind="image").exclude(served_file="")
    return [(m.public_id, f"{m.get_hazard_phase_display()}：{m.title}") for m in photos.order_by("created_at")]


def case_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    case = hz_perms.get_case_for_user(user, public_id)
    choices = _photo_choices(case)
    initial = {
        "version": case.version,
        "title": case.title,
        "public_text": case.public_text,
        "photos": list(case.photos.values_list("public_id", flat=True)),
    }
    form = CaseForm(request.POST or None, initial=initial, photo_choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = list(Material.objects.filter(public_id__in=form.cleaned_data["photos"]))
        try:
            services.update_case(
                user,
                case,
                form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                public_text=form.cleaned_data["public_text"],
                photos=chosen,
            )
        except services.ConcurrentEdit:
            form.add_error(None, _("这个案例刚被其他人修改过，请刷新页面后再保存。"))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("hazards:case_edit", case.public_id)
    text = form.data.get("public_text", case.public_text) if form.is_bound else case.public_text
    title = form.data.get("title", case.title) if form.is_bound else case.title
    return render(
        request,
        "hazards/case_edit.html",
        {"case": case, "form": form, "warnings": services.text_warnings(f"{title}\n{text}")},
    )


def _case_action(request: HttpRequest, public_id: str, action: Any, done: str) -> HttpResponse:
    """Publish or withdraw a case: the service's refusals become messages on the case's editor."""
    user = _user(request)
    case = hz_perms.get_case_for_user(user, public_id)
    try:
        action(user, case)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("hazards:case_edit", case.public_id)


@require_POST
def case_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    return _case_action(request, public_id, services.publish_case, _("已发布，公众可以在“隐患曝光”页面看到。"))


@require_POST
def case_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    return _case_action(request, public_id, services.withdraw_case, _("已撤回，公开页面不再显示。"))

"""Campaign pages: the list, a campaign's page, copy into next year's draft, the editor (htmx inline
edits, each saved through ``services.edit_definition``), the form preview with a try-out, publish,
close and the definition file download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns import services
from safetymonth.campaigns.definition import DefinitionError, Problem, format_path
from safetymonth.campaigns.forms import (
    CopyForm,
    EditForm,
    EssentialsForm,
    EventTypeForm,
    ExpectedOrgForm,
    ExpectedRuleForm,
    IndicatorAddForm,
    PublishForm,
    ReportFormAddForm,
    RoundForm,
    VersionForm,
)
from safetymonth.campaigns.models import Campaign, CampaignStatus, IndicatorKind, Round, RoundOrgChoice
from safetymonth.campaigns.office import SECTIONS, Section, countdown, editable, form_index, next_round
from safetymonth.campaigns.permissions import can_on_campaign, get_campaign_for_user
from safetymonth.orgs.models import Org, OrgKind


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _rounds_with_countdowns(campaign: Campaign) -> list[tuple[Any, Any]]:
    now = timezone.now()
    return [(r, countdown(r.deadline, now)) for r in campaign.rounds.select_related("form", "report_to")]


# ---------------------------------------------------------------------------------------------
# List and campaign page


def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    campaigns = list(
        Campaign.objects.for_user(user)
        .select_related("issuing_org")
        .prefetch_related("rounds")
        .order_by("-year", "code")
    )
    now = timezone.now()
    rows = []
    for c in campaigns:
        rnd = next_round(c, now)
        rows.append((c, rnd, countdown(rnd.deadline, now) if rnd else None))
    return render(
        request,
        "campaigns/campaign_list.html",
        {"rows": rows, "can_manage": perms.can(user, Perm.MANAGE_CAMPAIGNS)},
    )


def campaign_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    campaign = get_campaign_for_user(user, public_id)
    can_manage = can_on_campaign(user, Perm.MANAGE_CAMPAIGNS, campaign)
    ctx: dict[str, Any] = {
        "campaign": campaign,
        "can_manage": can_manage,
        "rounds": _rounds_with_countdowns(campaign),
        "forms": list(campaign.forms.all()),
    }
    if can_manage:
        ctx["copy_form"] = CopyForm(initial=_copy_initial(campaign))
        if campaign.status == CampaignStatus.DRAFT:
            ctx["publish_errors"], ctx["publish_warnings"] = services.publish_problems(campaign)
    return render(request, "campaigns/campaign_detail.html", ctx)


def _copy_initial(campaign: Campaign) -> dict[str, Any]:
    year = campaign.year + 1
    code = campaign.code.replace(str(campaign.year), str(year)) if str(campaign.year) in campaign.code else ""
    return {"code": code, "year": year, "title": campaign.title.replace(str(campaign.year), str(year))}


def campaign_copy(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    source = get_campaign_for_user(user, public_id, Perm.MANAGE_CAMPAIGNS)
    form = CopyForm(request.POST if request.method == "POST" else None, initial=_copy_initial(source))
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            campaign = services.copy_campaign(user, source, cd["code"], cd["year"], cd["title"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("已复制为草稿“%(title)s”：请修改发文字号、日期等内容后发布。") % {"title": campaign.title}
            )
            return redirect("campaigns:edit", campaign.public_id)
    return render(request, "campaigns/campaign_copy.html", {"campaign": source, "form": form})


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def definition_yaml(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    campaign = get_campaign_for_user(user, public_id, Perm.MANAGE_CAMPAIGNS)
    text = services.export_definition(user, campaign)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{campaign.code}.yaml")
    return response


# ---------------------------------------------------------------------------------------------
# Preview


def campaign_preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """The form as a reporter sees it; a POST checks what was typed (nothing is saved)."""
    user = _user(request)
    campaign = get_campaign_for_user(user, public_id)
    forms = list(campaign.forms.all())
    if not forms:
        raise Http404
    form = forms[0]
    if request.GET.get("form"):
        form = next((f for f in forms if f.code == request.GET["form"]), form)
    check = None
    if request.method == "POST":
        # "try it" checks what was typed and the rules; "as on submit" also wants every required blank
        full = request.POST.get("check") == "submit"
        check = services.check_values(form, request.POST, enforce_required=full)
    return render(
        request,
        "campaigns/campaign_preview.html",
        {
            "campaign": campaign,
            "form": form,
            "forms": forms,
            "check": check,
            "can_manage": can_on_campaign(user, Perm.MANAGE_CAMPAIGNS, campaign),
        },
    )


# ---------------------------------------------------------------------------------------------
# Publish and close


def _status_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    user = _user(request)
    campaign = get_campaign_for_user(user, public_id, Perm.MANAGE_CAMPAIGNS)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("页面已过期，请刷新后再试。"))
        return redirect("campaigns:detail", campaign.public_id)
    version = form.cleaned_data["version"]
    try:
        if action == "publish":
            _errors, warnings = services.publish_problems(campaign)
            if warnings and not form.cleaned_data["confirm_warnings"]:
                messages.warning(request, _("请确认以下提示后再发布：") + "；".join(warnings))
                return redirect("campaigns:detail", campaign.public_id)
            services.publish_campaign(user, campaign, expected_version=version)
            messages.success(request, _("活动已发布，统计表结构已锁定。"))
        else:
            services.close_campaign(user, campaign, expected_version=version)
            messages.success(request, _("活动已结束。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("campaigns:detail", campaign.public_id)


@require_POST
def campaign_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    return _status_action(request, public_id, "publish")


@require_POST
def campaign_close(request: HttpRequest, public_id: str) -> HttpResponse:
    return _status_action(request, public_id, "close")


# ---------------------------------------------------------------------------------------------
# A round's expected reporters


EXPECTED_SHOWN = 200
SEARCH_SHOWN = 20


def _round(campaign: Campaign, round_code: str) -> Round:
    rnd = campaign.rounds.select_related("campaign", "campaign__issuing_org", "report_to", "form").filter(
        code=round_code
    )
    found = rnd.first()
    if found is None:
        raise Http404
    return found


def round_detail(request: HttpRequest, public_id: str, round_code: str) -> HttpResponse:
    """The round: who is expected to report (the rule, the office's choices, the orgs and their
    count) and, for the office, the form to change it with a search field for single orgs."""
    user = _user(request)
    campaign = get_campaign_for_user(user, public_id)
    rnd = _round(campaign, round_code)
    can_manage = can_on_campaign(user, Perm.MANAGE_CAMPAIGNS, campaign) and campaign.status != CampaignStatus.CLOSED
    return render(request, "campaigns/round_detail.html", _round_context(request, user, campaign, rnd, can_manage))


def _round_context(
    request: HttpRequest, user: User, campaign: Campaign, rnd: Round, can_manage: bool, rule_form: Any = None
) -> dict[str, Any]:
    expected = Org.objects.for_user(user).filter(pk__in=rnd.expected_orgs().values("pk")).order_by("path")
    ctx: dict[str, Any] = {
        "campaign": campaign,
        "round": rnd,
        "can_manage": can_manage,
        "expected": list(expected[:EXPECTED_SHOWN]),
        "expected_count": expected.count(),
        "kind_labels": dict(OrgKind.choices),
    }
    if can_manage:
        ctx["choices"] = list(
            RoundOrgChoice.objects.filter(round=rnd, org__in=Org.objects.for_user(user))
            .select_related("org")
            .order_by("org__path")
        )
        ctx["rule_form"] = rule_form or ExpectedRuleForm(
            initial={"expected_kinds": rnd.expected_kinds, "responsible_sections_only": rnd.responsible_sections_only}
        )
        q = request.GET.get("q", "").strip()[:100]
        ctx["q"] = q
        if q and campaign.issuing_org is not None:
            found = list(
                Org.objects.for_user(user, Perm.MANAGE_CAMPAIGNS)
                .subtree(campaign.issuing_org)
                .active()
                .search(q)
                .order_by("path")[:SEARCH_SHOWN]
            )
            expected_ids = set(rnd.expected_orgs().filter(pk__in=[o.pk for o in found]).values_list("pk", flat=True))
            ctx["found"] = [(o, o.pk in expected_ids) for o in found]
    return ctx


@require_POST
def round_expected(request: HttpRequest, public_id: str, round_code: str) -> HttpResponse:
    """Change the round's rule (kinds, 安全生产责任科室) or one org's inclusion/exclusion."""
    user = _user(request)
    campaign = get_campaign_for_user(user, public_id, Perm.MANAGE_CAMPAIGNS)
    rnd = _round(campaign, round_code)
    back = reverse("campaigns:round", args=[campaign.public_id, rnd.code])
    try:
        if "org" in request.POST:
            form = ExpectedOrgForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请求无效，请刷新页面后再试。"))
            org = Org.objects.for_user(user, Perm.MANAGE_CAMPAIGNS).filter(public_id=form.cleaned_data["org"]).first()
            if org is None:
                raise Http404
            services.choose_expected_org(user, rnd, org, form.cleaned_data["choice"])
            q = request.POST.get("q", "").strip()[:100]
            if q:
                back += "?" + urlencode({"q": q})
        else:
            rule = ExpectedRuleForm(request.POST)
            if not rule.is_valid():
                ctx = _round_context(request, user, campaign, rnd, True, rule_form=rule)
                return render(request, "campaigns/round_detail.html", ctx, status=400)
            services.set_expected_rule(
                user, rnd, rule.cleaned_data["expected_kinds"], rule.cleaned_data["responsible_sections_only"]
            )
        messages.success(request, _("填报单位已更新。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(back)


# ---------------------------------------------------------------------------------------------
# The editor


def _editable_campaign(request: HttpRequest, public_id: str) -> Campaign:
    campaign = get_campaign_for_user(_user(request), public_id, Perm.MANAGE_CAMPAIGNS)
    if not editable(campaign):
        raise PermissionDenied(_("活动已结束，不能再修改。"))
    return campaign


def _org_names(campaign: Campaign) -> list[str]:
    """Orgs a round may report to: the issuing org and the sections and institutions under it."""
    if campaign.issuing_org is None:
        return []
    orgs = (
        Org.objects.subtree(campaign.issuing_org)
        .active()
        .filter(kind__in=[OrgKind.AUTHORITY, OrgKind.SECTION, OrgKind.INSTITUTION])
        .order_by("path")
    )
    return [o.name for o in orgs[:200]]


def _form_kwargs(campaign: Campaign, section: Section | None, data: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"published": campaign.status == CampaignStatus.PUBLISHED, "campaign": campaign}
    if section is not None and section.form_class is RoundForm:
        kwargs["form_codes"] = [(f["code"], f["title"]) for f in data["forms"]]
        kwargs["org_names"] = _org_names(campaign)
    if section is not None and section.form_class is EventTypeForm:
        kwargs["indicator_choices"] = [
            (ind["code"], ind["label"])
            for f in data["forms"]
            for it in f["items"]
            for ind in it["indicators"]
            if ind["kind"] == "integer"
        ]
    return kwargs


def _form_query(data: dict[str, Any], index: int) -> str:
    """``?form=<code>`` for the form at ``index`` (empty for the first form: its URLs stay as they were)."""
    if index <= 0 or index >= len(data["forms"]):
        return ""
    return "?" + urlencode({"form": data["forms"][index]["code"]})


def _chosen_form(request: HttpRequest, data: dict[str, Any]) -> int:
    """The form chosen with ``?form=<code>`` (the first without it); 404 for a code the campaign has not."""
    index = form_index(data, request.GET.get("form"))
    if index is None:
        raise Http404(_("该活动没有这张统计表。"))
    return index


def _editor_url(campaign: Campaign, data: dict[str, Any], form: int, anchor: str = "") -> str:
    return (
        reverse("campaigns:edit", args=[campaign.public_id])
        + _form_query(data, form)
        + (f"#{anchor}" if anchor else "")
    )


def _editor_context(campaign: Campaign, form_code: str | None = None) -> dict[str, Any]:
    data = services.campaign_to_data(campaign)
    status = campaign.status
    index = form_index(data, form_code)
    if index is None:  # the form was removed meanwhile: show the first
        index = 0
    form = data["forms"][index] if data["forms"] else None
    used = {r["form"] for r in data["rounds"]}
    return {
        "campaign": campaign,
        "data": data,
        "dform": form,
        "form_index": index,
        "form_q": _form_query(data, index),
        "form_used": form is not None and form["code"] in used,
        "editor_url": reverse("campaigns:edit", args=[campaign.public_id]) + _form_query(data, index),
        "form_rounds": [r["name"] for r in data["rounds"] if form is not None and r["form"] == form["code"]],
        "sections": SECTIONS,
        "section_perms": {
            key: {
                "add": s.can_add(campaign),
                "edit": s.can_edit(campaign),
                "move": s.movable and s.can_add(campaign),
            }
            for key, s in SECTIONS.items()
        },
        "structure_locked": status != CampaignStatus.DRAFT,
        "kind_labels": dict(OrgKind.choices),
        "indicator_kinds": dict(IndicatorKind.choices),
    }


def campaign_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, public_id)
    code = request.GET.get("form")
    ctx = _editor_context(campaign, code)
    if code and (ctx["dform"] is None or ctx["dform"]["code"] != code):
        raise Http404(_("该活动没有这张统计表。"))
    return render(request, "campaigns/campaign_edit.html", ctx)


def _editor_response(
    request: HttpRequest, campaign: Campaign, anchor: str, message: str, form_code: str | None = None
) -> HttpResponse:
    """After a saved edit: htmx gets the whole editor again (every form has the new version);
    without JS the browser goes back to the editor at the changed place (of the chosen form)."""
    if _htmx(request):
        ctx = _editor_context(campaign, form_code)
        ctx["saved_message"] = message
        ctx["saved_anchor"] = anchor
        response = render(request, "campaigns/_editor.html", ctx)
        response["HX-Retarget"] = "#campaign-editor"
        response["HX-Reswap"] = "outerHTML"
        if form_code:
            # the address bar keeps the chosen form (shareable, and a reload shows it again)
            response["HX-Replace-Url"] = ctx["editor_url"]
        return response
    messages.success(request, message)
    data = services.campaign_to_data(campaign)
    return redirect(_editor_url(campaign, data, form_index(data, form_code) or 0, anchor))


def _problems_to_form(form: EditForm, problems: list[Problem], prefixes: list[str]) -> None:
    """Show each definition problem at the field it concerns (else above the form)."""
    for problem in problems:
        placed = False
        for prefix in prefixes:
            if prefix == "" or problem.path == prefix or problem.path.startswith((prefix + ".", prefix + "[")):
                relative = problem.path[len(prefix) :].lstrip(".") if prefix else problem.path
                name = form.field_for(relative, problem.message)
                if name and name in form.fields and not form.fields[name].disabled:
                    form.add_error(name, problem.message)
                    placed = True
                    break
        if not placed:
            form.add_error(None, str(problem))


def _stale_message(campaign: Campaign, seen: int) -> str:
    """Refused because someone saved in between (reloads ``campaign``)."""
    campaign.refresh_from_db()
    return _("该活动已被他人修改，请刷新后再改（当前版本 %(now)d，您看到的是版本 %(seen)d）。") % {
        "now": campaign.version,
        "seen": seen,
    }


def _save(
    request: HttpRequest,
    campaign: Campaign,
    form: EditForm,
    edit: services.DefinitionEdit,
    prefixes: list[str],
) -> dict[str, Any] | None:
    """Save ``edit``; None when saved, else extra context for showing the form again."""
    try:
        services.edit_definition(_user(request), campaign, edit, expected_version=form.cleaned_data["version"])
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale":
            form.add_error(
                None,
                _stale_message(campaign, form.cleaned_data["version"])
                + " "
                + _("下面是当前保存的内容；若仍要用您填写的内容覆盖，请再点“保存”。"),
            )
            # the next "save" is made against the version now shown
            bound = form.data.copy()
            bound["version"] = str(campaign.version)
            form.data = bound
            return {"stale": True, "current": services.campaign_to_data(campaign)}
        _add_errors(form, exc)
    except DefinitionError as exc:
        _problems_to_form(form, exc.problems, prefixes)
    except (IndexError, KeyError):
        form.add_error(None, _("要修改的内容已不存在：该活动已被他人修改，请刷新后再改。"))
    else:
        return None
    return {}


def _render_form(request: HttpRequest, campaign: Campaign, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
    ctx.setdefault("campaign", campaign)
    template = "campaigns/_edit_form.html" if _htmx(request) else "campaigns/edit_form_page.html"
    return render(request, template, ctx, status=status)


def edit_essentials(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, public_id)
    data = services.campaign_to_data(campaign)
    initial = {**EssentialsForm.initial_from(data), "version": campaign.version}
    kwargs = _form_kwargs(campaign, None, data)
    form = EssentialsForm(request.POST if request.method == "POST" else None, initial=initial, **kwargs)
    ctx: dict[str, Any] = {
        "form": form,
        "title": _("基本信息"),
        "action": reverse("campaigns:edit_essentials", args=[campaign.public_id]),
        "anchor": "essentials",
        "current_text": None,
    }
    if request.method == "POST" and form.is_valid():
        value = form.to_value()
        if campaign.status != CampaignStatus.DRAFT:
            value.pop("year", None)
        extra = _save(request, campaign, form, services.DefinitionEdit("update", (), value), [""])
        if extra and extra.get("stale"):
            extra["current_text"] = _differences(form, extra["current"])
        if extra is None:
            return _editor_response(request, campaign, "essentials", _("基本信息已保存。"))
        ctx.update(extra)
    return _render_form(request, campaign, ctx)


def _section(key: str, item: int | None) -> Section:
    section = SECTIONS.get(key)
    if section is None or (key == "indicators") != (item is not None):
        raise Http404
    return section


def _entry_label(section: Section, entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    for key in ("title", "label", "name", "message", "description", "code"):
        if entry.get(key):
            return str(entry[key])
    return ""


def row_edit(request: HttpRequest, public_id: str, section: str, index: int, item: int | None = None) -> HttpResponse:
    campaign = _editable_campaign(request, public_id)
    spec = _section(section, item)
    if not spec.can_edit(campaign):
        raise PermissionDenied(_("活动已发布，统计表结构已锁定。"))
    data = services.campaign_to_data(campaign)
    fi = _chosen_form(request, data) if spec.per_form else 0
    try:
        entries = spec.entries(data, item, fi)
        entry = entries[index]
    except (IndexError, KeyError):
        raise Http404 from None
    path = (*spec.list_path(item, fi), index)
    form_code = _form_code(data, spec, fi, index)
    initial = {**spec.form_class.initial_from(entry), "version": campaign.version}
    form = spec.form_class(
        request.POST if request.method == "POST" else None, initial=initial, **_form_kwargs(campaign, spec, data)
    )
    ctx: dict[str, Any] = {
        "form": form,
        "title": _("修改%(what)s") % {"what": spec.title},
        "action": request.get_full_path(),
        "form_q": _form_query(data, fi),
        "anchor": _anchor(spec, item),
        "section": spec,
        "marker_codes": _marker_codes(spec, entry),
    }
    if request.method == "POST" and form.is_valid():
        value = form.to_value()
        op = "set" if not isinstance(entry, dict) else "update"
        if isinstance(value, dict) and campaign.status != CampaignStatus.DRAFT:
            value = {k: v for k, v in value.items() if k not in form.LOCKED_WHEN_PUBLISHED}
        prefixes = [format_path(path)]
        if spec.key == "indicators":
            prefixes.append(format_path(path[:-2]))
        extra = _save(request, campaign, form, services.DefinitionEdit(op, path, value), prefixes)
        if extra and extra.get("stale"):
            extra["current_text"] = _current_text(spec, extra["current"], item, index, form, fi)
        if extra is None:
            return _editor_response(
                request,
                campaign,
                ctx["anchor"],
                _("已保存%(what)s“%(label)s”。") % {"what": spec.title, "label": _entry_label(spec, value)},
                form_code,
            )
        ctx.update(extra)
    return _render_form(request, campaign, ctx)


def _form_code(data: dict[str, Any], spec: Section, form: int, index: int | None = None) -> str | None:
    """The code of the form an edit of ``spec`` concerns (to show that form again afterwards)."""
    if spec.key == "forms" and index is not None:
        form = index
    if not (spec.per_form or spec.key == "forms") or not 0 <= form < len(data["forms"]):
        return None
    return str(data["forms"][form]["code"])


def _marker_codes(spec: Section, entry: Any) -> list[str]:
    if spec.key == "items":
        return [i["code"] for i in entry["indicators"]]
    return []


def _current_text(
    spec: Section,
    data: dict[str, Any],
    item: int | None,
    index: int,
    form: EditForm | None = None,
    form_at: int = 0,
) -> str:
    """The entry as now saved (shown next to a refused edit)."""
    try:
        entry = spec.entries(data, item, form_at)[index]
    except (IndexError, KeyError):
        return _("（该条目已被删除）")
    if form is not None:
        return _differences(form, entry)
    return str(entry)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:16]
    return str(value)


def _differences(form: EditForm, entry: Any) -> str:
    """Field by field, what is saved now where it differs from what was typed ("label：value")."""
    now = type(form).initial_from(entry)
    lines = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        saved, typed = _shown(now.get(name)), _shown(form.cleaned_data.get(name))
        if saved != typed and not (isinstance(form.cleaned_data.get(name), bool) and saved in ("", "False")):
            lines.append(f"{field.label}：{saved or _('（空）')}")
    return "\n".join(lines) or _("（与您填写的相同）")


def _anchor(spec: Section, item: int | None) -> str:
    if spec.key == "indicators":
        return f"item-{item}"
    if spec.key == "forms":
        return "section-items"
    return f"section-{spec.key}"


def row_add(request: HttpRequest, public_id: str, section: str, item: int | None = None) -> HttpResponse:
    campaign = _editable_campaign(request, public_id)
    spec = _section(section, item)
    if not spec.can_add(campaign):
        raise PermissionDenied(_("活动已发布，统计表结构已锁定。"))
    data = services.campaign_to_data(campaign)
    fi = _chosen_form(request, data) if spec.per_form else 0
    try:
        entries = spec.entries(data, item, fi)
    except (IndexError, KeyError):
        raise Http404 from None
    form_class: type[EditForm] = spec.form_class
    if spec.key == "indicators":
        form_class = IndicatorAddForm
    elif spec.key == "forms":
        form_class = ReportFormAddForm
    initial: dict[str, Any] = {"version": campaign.version}
    if spec.key == "indicators":
        initial.update(progress_text=data["forms"][fi]["items"][item]["progress_text"], kind="integer", required=True)
    if spec.key == "rounds":
        initial.update(expected_kinds=["section"], form=data["forms"][0]["code"] if data["forms"] else "")
    if spec.key == "rules":
        initial.update(missing_value_strategy="skip_if_any_missing", severity="error", operator=">=")
    form = form_class(
        request.POST if request.method == "POST" else None, initial=initial, **_form_kwargs(campaign, spec, data)
    )
    ctx: dict[str, Any] = {
        "form": form,
        "title": _("新增%(what)s") % {"what": spec.title},
        "action": request.get_full_path(),
        "form_q": _form_query(data, fi),
        "anchor": _anchor(spec, item),
        "section": spec,
        "adding": True,
    }
    if request.method == "POST" and form.is_valid():
        value = form.to_value()
        list_path = spec.list_path(item, fi)
        form_code = value["code"] if spec.key == "forms" else _form_code(data, spec, fi)
        if isinstance(form, IndicatorAddForm):
            # the indicator and its marker in one edit: the progress text is set, then the
            # indicator inserted (its place follows the marker)
            item_path = list_path[:-1]
            edit = services.DefinitionEdit(
                "update",
                item_path,
                {
                    "progress_text": form.progress_text_value(),
                    "indicators": [*entries, {k: v for k, v in value.items() if v is not None}],
                },
            )
            prefixes = [format_path((*list_path, len(entries))), format_path(item_path)]
        else:
            edit = services.DefinitionEdit("insert", list_path, value)
            prefixes = [format_path((*list_path, len(entries)))]
        extra = _save(request, campaign, form, edit, prefixes)
        if extra is None:
            return _editor_response(
                request,
                campaign,
                ctx["anchor"],
                _("已新增%(what)s“%(label)s”。") % {"what": spec.title, "label": _entry_label(spec, value)},
                form_code,
            )
        ctx.update(extra)
    return _render_form(request, campaign, ctx)


@require_POST
def row_delete(request: HttpRequest, public_id: str, section: str, index: int, item: int | None = None) -> HttpResponse:
    return _list_change(request, public_id, section, index, item, "delete")


@require_POST
def row_move(
    request: HttpRequest, public_id: str, section: str, index: int, direction: str, item: int | None = None
) -> HttpResponse:
    if direction not in ("up", "down"):
        raise Http404
    return _list_change(request, public_id, section, index, item, direction)


def _list_change(
    request: HttpRequest, public_id: str, section: str, index: int, item: int | None, what: str
) -> HttpResponse:
    campaign = _editable_campaign(request, public_id)
    spec = _section(section, item)
    if not spec.can_add(campaign) or (what != "delete" and not spec.movable):
        raise PermissionDenied(_("活动已发布，统计表结构已锁定。"))
    form = VersionForm(request.POST)
    anchor = _anchor(spec, item)
    data = services.campaign_to_data(campaign)
    fi = _chosen_form(request, data) if spec.per_form else 0
    form_code = _form_code(data, spec, fi)
    if not form.is_valid():
        return _editor_error(request, campaign, anchor, _("页面已过期，请刷新后再试。"), form_code)
    path = (*spec.list_path(item, fi), index)
    if what == "delete":
        edit = services.DefinitionEdit("delete", path)
    else:
        edit = services.DefinitionEdit("move", path, index=-1 if what == "up" else 1)
    if spec.key == "forms" and what == "delete":
        if not 0 <= index < len(data["forms"]):
            raise Http404
        anchor = "section-forms"
        form_code = data["forms"][index]["code"]
        rounds = [r["name"] for r in data["rounds"] if r["form"] == form_code]
        if rounds:
            return _editor_error(
                request,
                campaign,
                anchor,
                _("统计表“%(code)s”正被填报批次“%(rounds)s”使用，不能删除；请先修改或删除这些填报批次。")
                % {"code": form_code, "rounds": "、".join(rounds)},
                form_code,
            )
    try:
        label = _entry_label(spec, spec.entries(data, item, fi)[index])
        services.edit_definition(_user(request), campaign, edit, expected_version=form.cleaned_data["version"])
    except ValidationError as exc:
        text = " ".join(exc.messages)
        if getattr(exc, "code", None) == "stale":
            text = _stale_message(campaign, form.cleaned_data["version"])
        return _editor_error(request, campaign, anchor, text, form_code)
    except DefinitionError as exc:
        return _editor_error(request, campaign, anchor, "；".join(str(p) for p in exc.problems), form_code)
    except (IndexError, KeyError):
        raise Http404 from None
    done = _("已删除%(what)s“%(label)s”。") if what == "delete" else _("已调整%(what)s“%(label)s”的顺序。")
    if spec.key == "forms":
        form_code = None  # the removed form's page is gone: back to the first form
    return _editor_response(request, campaign, anchor, done % {"what": spec.title, "label": label}, form_code)


def _editor_error(
    request: HttpRequest, campaign: Campaign, anchor: str, message: str, form_code: str | None = None
) -> HttpResponse:
    if _htmx(request):
        campaign.refresh_from_db()
        ctx = _editor_context(campaign, form_code)
        ctx["error_message"] = message
        ctx["error_anchor"] = anchor
        ctx["saved_anchor"] = anchor
        response = render(request, "campaigns/_editor.html", ctx)
        response["HX-Retarget"] = "#campaign-editor"
        response["HX-Reswap"] = "outerHTML"
        return response
    messages.error(request, message)
    data = services.campaign_to_data(campaign)
    return redirect(_editor_url(campaign, data, form_index(data, form_code) or 0, anchor))

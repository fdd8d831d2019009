"""Report pages: my reports, entry (with autosave), view and review, history, roll-up, the
non-filers list with 催报, and notifications. Thin views: access via reports.permissions, one
service call each."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import Round
from safetymonth.campaigns.permissions import can_on_campaign, get_campaign_for_user
from safetymonth.campaigns.services import check_values
from safetymonth.hazards.queries import recorded_for_round
from safetymonth.orgs.models import Org
from safetymonth.reports import history as history_diff
from safetymonth.reports import permissions as report_perms
from safetymonth.reports import services
from safetymonth.reports.forms import CountingForm, ReportFilterForm, ReportHeaderForm, ReviewForm
from safetymonth.reports.models import Notification, Report, ReportAction, ReportEvent, ReportStatus

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _round(user: User, campaign_id: str, round_code: str) -> Round:
    campaign = get_campaign_for_user(user, campaign_id)
    rnd = Round.objects.select_related("campaign", "campaign__issuing_org", "form").filter(
        campaign=campaign, code=round_code
    )
    found = rnd.first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------------------------------------
# My reports


def report_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.VIEW_REPORTS)
    rounds = services.rounds_for_user(user)
    form = ReportFilterForm(request.GET or None, rounds=rounds)
    qs = Report.objects.for_user(user).select_related("org", "round", "round__campaign")
    if form.is_valid():
        key = form.cleaned_data.get("round") or ""
        if key:
            campaign_id, _sep, code = key.partition(":")
            qs = qs.filter(round__campaign__public_id=campaign_id, round__code=code)
        if form.cleaned_data.get("status"):
            qs = qs.filter(status=form.cleaned_data["status"])
    qs = qs.order_by("-round__campaign__year", "round__order", "org__path")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for report in page.object_list:
        report.can_fill = report_perms.can_fill(user, report)  # type: ignore[attr-defined]
        report.can_review = report_perms.can_review(user, report)  # type: ignore[attr-defined]
    home = perms.home_orgs(user)
    round_links = [
        {
            "round": r,
            "rollup_orgs": [o for o in home if perms.can(user, Perm.VIEW_REPORTS, o)],
            "can_chase": can_on_campaign(user, Perm.CHASE_REPORTS, r.campaign),
        }
        for r in rounds
    ]
    return render(
        request,
        "reports/list.html",
        {"form": form, "page": page, "round_links": round_links, "query": request.GET.urlencode()},
    )


# ---------------------------------------------------------------------------------------------
# Entry


def _warning_rows(report: Report, warnings: dict[str, list[str]], comments: dict[str, str]) -> list[dict[str, Any]]:
    labels = {i.code: i.label for i in report.round.form.indicators.all()}
    return [
        {"code": code, "label": labels.get(code, code), "messages": msgs, "comment": comments.get(code, "")}
        for code, msgs in warnings.items()
        if msgs
    ]


def _entry_context(
    report: Report,
    *,
    values: dict[str, Any],
    header_form: ReportHeaderForm,
    errors: dict[str, list[str]] | None = None,
    warnings: dict[str, list[str]] | None = None,
    comments: dict[str, str] | None = None,
    comment_errors: dict[str, list[str]] | None = None,
    version: int,
    conflict: services.ConcurrentEdit | None = None,
) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "report": report,
        "form": report.round.form,
        "values": values,
        "errors": errors or {},
        "warnings": warnings or {},
        "header_form": header_form,
        "warning_rows": _warning_rows(report, warnings or {}, comments or {}),
        "comment_errors": comment_errors or {},
        "version": version,
        "conflict": conflict,
        "recorded": recorded_for_round(report.round, report.org),
    }
    if conflict is not None:
        current = Report.objects.select_related("org").get(pk=report.pk)
        ctx["theirs_values"] = services.stored_raw(current)
        ctx["theirs_header"] = services.header_display(current)
        ctx["theirs_report"] = current
    return ctx


def _header_form(data: Any, errors: dict[str, list[str]] | None = None) -> ReportHeaderForm:
    form = ReportHeaderForm(data)
    form.is_valid()
    for name, msgs in (errors or {}).items():
        for msg in msgs:
            form.add_error(name, msg)
    return form


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def report_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    report = report_perms.get_report_for_user(user, public_id)
    report_perms.require_fill(user, report)
    if request.method != "POST":
        if not report.is_editable_status or report.entry_closed:
            return redirect("reports:detail", report.public_id)
        stored = list(report.values.select_related("indicator"))  # read once: typed, raw and the check
        raw = {v.indicator.code: v.raw for v in stored}
        warnings = services.outlier_warnings(report, {v.indicator.code: v.typed for v in stored})
        check = check_values(report.round.form, {f"ind-{c}": r for c, r in raw.items()}, enforce_required=False)
        return render(
            request,
            "reports/edit.html",
            _entry_context(
                report,
                values=raw,
                header_form=_header_form(services.header_of(report)),
                # a draft saved with invalid values shows the same errors after a reload
                errors=check.errors,
                warnings={**check.warnings, **warnings},
                comments=dict(report.comments or {}),
                version=report.version,
            ),
        )
    submit = request.POST.get("action") == "submit"
    autosave = bool(getattr(request, "htmx", False)) and not submit
    try:
        if submit:
            result = services.submit_report(user, report, request.POST, _posted_version(request))
        else:
            result = services.save_draft(user, report, request.POST, _posted_version(request))
    except services.ConcurrentEdit as exc:
        if autosave:
            return render(request, "reports/_autosave.html", {"conflict": exc, "report": report}, status=200)
        check = check_values(report.round.form, request.POST, enforce_required=False)
        ctx = _entry_context(
            report,
            values=check.raw,
            header_form=_header_form(request.POST),
            errors=check.errors,
            warnings=check.warnings,
            comments=services.comments_from(request.POST, check.raw),
            version=exc.current_version,
            conflict=exc,
        )
        return render(request, "reports/edit.html", ctx, status=409)
    except ValidationError as exc:
        if autosave:
            return render(request, "reports/_autosave.html", {"closed": exc.messages, "report": report})
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:detail", report.public_id)
    if autosave:
        return render(request, "reports/_autosave.html", {"result": result, "report": report, "now": timezone.now()})
    if result.already_submitted:
        messages.info(request, _("报表已经提交过，无需重复提交。"))
        return redirect("reports:detail", report.public_id)
    if result.submitted:
        if report.is_late:
            messages.warning(request, _("已提交（逾期提交）。"))
        else:
            messages.success(request, _("已提交，等待审核。"))
        return redirect("reports:detail", report.public_id)
    if submit:
        messages.error(request, _("已保存，但还不能提交：请修改下面标出的内容。"))
    elif result.has_errors:
        messages.warning(request, _("草稿已保存。下面标出的内容在提交前需要修改。"))
    else:
        messages.success(request, _("草稿已保存。"))
        return redirect("reports:edit", report.public_id)
    ctx = _entry_context(
        report,
        values=result.check.raw,
        header_form=_header_form(request.POST, result.header_errors),
        errors=result.check.errors,
        warnings=result.warnings,
        comments=dict(report.comments or {}),
        comment_errors=result.comment_errors,
        version=report.version,
    )
    return render(request, "reports/edit.html", ctx)


# ---------------------------------------------------------------------------------------------
# View and review


def _detail_context(user: User, report: Report, review_form: ReviewForm | None = None) -> dict[str, Any]:
    comments = dict(report.comments or {})
    labels = {i.code: i.label for i in report.round.form.indicators.all()}
    return {
        "report": report,
        "form": report.round.form,
        "values": services.stored_raw(report),
        "header": services.header_display(report),
        "comment_rows": [{"label": labels.get(c, c), "comment": t} for c, t in comments.items()],
        "can_fill": report_perms.can_fill(user, report) and report.is_editable_status and not report.entry_closed,
        "can_review": report_perms.can_review(user, report) and report.status == ReportStatus.SUBMITTED,
        "can_reopen": report_perms.can_reopen(user, report) and report.status == ReportStatus.APPROVED,
        "review_form": review_form or ReviewForm(),
        "events": list(report.events.select_related("actor").order_by("-at", "-pk")[:10]),
        "recorded": recorded_for_round(report.round, report.org),
    }


def report_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    report = report_perms.get_report_for_user(user, public_id)
    return render(request, "reports/detail.html", _detail_context(user, report))


@require_POST
def report_review(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    report = report_perms.get_report_for_user(user, public_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/detail.html", _detail_context(user, report, form), status=400)
    action, reason = form.cleaned_data["action"], form.cleaned_data.get("reason", "")
    allowed = report_perms.can_reopen(user, report) if action == "reopen" else report_perms.can_review(user, report)
    if not allowed:
        raise PermissionDenied
    try:
        if action == "return":
            services.return_report(user, report, reason)
            messages.success(request, _("已退回，并已通知填报单位。"))
        elif action == "approve":
            services.approve_report(user, report)
            messages.success(request, _("已审核通过，报表已锁定。"))
        else:
            services.reopen_report(user, report, reason)
            messages.success(request, _("已重新打开，并已通知填报单位。"))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errs in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errs)
            return render(request, "reports/detail.html", _detail_context(user, report, form), status=400)
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:detail", report.public_id)


def report_history(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    report = report_perms.get_report_for_user(user, public_id)
    labels = {i.code: i.label for i in report.round.form.indicators.order_by("item__order", "order")}
    events = list(report.events.select_related("actor").order_by("at", "pk"))
    rows = []
    previous: dict[str, Any] | None = None
    for event in events:
        changes = history_diff.diff(previous, event.snapshot, labels) if event.snapshot else []
        rows.append({"event": event, "changes": changes})
        if event.snapshot:
            previous = event.snapshot
    rows.reverse()
    return render(request, "reports/history.html", {"report": report, "rows": rows})


# ---------------------------------------------------------------------------------------------
# Roll-up, non-filers, chasing


def rollup(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> HttpResponse:
    user = _user(request)
    rnd = _round(user, campaign_id, round_code)
    org = perms.get_org_for_user(user, org_id, Perm.VIEW_REPORTS)
    form = CountingForm(request.GET or None)
    counting = (form.cleaned_data.get("counting") if form.is_valid() else "") or "approved"
    children = Paginator(services.rollup_children(org), services.ROLLUP_CHILDREN_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = services.rollup(org, rnd, counting, list(children.object_list))
    indicators = list(rnd.form.indicators.select_related("item").order_by("item__order", "order"))
    table = [{"indicator": ind, "cells": [row.cells[ind.code] for row in rows]} for ind in indicators]
    children_visible = [row for row in rows if row.org is not None and row.org.pk != org.pk]
    return render(
        request,
        "reports/rollup.html",
        {
            "round": rnd,
            "org": org,
            "rows": rows,
            "table": table,
            "form": form,
            "counting": counting,
            "children": children_visible,
            "page": children,
            "parent_link": org.parent if org.parent and perms.can(user, Perm.VIEW_REPORTS, org.parent) else None,
        },
    )


def non_filers(request: HttpRequest, campaign_id: str, round_code: str) -> HttpResponse:
    user = _user(request)
    rnd = _round(user, campaign_id, round_code)
    if not can_on_campaign(user, Perm.CHASE_REPORTS, rnd.campaign):
        raise PermissionDenied
    paths = perms.scope_paths(user, Perm.CHASE_REPORTS)
    own = [o.pk for o in perms.home_orgs(user)]
    qs = services.non_filers(rnd).filter(org__in=Org.objects.under_paths(paths)).exclude(org_id__in=own)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    reports = list(page.object_list)
    last_chased = {
        e.report_id: e.at
        for e in ReportEvent.objects.filter(report__in=reports, action=ReportAction.CHASE).order_by("at")
    }
    for r in reports:
        r.last_chased = last_chased.get(r.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "reports/nonfilers.html",
        {"round": rnd, "reports": reports, "page": page, "overdue": timezone.now() > rnd.deadline},
    )


@require_POST
def chase(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    report = report_perms.get_report_for_user(user, public_id)
    if not report_perms.can_chase(user, report.org):
        raise PermissionDenied
    try:
        n = services.chase_report(user, report)
        messages.success(request, _("已催报 %(org)s（通知 %(n)d 人）。") % {"org": report.org.name, "n": n})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:nonfilers", report.round.campaign.public_id, report.round.code)


def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    items = list(Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:100])
    unread = [n.pk for n in items if n.read_at is None]
    response = render(request, "reports/notifications.html", {"items": items, "unread": set(unread)})
    if unread:
        Notification.objects.filter(pk__in=unread, user=user).update(read_at=timezone.now())
    return response

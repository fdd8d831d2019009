"""Dashboard pages: a round's completeness, totals, charts and non-filers over the user's subtree
(the office and the leader: the whole tree; a section's staff: its section), with drill-down into
any org beneath, and each chart's numbers as CSV. Thin views: access via dashboard.access, the
figures from dashboard.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import Round
from safetymonth.core.language import official
from safetymonth.dashboard import services
from safetymonth.dashboard.access import base_org_for_user, get_round_for_user, get_round_org_for_user
from safetymonth.dashboard.forms import DashboardFilterForm, round_key
from safetymonth.events.services import backed_share
from safetymonth.exports.forms import ExportOptionsForm
from safetymonth.exports.views import export_response
from safetymonth.hazards.models import Hazard
from safetymonth.hazards.queries import tiles as hazard_tiles
from safetymonth.orgs.models import Org, OrgKind
from safetymonth.reports import permissions as report_perms
from safetymonth.reports import services as report_services
from safetymonth.reports.models import COUNT_SUBMITTED, Report

NON_FILERS_SHOWN = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def index(request: HttpRequest) -> HttpResponse:
    """The newest round the user can see, or the one chosen in the filter."""
    user = _user(request)
    perms.require(user, Perm.VIEW_DASHBOARD)
    rounds = report_services.rounds_for_user(user)
    form = DashboardFilterForm(request.GET or None, rounds=rounds)
    chosen = form.cleaned_data.get("round") if form.is_bound and form.is_valid() else ""
    rnd = next((r for r in rounds if round_key(r) == chosen), rounds[0] if rounds else None)
    if rnd is None:
        return render(request, "dashboard/empty.html", {})
    url = reverse("dashboard:campaign", args=[rnd.campaign.public_id, rnd.code])
    counting = form.counting_choice()
    return redirect(f"{url}?{urlencode({'counting': counting})}")


def campaign(request: HttpRequest, campaign_id: str, round_code: str) -> HttpResponse:
    user = _user(request)
    rnd = get_round_for_user(user, campaign_id, round_code, Perm.VIEW_DASHBOARD)
    return _dashboard(request, user, rnd, base_org_for_user(user, rnd, Perm.VIEW_DASHBOARD))


def section(request: HttpRequest, campaign_id: str, round_code: str, org_id: str) -> HttpResponse:
    user = _user(request)
    rnd = get_round_for_user(user, campaign_id, round_code, Perm.VIEW_DASHBOARD)
    return _dashboard(request, user, rnd, get_round_org_for_user(user, rnd, org_id, Perm.VIEW_DASHBOARD))


def _countdown(rnd: Round) -> dict[str, object]:
    delta = rnd.deadline - timezone.now()
    seconds = int(delta.total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    return {"overdue": overdue, "days": seconds // 86400, "hours": seconds % 86400 // 3600}


def _dashboard(request: HttpRequest, user: User, rnd: Round, base: Org) -> HttpResponse:
    rounds = report_services.rounds_for_user(user)
    data = {"round": round_key(rnd), "counting": request.GET.get("counting", COUNT_SUBMITTED)}
    form = DashboardFilterForm(data, rounds=rounds)
    counting = form.counting_choice()

    result = services.completeness(rnd, base, counting)
    indicators = services.form_indicators(rnd)
    items = services.indicator_totals(rnd, base, counting, indicators)
    by_group = services.group_totals(rnd, base, counting)
    main = services.main_indicators(indicators)
    keys = [g.key for g in result.groups]
    reports = dict(Report.objects.filter(round=rnd, org__path__in=keys).values_list("org__path", "public_id"))
    for g in result.groups:
        g.report_id = reports.get(g.key)  # type: ignore[attr-defined]
        g.drill = bool(g.org and not g.own and g.org.kind != OrgKind.ENTERPRISE)  # type: ignore[attr-defined]
        g.main = [by_group.get(g.key, {}).get(ind.code, 0) for ind in main]  # type: ignore[attr-defined]
        # the statistics table offered for the row: an org's own report, or a subtree's roll-up
        g.table_source = "own" if (g.own or not g.drill) else "rollup"  # type: ignore[attr-defined]

    # Issue 7: the share of reported figures backed by events with evidence (events.services).
    backed = backed_share(rnd, base, report_services.counted_statuses(counting))
    backed_by_key = {b.key: b for b in backed.groups}
    for g in result.groups:
        g.backed = backed_by_key.get(g.key)  # type: ignore[attr-defined]

    non_filers = list(report_services.non_filers(rnd, within=base).filter(org__is_active=True)[:NON_FILERS_SHOWN])
    for r in non_filers:
        r.can_chase = report_perms.can_chase(user, r.org)  # type: ignore[attr-defined]

    issuing = rnd.campaign.issuing_org
    ancestors = []
    if issuing is not None and base.pk != issuing.pk:
        ancestors = [
            o
            for o in Org.objects.filter(path__in=_prefixes(base.path)).order_by("depth")
            if o.path.startswith(issuing.path) and o.pk != base.pk and perms.can(user, Perm.VIEW_DASHBOARD, o)
        ]
    labels = services.chart_labels()
    chart = services.chart_data(result, items, by_group, main, labels)
    # Issue 14: the hazard ledger over the subtree, found within the campaign's dates (one query).
    hazards = None
    if perms.can(user, Perm.VIEW_HAZARDS, base):
        span = rnd.campaign.span()
        hazards = hazard_tiles(Hazard.objects.filter(org__path__startswith=base.path), *(span or (None, None)))
    return render(
        request,
        "dashboard/campaign.html",
        {
            "round": rnd,
            "campaign": rnd.campaign,
            "base": base,
            "ancestors": ancestors,
            "form": form,
            "counting": counting,
            "total": result.total,
            "groups": result.groups,
            "items": items,
            "main": main,
            "chart": chart,
            "non_filers": non_filers,
            "non_filers_more": max(0, result.total.draft + result.total.returned - len(non_filers)),
            "countdown": _countdown(rnd),
            "can_chase": perms.can(user, Perm.CHASE_REPORTS),
            "can_export": perms.can(user, Perm.EXPORT, base),
            "export_query": urlencode({"counting": counting}),
            "base_has_report": base.path in reports,
            "backed": backed.total,
            "hazards": hazards,
        },
    )


@official
def chart_csv(request: HttpRequest, campaign_id: str, round_code: str, org_id: str, chart: str) -> HttpResponse:
    """One chart's numbers as CSV (the exports' access rule, always in Chinese, audited)."""
    user = _user(request)
    rnd = get_round_for_user(user, campaign_id, round_code, Perm.EXPORT)
    org = get_round_org_for_user(user, rnd, org_id, Perm.EXPORT)
    if chart not in services.CHARTS:
        raise Http404
    _source, counting = ExportOptionsForm(request.GET).options()
    return export_response(services.export_chart_csv(user, rnd, org, chart, counting))


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]

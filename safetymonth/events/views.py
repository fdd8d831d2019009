"""Event pages: the list across the subtree (filters, pagination), the month calendar, the 6·16
consultation day, record / quick entry / edit / delete, and the .xlsx import. Thin views: access via
events.permissions and accounts.permissions, one service call each."""

from __future__ import annotations

import calendar as cal
import datetime as dt
import importlib.util
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.campaigns.models import Campaign, CampaignStatus, EventType
from safetymonth.campaigns.permissions import get_campaign_for_user
from safetymonth.events import importing, services
from safetymonth.events import permissions as event_perms
from safetymonth.events.forms import EventFilterForm, EventForm, ImportForm, QuickEventForm, month_of
from safetymonth.events.models import Event
from safetymonth.evidence.models import Material
from safetymonth.orgs.importing import ImportFileError
from safetymonth.orgs.models import Org

PAGE_SIZE = 30
CONSULTATION_DAY = (6, 16)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _campaigns(user: User) -> list[Campaign]:
    return list(Campaign.objects.for_user(user).exclude(status=CampaignStatus.DRAFT).order_by("-year", "code"))


def _chosen_campaign(request: HttpRequest, user: User) -> tuple[Campaign | None, list[Campaign]]:
    """The campaign of ``?campaign=`` (404 if not visible), else the newest visible one."""
    campaigns = _campaigns(user)
    wanted = request.GET.get("campaign") or request.POST.get("campaign")
    if wanted:
        campaign = get_campaign_for_user(user, wanted)
        if campaign.status == CampaignStatus.DRAFT:
            raise Http404
        return campaign, campaigns
    published = [c for c in campaigns if c.status == CampaignStatus.PUBLISHED]
    return (published or campaigns or [None])[0], campaigns


def _record_org(request: HttpRequest, user: User) -> Org:
    """The org an event is recorded for: the user's own recording org (chosen when several)."""
    orgs = event_perms.recording_orgs(user)
    if not orgs:
        raise PermissionDenied
    wanted = request.GET.get("org") or request.POST.get("org")
    if wanted:
        for org in orgs:
            if org.public_id == wanted:
                return org
        raise PermissionDenied
    return orgs[0]


def _require_open(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.PUBLISHED:
        raise PermissionDenied


def _uploader_ready() -> bool:
    """Whether the evidence upload widget (issue 6, part A) is installed."""
    return importlib.util.find_spec("safetymonth.evidence.templatetags.evidence") is not None


# ---------------------------------------------------------------------------------------------
# List, calendar, 6·16


def _scope(user: User, campaign: Campaign) -> Any:
    return services.with_evidence_flag(
        Event.objects.for_user(user).filter(campaign=campaign).select_related("org", "event_type")
    )


def _filter_orgs(user: User) -> list[Org]:
    """The orgs offered in the org filter: the user's home orgs and the orgs right beneath them."""
    home = [o for o in perms.home_orgs(user) if perms.can(user, Perm.VIEW_EVENTS, o)]
    children = list(Org.objects.filter(parent__in=home, is_active=True).order_by("path")[:500])
    return sorted({o.pk: o for o in [*home, *children]}.values(), key=lambda o: o.path)


def event_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.VIEW_EVENTS)
    campaign, campaigns = _chosen_campaign(request, user)
    if campaign is None:
        return render(request, "events/empty.html", {})
    types = list(EventType.objects.filter(campaign=campaign).order_by("order", "code"))
    orgs = _filter_orgs(user)
    form = EventFilterForm(request.GET or None, types=types, orgs=orgs)
    qs = _scope(user, campaign)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("event_type"):
            qs = qs.filter(event_type__code=data["event_type"])
        if data.get("org"):
            org = next(o for o in orgs if o.public_id == data["org"])
            qs = qs.filter(org__path__startswith=org.path)
        if data.get("date_from"):
            qs = qs.filter(starts_at__gte=services.day_bounds(data["date_from"])[0])
        if data.get("date_to"):
            qs = qs.filter(starts_at__lt=services.day_bounds(data["date_to"])[1])
        if data.get("evidence") == "with":
            qs = qs.filter(evidenced=True)
        elif data.get("evidence") == "without":
            qs = qs.filter(evidenced=False)
    totals = services.summary(qs)
    page = Paginator(qs.order_by("-starts_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for e in page.object_list:
        e.outside = campaign.is_outside_span(timezone.localdate(e.starts_at))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/list.html",
        {
            "campaign": campaign,
            "campaigns": campaigns,
            "form": form,
            "page": page,
            "totals": totals,
            "query": query.urlencode(),
            # on a phone the filter folds away unless it is in use (or has something to say)
            "filtering": form.is_bound and (bool(form.errors) or any(form.data.get(f) for f in form.fields)),
            "can_record": bool(event_perms.recording_orgs(user)) and campaign.status == CampaignStatus.PUBLISHED,
        },
    )


def event_calendar(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.VIEW_EVENTS)
    campaign, campaigns = _chosen_campaign(request, user)
    if campaign is None:
        return render(request, "events/empty.html", {})
    default = dt.date(campaign.year, 6, 1)
    today = timezone.localdate()
    if today.year == campaign.year:
        default = today
    first = month_of(request.GET.get("month"), default)
    last_day = cal.monthrange(first.year, first.month)[1]
    start = services.day_bounds(first)[0]
    end = services.day_bounds(first.replace(day=last_day))[1]
    events = list(_scope(user, campaign).filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk"))
    by_day: dict[dt.date, list[Event]] = {}
    for e in events:
        by_day.setdefault(timezone.localtime(e.starts_at).date(), []).append(e)
    weeks = []
    for week in cal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {"date": d, "in_month": d.month == first.month, "events": by_day.get(d, []), "today": d == today}
                for d in week
            ]
        )
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = first.replace(day=last_day) + dt.timedelta(days=1)
    base_query = {"campaign": campaign.public_id}
    return render(
        request,
        "events/calendar.html",
        {
            "campaign": campaign,
            "campaigns": campaigns,
            "month": first,
            "weeks": weeks,
            "count": len(events),
            "prev_query": urlencode({**base_query, "month": prev_month.strftime("%Y-%m")}),
            "next_query": urlencode({**base_query, "month": next_month.strftime("%Y-%m")}),
            "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        },
    )


def consultation_day(request: HttpRequest, campaign_id: str) -> HttpResponse:
    """The events held on 16 June of the campaign's year (any type), with totals by type and org."""
    user = _user(request)
    perms.require(user, Perm.VIEW_EVENTS)
    campaign = get_campaign_for_user(user, campaign_id)
    if campaign.status == CampaignStatus.DRAFT:
        raise Http404
    day = dt.date(campaign.year, *CONSULTATION_DAY)
    start, end = services.day_bounds(day)
    qs = _scope(user, campaign).filter(starts_at__gte=start, starts_at__lt=end)
    totals = services.summary(qs)
    by_type = list(
        qs.order_by()
        .values("event_type__name", "event_type__order")
        .annotate(n=Count("pk"), people=Sum("participants"))
        .order_by("event_type__order")
    )
    events = list(qs.order_by("starts_at", "org__path", "pk")[:500])
    return render(
        request,
        "events/consultation_day.html",
        {"campaign": campaign, "day": day, "totals": totals, "by_type": by_type, "events": events},
    )


# ---------------------------------------------------------------------------------------------
# Record, quick entry, detail, edit, delete


def _warn_outside_span(request: HttpRequest, event: Event) -> None:
    if event.outside_campaign_span:
        span = event.campaign.span()
        assert span is not None  # outside means there are dates to be outside of
        messages.warning(
            request,
            _("活动时间%(day)s不在本次活动期间（%(start)s至%(end)s）内，请核对日期。")
            % {
                "day": timezone.localdate(event.starts_at).isoformat(),
                "start": span[0].isoformat(),
                "end": span[1].isoformat(),
            },
        )


def _form_page(request: HttpRequest, form_class: type[EventForm], template: str) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.RECORD_EVENTS)
    campaign, _campaigns_ = _chosen_campaign(request, user)
    if campaign is None:
        return render(request, "events/empty.html", {})
    _require_open(campaign)
    org = _record_org(request, user)
    form = form_class(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.record_event(user, campaign=campaign, org=org, data=form.cleaned_data)
        except ValidationError as exc:
            for name, errs in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            messages.success(request, _("活动已记录。可以在下面上传照片、视频等佐证材料。"))
            _warn_outside_span(request, event)
            return redirect(reverse("events:detail", args=[event.public_id]) + "#evidence")
    return render(
        request,
        template,
        {
            "form": form,
            "campaign": campaign,
            "org": org,
            "orgs": event_perms.recording_orgs(user),
            "status": 400 if request.method == "POST" else 200,
        },
        status=400 if request.method == "POST" else 200,
    )


def event_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, EventForm, "events/form.html")


def event_quick(request: HttpRequest) -> HttpResponse:
    return _form_page(request, QuickEventForm, "events/quick.html")


def event_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    event = event_perms.get_event_for_user(user, public_id)
    can_edit = event_perms.can_edit(user, event)
    materials = list(
        Material.objects.for_user(user).filter(event=event).order_by("created_at", "pk")
        if perms.can(user, Perm.VIEW_EVIDENCE)
        else []
    )
    cards = select_template(["evidence/_material_cards.html", "events/_material_list.html"]).template.name
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "can_edit": can_edit and event.campaign.status == CampaignStatus.PUBLISHED,
            "materials": materials,
            "cards_template": cards,
            "uploader": _uploader_ready() and can_edit and event.campaign.status == CampaignStatus.PUBLISHED,
        },
    )


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def event_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    event = event_perms.get_event_for_user(user, public_id)
    event_perms.require_edit(user, event)
    _require_open(event.campaign)
    initial = {
        "event_type": event.event_type,
        "title": event.title,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at) if event.ends_at else None,
        "place": event.place,
        "participants": event.participants,
        "description": event.description,
        "media_links": event.media_links,
    }
    form = EventForm(request.POST or None, initial=initial, campaign=event.campaign)
    version = event.version
    stale = None
    if request.method == "POST":
        version = _posted_version(request)
        if form.is_valid():
            try:
                services.update_event(user, event, form.cleaned_data, expected_version=version)
            except services.StaleEvent as exc:
                stale = " ".join(exc.messages)
                event.refresh_from_db()
            except ValidationError as exc:
                for name, errs in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                messages.success(request, _("活动记录已保存。"))
                _warn_outside_span(request, event)
                return redirect("events:detail", event.public_id)
    status = 200 if request.method == "GET" else (409 if stale else 400)
    return render(
        request,
        "events/form.html",
        {
            "form": form,
            "campaign": event.campaign,
            "org": event.org,
            "event": event,
            "version": version,
            "stale": stale,
            "current": event if stale else None,
        },
        status=status,
    )


@require_POST
def event_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    event = event_perms.get_event_for_user(user, public_id)
    event_perms.require_edit(user, event)
    _require_open(event.campaign)
    kept = services.delete_event(user, event)
    if kept:
        messages.success(request, _("活动记录已删除；它的%(n)d份佐证材料仍保留在佐证材料库中。") % {"n": kept})
    else:
        messages.success(request, _("活动记录已删除。"))
    return redirect(reverse("events:list") + "?" + urlencode({"campaign": event.campaign.public_id}))


# ---------------------------------------------------------------------------------------------
# Import


def import_template(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.RECORD_EVENTS)
    campaign, _c = _chosen_campaign(request, user)
    if campaign is None:
        raise Http404
    org = _record_org(request, user)
    data = services.import_template(user, campaign, org)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=events-{campaign.code}.xlsx"
    return response


def event_import(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.RECORD_EVENTS)
    campaign, _c = _chosen_campaign(request, user)
    if campaign is None:
        return render(request, "events/empty.html", {})
    _require_open(campaign)
    org = _record_org(request, user)
    form = ImportForm(request.POST or None, request.FILES or None)
    file_error = ""
    row_errors: list[importing.RowError] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                table = importing.read_table(upload.read(), upload.name)
            except ImportFileError as exc:
                file_error = exc.message
            else:
                types = list(EventType.objects.filter(campaign=campaign))
                rows, row_errors = importing.check_rows(table, types)
                if not row_errors:
                    events = services.import_events(user, campaign=campaign, org=org, rows=rows, file_name=upload.name)
                    messages.success(request, _("已导入%(n)d条活动记录。") % {"n": len(events)})
                    return redirect(reverse("events:list") + "?" + urlencode({"campaign": campaign.public_id}))
    return render(
        request,
        "events/import.html",
        {
            "form": form,
            "campaign": campaign,
            "org": org,
            "orgs": event_perms.recording_orgs(user),
            "file_error": file_error,
            "row_errors": row_errors,
            "columns": importing.COLUMNS,
        },
        status=status,
    )

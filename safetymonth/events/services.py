"""Workflows on event records (活动记录) and the figures they give the report.

Writes (record, edit, delete, import) are atomic and audited. Figures are computed, never stored:
an event of a type mapped to indicators (``campaigns.EventType``) adds 1 to the type's count
indicator and its participants to the participants indicator.

**Which events count in a report** (no double counting with the roll-up): the events of an org
count in the report of the *nearest org at or above it that the round expects to report*
(``Round.expected_orgs()``, the one rule of who reports). In 2021 only sections report, so a
section's recorded figure is its own events plus its enterprises' events; if enterprises reported
too, each enterprise's events would count in its own report only and the section's roll-up would
add them up once. ``own`` is the
report org's own events, ``beneath`` the rest.

**Evidence** behind a figure: materials (not rejected) of the counted orgs attached to the
indicator itself, or to an event of a type mapped to it. ``backed`` is the figure computed only
from events that have at least one such material.

Queries are fixed in number whatever the number of indicators, orgs or events (GROUP BY queries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.campaigns.models import Campaign, EventType, IndicatorKind, Round
from safetymonth.events import importing
from safetymonth.events.models import Event
from safetymonth.evidence.models import Material, ReviewState
from safetymonth.orgs.models import PATH_STEP, Org

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

SEGMENT = PATH_STEP + 1
EDITABLE_FIELDS = (
    "event_type",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "participants",
    "description",
    "media_links",
)


# ---------------------------------------------------------------------------------------------
# Writes


class StaleEvent(ValidationError):
    """The event changed since the page was opened (optimistic version check)."""


def _check(event: Event) -> None:
    if event.event_type.campaign_id != event.campaign_id:
        raise ValidationError({"event_type": _("活动类型不属于该活动。")})
    if event.ends_at is not None and event.ends_at < event.starts_at:
        raise ValidationError({"ends_at": _("结束时间不能早于开始时间。")})


def _audit_fields(event: Event) -> dict[str, Any]:
    return {
        "type": event.event_type.code,
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat() if event.ends_at else None,
        "place": event.place,
        "participants": event.participants,
        "media_links": event.media_link_list,
    }


@transaction.atomic
def record_event(actor: User | None, *, campaign: Campaign, org: Org, data: Mapping[str, Any]) -> Event:
    """A new event of ``org`` in ``campaign`` (``data``: the editable fields, cleaned)."""
    event = Event(campaign=campaign, org=org, created_by=actor if actor and actor.is_authenticated else None)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(event, name, data[name] if data[name] is not None or name == "ends_at" else "")
    _check(event)
    event.save()
    log_event(
        actor,
        AuditEntry.Action.CREATE,
        event,
        org=org,
        summary=_("记录活动“%(title)s”") % {"title": event.title},
        changes=_audit_fields(event),
    )
    return event


@transaction.atomic
def update_event(actor: User | None, event: Event, data: Mapping[str, Any], *, expected_version: int) -> Event:
    """Change an event; refused (StaleEvent) when someone saved it since ``expected_version``."""
    locked = Event.objects.select_for_update(of=("self",)).select_related("event_type").get(pk=event.pk)
    if locked.version != expected_version:
        raise StaleEvent(
            _("该活动记录已被他人修改（当前版本 %(now)d，您看到的是版本 %(seen)d）：请刷新页面后再改。")
            % {"now": locked.version, "seen": expected_version},
            code="stale",
        )
    before = _audit_fields(locked)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(locked, name, data[name] if data[name] is not None or name == "ends_at" else "")
    _check(locked)
    after = _audit_fields(locked)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changed:
        return locked
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db(fields=["version", "updated_at"])
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        locked,
        org=locked.org,
        summary=_("修改活动记录“%(title)s”") % {"title": locked.title},
        changes=changed,
    )
    event.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


@transaction.atomic
def delete_event(actor: User | None, event: Event) -> int:
    """Delete an event. Its materials stay (their ``event`` becomes empty: evidence is never lost
    with a record) and remain in the gallery under the org and campaign. Returns their number."""
    materials = Material.objects.filter(event=event).count()
    log_event(
        actor,
        AuditEntry.Action.DELETE,
        event,
        org=event.org,
        summary=_("删除活动记录“%(title)s”") % {"title": event.title},
        changes={**_audit_fields(event), "materials_kept": materials},
    )
    event.delete()
    return materials


@transaction.atomic
def import_template(actor: User, campaign: Campaign, org: Org) -> bytes:
    """The import workbook for ``campaign``'s event types (audited as a download)."""
    data = importing.template_xlsx(list(EventType.objects.filter(campaign=campaign).order_by("order", "code")))
    log_event(
        actor,
        AuditEntry.Action.EXPORT,
        campaign,
        org=org,
        summary=_("下载活动记录导入模板"),
        changes={"campaign": campaign.code},
    )
    return data


def import_events(
    actor: User | None, *, campaign: Campaign, org: Org, rows: list[dict[str, Any]], file_name: str
) -> list[Event]:
    """Create every row's event (rows already checked: all or nothing) with one audit entry."""
    events = []
    for data in rows:
        event = Event(campaign=campaign, org=org, created_by=actor if actor and actor.is_authenticated else None)
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(event, name, data[name])
        _check(event)
        events.append(event)
    Event.objects.bulk_create(events)
    log_event(
        actor,
        AuditEntry.Action.IMPORT,
        campaign,
        org=org,
        summary=_("导入活动记录%(n)d条（%(file)s）") % {"n": len(events), "file": file_name[:100]},
        changes={"count": len(events), "file": file_name[:200], "org": org.public_id},
    )
    return events


# ---------------------------------------------------------------------------------------------
# Figures from events


@dataclass
class Figure:
    """The recorded figure of one mapped indicator in one report."""

    code: str
    source: str  # "count" (场/次) or "participants" (人次)
    type_names: list[str] = field(default_factory=list)
    own: int = 0
    beneath: int = 0
    events: int = 0  # events behind the figure
    backed: int = 0  # the figure from events that have evidence
    materials: int = 0  # materials backing the indicator (see module docstring)

    @property
    def total(self) -> int:
        return self.own + self.beneath


@dataclass
class ReportFigures:
    """Recorded figures of one report: ``figures`` by indicator code (mapped indicators only),
    ``materials`` by indicator code (every indicator with evidence)."""

    figures: dict[str, Figure]
    materials: dict[str, int]
    gallery: str = ""  # the evidence gallery filtered to the campaign and org ("" if not installed)

    def gallery_url(self, code: str) -> str:
        return f"{self.gallery}&{urlencode({'indicator': code})}" if self.gallery else ""


def gallery_link(campaign: Campaign, org: Org) -> str:
    """The evidence gallery (issue 6) filtered to a campaign and org, or "" while it is not there."""
    try:
        url = reverse("evidence:gallery")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode({'campaign': campaign.public_id, 'org': org.public_id, 'state': 'valid'})}"


def _prefixes(path: str) -> list[str]:
    """ "1/2/3/" → ["1/2/3/", "1/2/", "1/"] (deepest first)."""
    return [path[: i * SEGMENT] for i in range(len(path) // SEGMENT, 0, -1)]


def owner_path(path: str, reporting: set[str]) -> str | None:
    """The path of the nearest reporting org at or above the org at ``path`` (None: none)."""
    for prefix in _prefixes(path):
        if prefix in reporting:
            return prefix
    return None


def reporting_paths(base: Org, rnd: Round) -> set[str]:
    """Paths of the orgs in ``base``'s subtree that ``rnd`` expects to report (and base): the orgs of
    ``Round.expected_orgs()`` — the same rule as report creation, completeness and 催报, so an
    excluded org's events roll up into the report above it and an included one keeps its own. One query."""
    paths = set(rnd.expected_orgs().filter(path__startswith=base.path).values_list("path", flat=True))
    paths.add(base.path)
    return paths


def _mapped_types(campaign_id: int) -> list[EventType]:
    return list(
        EventType.objects.filter(campaign_id=campaign_id)
        .filter(Q(count_indicator__isnull=False) | Q(participants_indicator__isnull=False))
        .select_related("count_indicator", "participants_indicator")
    )


def _has_evidence() -> Exists:
    return Exists(Material.objects.filter(event=OuterRef("pk")).exclude(review_state=ReviewState.REJECTED))


def _event_rows(campaign_id: int, base_path: str) -> Any:
    """(type, org path, with evidence) → events, participants over a subtree. One GROUP BY query."""
    return (
        Event.objects.filter(campaign_id=campaign_id, org__path__startswith=base_path)
        .annotate(evidenced=_has_evidence())
        .values("event_type_id", "org__path", "evidenced")
        .annotate(n=Count("pk"), people=Sum("participants"))
        .order_by()
    )


def report_figures(rnd: Round, org: Org) -> ReportFigures:
    """The recorded figures of ``org``'s report in ``rnd`` (its campaign's events, counted by the
    round's expected orgs). Four queries (``rnd.campaign`` loaded)."""
    campaign = rnd.campaign
    types = _mapped_types(campaign.pk)
    by_type = {t.pk: t for t in types}
    figures: dict[str, Figure] = {}
    for t in types:
        if t.count_indicator:
            figures.setdefault(t.count_indicator.code, Figure(t.count_indicator.code, "count")).type_names.append(
                t.name
            )
        if t.participants_indicator:
            figures.setdefault(
                t.participants_indicator.code, Figure(t.participants_indicator.code, "participants")
            ).type_names.append(t.name)
    reporting = reporting_paths(org, rnd)

    for row in _event_rows(campaign.pk, org.path):
        et = by_type.get(row["event_type_id"])
        if et is None or owner_path(row["org__path"], reporting) != org.path:
            continue
        own = row["org__path"] == org.path
        for ind, amount in ((et.count_indicator, row["n"]), (et.participants_indicator, row["people"] or 0)):
            if ind is None:
                continue
            fig = figures[ind.code]
            if own:
                fig.own += amount
            else:
                fig.beneath += amount
            fig.events += row["n"]
            if row["evidenced"]:
                fig.backed += amount

    materials: dict[str, int] = {}
    rows = (
        Material.objects.filter(campaign=campaign, org__path__startswith=org.path)
        .exclude(review_state=ReviewState.REJECTED)
        .filter(Q(indicator__isnull=False) | Q(event__event_type_id__in=list(by_type)))
        .values("indicator__code", "event__event_type_id", "org__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if owner_path(row["org__path"], reporting) != org.path:
            continue
        codes: set[str] = set()
        if row["indicator__code"]:
            codes.add(row["indicator__code"])
        mt = by_type.get(row["event__event_type_id"])
        if mt is not None:
            codes.update(i.code for i in (mt.count_indicator, mt.participants_indicator) if i is not None)
        for code in codes:
            materials[code] = materials.get(code, 0) + row["n"]
    for code, fig in figures.items():
        fig.materials = materials.get(code, 0)
    return ReportFigures(figures=figures, materials=materials, gallery=gallery_link(campaign, org))


def figures_for_round(rnd: Round, org: Org) -> ReportFigures:
    return report_figures(rnd, org)


# ---------------------------------------------------------------------------------------------
# Dashboard: the share of reported figures backed by events with evidence


@dataclass
class BackedShare:
    key: str
    org: Org | None = None
    own: bool = False
    reported: int = 0  # mapped figures reported (> 0) in counted reports
    backed: int = 0  # of which backed by events with evidence

    @property
    def rate(self) -> float | None:
        return round(100 * self.backed / self.reported, 1) if self.reported else None

    def add(self, other: BackedShare) -> None:
        self.reported += other.reported
        self.backed += other.backed


@dataclass
class BackedShareResult:
    total: BackedShare
    groups: list[BackedShare]


def backed_share(rnd: Round, base: Org, statuses: Iterable[str]) -> BackedShareResult:
    """Per direct child of ``base`` (and overall): of the mapped indicators reported with a value
    above 0 in counted reports, how many are backed — the figure computed from events *with
    evidence* that count in that report is at least the reported value. Groups are keyed by the
    path of the child (``org`` left empty: the dashboard has the orgs). Four queries."""
    from safetymonth.reports.models import Value

    types = _mapped_types(rnd.campaign_id)
    by_type = {t.pk: t for t in types}
    mapped_ids = {i.pk for t in types for i in (t.count_indicator, t.participants_indicator) if i is not None}
    reporting = reporting_paths(base, rnd)

    backed: dict[tuple[str, int], int] = {}
    for row in _event_rows(rnd.campaign_id, base.path).filter(evidenced=True):
        t = by_type.get(row["event_type_id"])
        owner = owner_path(row["org__path"], reporting)
        if t is None or owner is None:
            continue
        for ind, amount in ((t.count_indicator, row["n"]), (t.participants_indicator, row["people"] or 0)):
            if ind is not None:
                backed[(owner, ind.pk)] = backed.get((owner, ind.pk), 0) + amount

    prefix = len(base.path) + SEGMENT
    values = (
        Value.objects.filter(
            report__round=rnd,
            report__status__in=list(statuses),
            report__org__path__startswith=base.path,
            indicator_id__in=mapped_ids,
            indicator__kind=IndicatorKind.INTEGER,
            int_value__gt=0,
        )
        .annotate(group=Substr("report__org__path", 1, prefix))
        .values_list("group", "report__org__path", "indicator_id", "int_value")
    )
    groups: dict[str, BackedShare] = {}
    for group, path, ind_id, value in values:
        g = groups.setdefault(group, BackedShare(key=group, own=group == base.path))
        g.reported += 1
        if backed.get((path, ind_id), 0) >= (value or 0):
            g.backed += 1
    total = BackedShare(key=base.path, org=base)
    out = sorted(groups.values(), key=lambda g: (not g.own, g.key))
    for g in out:
        total.add(g)
    return BackedShareResult(total=total, groups=out)


# ---------------------------------------------------------------------------------------------
# Lists


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of ``day`` and of the next day in Beijing time (aware)."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def summary(qs: Any) -> dict[str, int]:
    """Events, participants and events with evidence of a queryset. One query."""
    row = qs.order_by().aggregate(
        events=Count("pk"),
        participants=Sum("participants"),
        # the Exists itself, not the list's `evidenced` annotation: PostgreSQL cannot see an
        # annotation's alias inside the aggregate's FILTER once Django wraps the query
        evidenced=Count("pk", filter=_has_evidence()),
    )
    return {k: int(v or 0) for k, v in row.items()}


def with_evidence_flag(qs: Any) -> Any:
    return qs.annotate(evidenced=_has_evidence())

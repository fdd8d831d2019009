"""Read-side queries of the ledger: the filtered list (a fixed number of queries per page), the
statistical analysis table per org and rolled up over a subtree (16号令 Art. 14: each quarter and
each year), the dashboard tiles and the figures a campaign form takes from the ledger. Aggregates
are computed in SQL, grouped by the path prefix of the orgs beneath (no tree read into Python)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from safetymonth.accounts.permissions import Perm
from safetymonth.hazards.models import ExposureCase, Hazard, HazardLevel, HazardStatus
from safetymonth.orgs.models import Org

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

SEGMENT = 9  # one "00000042/" of a materialised path


def filtered_ledger(user: User, data: dict[str, Any]) -> Any:
    """The user's hazards with the list filters applied, newest first, with what a row shows."""
    qs = Hazard.objects.for_user(user).select_related("org", "category")
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("level"):
        qs = qs.filter(level=data["level"])
    if data.get("category"):
        qs = qs.filter(category__code=data["category"])
    if data.get("industry"):
        qs = qs.filter(org__industry__code=data["industry"])
    if data.get("org"):
        # the subtrees of the visible orgs whose name or credit code matches (a search, not a list of all)
        paths = list(
            Org.objects.for_user(user, Perm.VIEW_HAZARDS).search(data["org"]).values_list("path", flat=True)[:50]
        )
        qs = qs.filter(_under(paths))
    if data.get("overdue"):
        qs = qs.overdue()
    if data.get("found_from"):
        qs = qs.filter(found_on__gte=data["found_from"])
    if data.get("found_to"):
        qs = qs.filter(found_on__lte=data["found_to"])
    return qs.order_by("-found_on", "-pk")


def _under(paths: list[str]) -> Q:
    from safetymonth.orgs.models import under_paths_q

    return under_paths_q(paths, "org__path")


# ---------------------------------------------------------------------------------------------
# Statistical analysis (16号令): per quarter and per year


def period_bounds(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter (1–4) or of the year (quarter None)."""
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


@dataclass
class StatRow:
    org: Org | None  # None: the org's own hazards ("本单位") or the total
    label: str
    found: int = 0
    major: int = 0
    rectified: int = 0
    major_rectified: int = 0
    open: int = 0
    overdue: int = 0
    funds: Decimal = field(default_factory=lambda: Decimal(0))

    @property
    def rate(self) -> float | None:
        """整改率: rectified (closed by the period's end) of those found in the period, in %."""
        return round(100 * self.rectified / self.found, 1) if self.found else None


def _stat_aggregates(start: dt.date, end: dt.date) -> dict[str, Any]:
    found = Q(found_on__gte=start, found_on__lte=end)
    closed_by_end = Q(status=HazardStatus.CLOSED, verified_on__lte=end)
    not_closed_by_end = Q(found_on__lte=end) & ~closed_by_end
    major = Q(level=HazardLevel.MAJOR)
    return {
        "found": Count("pk", filter=found),
        "major": Count("pk", filter=found & major),
        "rectified": Count("pk", filter=found & closed_by_end),
        "major_rectified": Count("pk", filter=found & major & closed_by_end),
        "open": Count("pk", filter=not_closed_by_end),
        "overdue": Count("pk", filter=not_closed_by_end & Q(deadline__lt=end)),
        "funds": Sum("funds", filter=closed_by_end & Q(verified_on__gte=start), default=Decimal(0)),
    }


def statistics(org: Org, start: dt.date, end: dt.date) -> tuple[list[StatRow], StatRow]:
    """One row per org right beneath ``org`` (its whole subtree rolled up), one for ``org``'s own
    hazards when it has any, and the total: two grouped queries and one for the names. ``open`` and
    ``overdue`` count what stood open at the period's end, whenever it was found."""
    prefix_len = len(org.path) + SEGMENT
    grouped = (
        Hazard.objects.filter(org__path__startswith=org.path, found_on__lte=end)
        .annotate(branch=Substr("org__path", 1, prefix_len))
        .values("branch")
        .annotate(**_stat_aggregates(start, end))
        .order_by("branch")
    )
    by_branch: dict[str, dict[str, Any]] = {}
    for found in grouped:
        values: dict[str, Any] = dict(found)
        by_branch[values.pop("branch")] = values
    children = {o.path: o for o in Org.objects.filter(path__in=[b for b in by_branch if b != org.path])}
    rows: list[StatRow] = []
    total = StatRow(org=None, label="合计")
    for branch, values in by_branch.items():
        child = children.get(branch)
        row = StatRow(org=child, label=child.name if child else "本单位", **values)
        rows.append(row)
        for name in ("found", "major", "rectified", "major_rectified", "open", "overdue", "funds"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    rows.sort(key=lambda r: (r.org is not None, r.org.path if r.org else ""))
    return rows, total


# ---------------------------------------------------------------------------------------------
# Dashboard tiles and campaign figures


@dataclass
class Tiles:
    found: int
    rectified: int
    overdue: int
    major_open: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.rectified / self.found, 1) if self.found else None


def tiles(qs: Any, start: dt.date | None = None, end: dt.date | None = None) -> Tiles:
    """Found, rectified (closed), overdue and major still open among ``qs`` (one query)."""
    if start is not None:
        qs = qs.filter(found_on__gte=start)
    if end is not None:
        qs = qs.filter(found_on__lte=end)
    today = timezone.localdate()
    row = qs.aggregate(
        found=Count("pk"),
        rectified=Count("pk", filter=Q(status=HazardStatus.CLOSED)),
        overdue=Count("pk", filter=Q(deadline__lt=today) & ~Q(status=HazardStatus.CLOSED)),
        major_open=Count("pk", filter=Q(level=HazardLevel.MAJOR) & ~Q(status=HazardStatus.CLOSED)),
    )
    return Tiles(**row)


def published_cases(paths: list[str], start: dt.date, end: dt.date) -> Any:
    from safetymonth.orgs.models import under_paths_q

    return (
        ExposureCase.objects.published()
        .filter(under_paths_q(paths, "org__path"))
        .filter(published_at__date__gte=start, published_at__date__lte=end)
    )


@dataclass
class LedgerFigure:
    """A figure of the hazard ledger for one report's blank, shaped like events.services.Figure
    (``own``, ``beneath``, ``total``) so the report form shows it beside the blank."""

    code: str
    figure: str  # a key of campaigns.definition.LEDGER_FIGURES
    own: int = 0
    beneath: int = 0
    titles: list[str] = field(default_factory=list)
    source: str = "ledger"

    @property
    def total(self) -> Any:
        if self.figure == "typical_cases":
            return "；".join(self.titles)
        return self.own + self.beneath


def ledger_figures(rnd: Any, org: Org) -> dict[str, LedgerFigure]:
    """The ledger's figures for ``org``'s report in ``rnd``, whose campaign maps ``ledger_figures``: hazards
    found and rectified (verified) and exposure cases published within the campaign's dates, of the
    org and of the orgs beneath it not expected to report (the roll-up rule of events). Three queries
    at most (the orgs expected to report, hazards, cases); none when nothing is mapped."""
    from safetymonth.events.services import owner_path, reporting_paths

    campaign = rnd.campaign
    mapping: dict[str, str] = dict(campaign.ledger_figures or {})
    span = campaign.span()
    if not mapping or span is None:
        return {}
    start, end = span
    figures = {name: LedgerFigure(code=code, figure=name) for name, code in mapping.items()}
    reporting = reporting_paths(org, rnd)

    def add(name: str, path: str, n: int) -> None:
        fig = figures.get(name)
        if fig is None or owner_path(path, reporting) != org.path:
            return
        if path == org.path:
            fig.own += n
        else:
            fig.beneath += n

    if "hazards_found" in figures or "hazards_rectified" in figures:
        rows = (
            Hazard.objects.filter(org__path__startswith=org.path)
            .values("org__path")
            .annotate(
                found=Count("pk", filter=Q(found_on__gte=start, found_on__lte=end)),
                rectified=Count(
                    "pk", filter=Q(status=HazardStatus.CLOSED, verified_on__gte=start, verified_on__lte=end)
                ),
            )
            .order_by()
        )
        for row in rows:
            add("hazards_found", row["org__path"], row["found"])
            add("hazards_rectified", row["org__path"], row["rectified"])
    if "exposures_published" in figures or "typical_cases" in figures:
        cases = published_cases([org.path], start, end).values_list("org__path", "title").order_by("published_at")
        for path, title in cases:
            add("exposures_published", path, 1)
            fig = figures.get("typical_cases")
            if fig is not None and owner_path(path, reporting) == org.path:
                fig.titles.append(title)
                if path == org.path:
                    fig.own += 1
                else:
                    fig.beneath += 1
    # no published case: no 典型案例 text to offer (and none to differ from what the unit writes)
    return {fig.code: fig for fig in figures.values() if fig.figure != "typical_cases" or fig.titles}


def recorded_for_round(rnd: Any, org: Org) -> Any:
    """The figures the report page shows beside the blanks: events' (events.services) and the
    ledger's, by indicator code."""
    from safetymonth.events.services import figures_for_round

    recorded = figures_for_round(rnd, org)
    figures: dict[str, Any] = recorded.figures  # events' Figure and LedgerFigure share what the form reads
    figures.update(ledger_figures(rnd, org))
    return recorded

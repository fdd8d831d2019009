"""Live completeness and totals of a reporting round over a subtree of the org tree.

Definitions follow DHIS2's reporting-rate report:

- **expected**: the reports the round expects in the subtree (one per org of
  ``Round.expected_orgs``; the reports app creates them, ``reports.services.create_expected_reports``);
- **submitted**: expected reports in the counted statuses (``submitted`` + ``approved``, or
  ``approved`` only — the same choice as the roll-up, ``reports.models.COUNTED_STATUSES``);
- **rate** = submitted ÷ expected; **on time** = submitted and not flagged late (submitted by the
  deadline); **late** = submitted after the deadline; **missing** = expected − submitted;
  **returned** and **approved** count reports in those statuses whatever is counted.

Everything is aggregated in the database with a fixed number of queries, whatever the number of
orgs: reports (and values) are grouped by the path prefix of the base org's direct children
(``Substr(path, 1, len(base.path) + 9)``), so a section's row covers its whole subtree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.campaigns.models import Indicator, IndicatorKind, Item, Round
from safetymonth.orgs.models import PATH_STEP, Org
from safetymonth.reports.models import COUNT_SUBMITTED, Report, ReportStatus, Value
from safetymonth.reports.services import ROLLUP_TEXT_LIMIT, counted_statuses, rollup_totals

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.exports.services import Export

SEGMENT = PATH_STEP + 1  # "00000042/"
PARTICIPANT_UNIT = "人次"


@dataclass
class Completeness:
    """Completeness of one group of orgs (an org's subtree, or the base org's own report)."""

    key: str  # path prefix of the group
    org: Org | None = None
    own: bool = False  # the base org's own report (not a subtree)
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0
    approved: int = 0
    awaiting_review: int = 0  # status submitted (not yet approved)
    draft: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def rate(self) -> float | None:
        """Submitted ÷ expected in per cent (one decimal); None when nothing is expected."""
        return round(100 * self.submitted / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    def add(self, other: Completeness) -> None:
        for name in ("expected", "submitted", "on_time", "late", "returned", "approved", "awaiting_review", "draft"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class CompletenessResult:
    total: Completeness
    groups: list[Completeness] = field(default_factory=list)


def expected_reports(rnd: Round, base: Org) -> Any:
    """The reports the round expects in the base org's subtree (orgs of ``Round.expected_orgs``)."""
    return Report.objects.filter(round=rnd, org__path__startswith=base.path, org__in=rnd.expected_orgs())


def completeness(rnd: Round, base: Org, counting: str = COUNT_SUBMITTED) -> CompletenessResult:
    """Completeness of the base org's subtree and of each direct child's subtree. Two queries."""
    counted = counted_statuses(counting)
    prefix = len(base.path) + SEGMENT
    submitted = Q(status__in=counted)
    rows = (
        expected_reports(rnd, base)
        .annotate(group=Substr("org__path", 1, prefix))
        .values("group")
        .annotate(
            expected=Count("pk"),
            submitted=Count("pk", filter=submitted),
            on_time=Count("pk", filter=submitted & Q(is_late=False)),
            late=Count("pk", filter=submitted & Q(is_late=True)),
            returned=Count("pk", filter=Q(status=ReportStatus.RETURNED)),
            approved=Count("pk", filter=Q(status=ReportStatus.APPROVED)),
            awaiting_review=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
            draft=Count("pk", filter=Q(status=ReportStatus.DRAFT)),
        )
        .order_by("group")
    )
    groups = [
        Completeness(key=r.pop("group"), **{k: v for k, v in r.items() if k in Completeness.__dataclass_fields__})
        for r in rows
    ]
    orgs = {o.path: o for o in Org.objects.filter(path__in=[g.key for g in groups])}
    total = Completeness(key=base.path, org=base)
    for g in groups:
        g.org = orgs.get(g.key)
        g.own = g.key == base.path
        total.add(g)
    groups.sort(key=lambda g: (not g.own, g.key))
    return CompletenessResult(total=total, groups=groups)


@dataclass
class IndicatorTotal:
    indicator: Indicator
    total: Any  # int (sum or count of 是), list of (org name, text), or None when nothing was reported

    @property
    def is_missing(self) -> bool:
        return self.total is None


@dataclass
class ItemTotals:
    item: Item
    totals: list[IndicatorTotal]

    @property
    def participants(self) -> int:
        """人次 of the item: the sum of its integer indicators counted in 人次."""
        return sum(
            t.total or 0
            for t in self.totals
            if t.indicator.kind == IndicatorKind.INTEGER and t.indicator.unit == PARTICIPANT_UNIT
        )


def form_indicators(rnd: Round) -> list[Indicator]:
    return list(Indicator.objects.filter(form_id=rnd.form_id).select_related("item").order_by("item__order", "order"))


def indicator_totals(
    rnd: Round,
    base: Org,
    counting: str = COUNT_SUBMITTED,
    indicators: Iterable[Indicator] | None = None,
    text_limit: int | None = ROLLUP_TEXT_LIMIT,
) -> list[ItemTotals]:
    """Totals of every indicator over the subtree, grouped by item (the roll-up's rule and its
    aggregate queries: ``reports.services.rollup_totals``). A missing figure (nothing reported)
    stays None, unlike a reported 0. The page lists the first ``text_limit`` texts of each."""
    indicators = list(indicators) if indicators is not None else form_indicators(rnd)
    totals = rollup_totals(base, rnd, counting, text_limit=text_limit)
    out: list[ItemTotals] = []
    for ind in indicators:
        if not out or out[-1].item.pk != ind.item_id:
            out.append(ItemTotals(item=ind.item, totals=[]))
        out[-1].totals.append(IndicatorTotal(ind, totals.get(ind.code)))
    return out


def group_totals(rnd: Round, base: Org, counting: str = COUNT_SUBMITTED) -> dict[str, dict[str, int]]:
    """{group path: {indicator code: total}} for the integer and yes/no indicators, per direct
    child subtree of the base org (and the base's own values under its own path). One query."""
    prefix = len(base.path) + SEGMENT
    rows = (
        Value.objects.filter(
            report__round=rnd,
            report__status__in=counted_statuses(counting),
            report__org__path__startswith=base.path,
            indicator__kind__in=[IndicatorKind.INTEGER, IndicatorKind.BOOLEAN],
        )
        .filter(Q(int_value__isnull=False) | Q(bool_value__isnull=False))
        .annotate(group=Substr("report__org__path", 1, prefix))
        .values("group", "indicator__code", "indicator__kind")
        .annotate(total=Sum("int_value"), yes=Count("pk", filter=Q(bool_value=True)))
        .order_by()
    )
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        value = r["total"] if r["indicator__kind"] == IndicatorKind.INTEGER else r["yes"]
        out.setdefault(r["group"], {})[r["indicator__code"]] = int(value or 0)
    return out


def main_indicators(indicators: Iterable[Indicator], limit: int = 6) -> list[Indicator]:
    """The "main counts" charted by section: the first integer indicator of each item that is not
    counted in 人次 (sessions, reports, events), at most ``limit``."""
    seen: set[int] = set()
    out: list[Indicator] = []
    for ind in indicators:
        if ind.kind != IndicatorKind.INTEGER or ind.unit == PARTICIPANT_UNIT or ind.item_id in seen:
            continue
        seen.add(ind.item_id)
        out.append(ind)
        if len(out) >= limit:
            break
    return out


# ---------------------------------------------------------------------------------------------
# Charts: the page draws them from chart_data() (json_script); each can be downloaded as CSV, built
# by chart_block() from the same services and the same per-chart functions.

CHARTS: dict[str, Any] = {
    "completeness": gettext_lazy("各单位上报情况"),
    "participants": gettext_lazy("各活动项目参与人次"),
    "main": gettext_lazy("各单位主要工作量"),
}


def chart_labels() -> dict[str, str]:
    """The translated words the charts (and their CSV headers) show, in the active language."""
    return {
        "own": _("本单位"),
        "on_time": _("按时"),
        "late": _("逾期"),
        "missing": _("未报"),
        "rate": _("上报率（%）"),
        "participants": _("参与人次"),
        "org": _("单位"),
        "item": _("活动项目"),
        "table": _("表格"),
        "chart": _("图表"),
    }


def _charted_groups(result: CompletenessResult) -> list[Completeness]:
    return [g for g in result.groups if g.org is not None]


def _group_names(groups: list[Completeness], labels: dict[str, str]) -> dict[str, list[str]]:
    """The chart's categories (short names) and the table's full names of the groups."""

    def name(g: Completeness, short: bool) -> str:
        if g.own:
            return labels["own"]
        if g.org is None:
            return g.key
        return (g.org.short_name or g.org.name) if short else g.org.name

    return {"categories": [name(g, True) for g in groups], "names": [name(g, False) for g in groups]}


def completeness_chart(result: CompletenessResult, labels: dict[str, str]) -> dict[str, Any]:
    groups = _charted_groups(result)
    return {
        **_group_names(groups, labels),
        "on_time": [g.on_time for g in groups],
        "late": [g.late for g in groups],
        "missing": [g.missing for g in groups],
        "rate": [g.rate for g in groups],
    }


def participants_chart(items: list[ItemTotals]) -> dict[str, Any]:
    return {"categories": [it.item.title for it in items], "values": [it.participants for it in items]}


def main_chart(
    result: CompletenessResult, by_group: dict[str, dict[str, int]], main: list[Indicator], labels: dict[str, str]
) -> dict[str, Any]:
    groups = _charted_groups(result)
    return {
        **_group_names(groups, labels),
        "series": [
            {
                "name": f"{ind.label}（{ind.unit}）" if ind.unit else ind.label,
                "values": [by_group.get(g.key, {}).get(ind.code, 0) for g in groups],
            }
            for ind in main
        ],
    }


def chart_data(
    result: CompletenessResult,
    items: list[ItemTotals],
    by_group: dict[str, dict[str, int]],
    main: list[Indicator],
    labels: dict[str, str],
) -> dict[str, Any]:
    """The data block of the dashboard's charts (serialised with json_script). ``labels`` holds the
    translated words the charts show (``chart_labels``)."""
    return {
        "labels": labels,
        "completeness": completeness_chart(result, labels),
        "participants": participants_chart(items),
        "main": main_chart(result, by_group, main, labels),
    }


def chart_block(name: str, rnd: Round, base: Org, counting: str, labels: dict[str, str]) -> dict[str, Any]:
    """One chart's data block, as the page has it, running only the queries that chart needs."""
    if name == "participants":
        return participants_chart(indicator_totals(rnd, base, counting))
    result = completeness(rnd, base, counting)
    if name == "completeness":
        return completeness_chart(result, labels)
    if name == "main":
        main = main_indicators(form_indicators(rnd))
        return main_chart(result, group_totals(rnd, base, counting), main, labels)
    raise KeyError(name)


@dataclass
class ChartTable:
    """A chart's numbers as the table beside it: one header row, one row per category."""

    header: list[str]
    rows: list[list[Any]]


def chart_table(name: str, block: dict[str, Any], labels: dict[str, str]) -> ChartTable:
    """The table view of a chart's data block (full org names; a missing rate stays None)."""
    if name == "completeness":
        header = [labels["org"], labels["on_time"], labels["late"], labels["missing"], labels["rate"]]
        columns = [block["names"], block["on_time"], block["late"], block["missing"], block["rate"]]
    elif name == "participants":
        header = [labels["item"], labels["participants"]]
        columns = [block["categories"], block["values"]]
    elif name == "main":
        header = [labels["org"], *(s["name"] for s in block["series"])]
        columns = [block["names"], *(s["values"] for s in block["series"])]
    else:
        raise KeyError(name)
    return ChartTable(header=header, rows=[list(row) for row in zip(*columns, strict=True)])


def export_chart_csv(actor: User, rnd: Round, base: Org, name: str, counting: str = COUNT_SUBMITTED) -> Export:
    """A chart's table as CSV (UTF-8 with a byte-order mark), audited like every export; ``name``
    must be one of ``CHARTS``."""
    # exports.services builds on this module (completeness, form_indicators): import it late.
    from safetymonth.exports import services as exports
    from safetymonth.exports import writers

    labels = chart_labels()
    table = chart_table(name, chart_block(name, rnd, base, counting, labels), labels)
    what = str(CHARTS[name])
    exports.audit_export(actor, rnd, base, what, format="csv", chart=name, counting=counting)
    return exports.Export(
        exports.export_filename(rnd, base, what, "csv"), exports.CSV, lines=writers.csv_lines(table.header, table.rows)
    )

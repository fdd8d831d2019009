"""Hazard documents: the 台账 as .xlsx (the columns inspectors expect, write-only so memory stays flat
at 50,000 rows) and the statistical analysis table (16号令), both always in Chinese and audited."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.exports import writers
from safetymonth.exports.services import XLSX, Export
from safetymonth.hazards.models import FoundBy, HazardLevel, HazardStatus
from safetymonth.hazards.queries import StatRow

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org

LEDGER_COLUMNS = [
    "序号",
    "单位",
    "隐患描述",
    "位置",
    "类别",
    "等级",
    "发现方式",
    "发现日期",
    "整改措施",
    "责任人",
    "整改期限",
    "整改资金（元）",
    "完成日期",
    "验收人",
    "验收日期",
    "状态",
]
LEDGER_WIDTHS = [6, 24, 40, 20, 12, 6, 8, 12, 36, 10, 12, 12, 12, 10, 12, 10]


def _ledger_rows(qs: Any) -> Iterator[list[Any]]:
    levels = dict(HazardLevel.choices)
    found_by = dict(FoundBy.choices)
    statuses = dict(HazardStatus.choices)
    rows = qs.values_list(
        "org__name",
        "description",
        "place",
        "category__name",
        "level",
        "found_by",
        "found_on",
        "measures",
        "responsible",
        "deadline",
        "funds",
        "rectified_on",
        "verified_by__full_name",
        "verified_on",
        "status",
    ).iterator(chunk_size=2000)
    for n, r in enumerate(rows, start=1):
        (
            org,
            desc,
            place,
            cat,
            level,
            how,
            found,
            measures,
            resp,
            deadline,
            funds,
            done,
            verifier,
            verified,
            status,
        ) = r
        yield [
            n,
            org,
            desc,
            place,
            cat,
            str(levels.get(level, level)),
            str(found_by.get(how, how)),
            found,
            measures,
            resp,
            deadline,
            funds,
            done,
            verifier or "",
            verified,
            str(statuses.get(status, status)),
        ]


def export_ledger(actor: User, qs: Any, scope_label: str) -> Export:
    """The filtered ledger as .xlsx; audited with the number of rows."""
    count = qs.count()
    title = _("隐患排查治理台账（%(scope)s）") % {"scope": scope_label}
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    writers.table_xlsx(title, LEDGER_COLUMNS, _ledger_rows(qs), target, LEDGER_WIDTHS)
    target.seek(0)
    log_event(
        actor,
        AuditEntry.Action.EXPORT,
        None,
        summary=_("导出隐患台账：%(scope)s，%(n)s 条") % {"scope": scope_label, "n": count},
        changes={"rows": count, "format": "xlsx"},
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return Export(f"隐患排查治理台账-{stamp}.xlsx", XLSX, file=target)


STAT_COLUMNS = [
    "单位",
    "排查隐患（项）",
    "其中重大（项）",
    "已整改（项）",
    "整改率",
    "重大已整改（项）",
    "期末未整改（项）",
    "期末逾期（项）",
    "整改资金（元）",
]


def stat_values(row: StatRow) -> list[Any]:
    rate = f"{row.rate}%" if row.rate is not None else "—"
    return [row.label, row.found, row.major, row.rectified, rate, row.major_rectified, row.open, row.overdue, row.funds]


def export_statistics(
    actor: User, org: Org, period_label: str, start: dt.date, end: dt.date, rows: list[StatRow], total: StatRow
) -> Export:
    title = _("%(org)s隐患排查治理情况统计分析表（%(period)s）") % {"org": org.name, "period": period_label}
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    body = [stat_values(r) for r in [*rows, total]]
    writers.table_xlsx(title, STAT_COLUMNS, body, target, [28, 12, 12, 12, 10, 14, 14, 12, 14])
    target.seek(0)
    log_event(
        actor,
        AuditEntry.Action.EXPORT,
        org,
        summary=_("导出隐患统计分析表：%(org)s %(period)s") % {"org": org.name, "period": period_label},
        changes={"start": start.isoformat(), "end": end.isoformat()},
    )
    return Export(f"隐患统计分析表-{org.name}-{period_label}.xlsx", XLSX, file=target)

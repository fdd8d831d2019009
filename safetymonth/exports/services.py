"""Exports of a round over an org's subtree: the statistics table (its own values or its roll-up) as
.xlsx and .docx, the consolidated workbook, the progress report in official-document layout and the
CSV of all values. Every export writes an audit entry (``Action.EXPORT``).

The figures come from the reports app's rules (counted statuses, ``rollup_totals``) and the
dashboard's completeness; every export runs a fixed number of queries whatever the size of the
tree, and the big ones (workbook, CSV) iterate over the rows instead of loading them.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.campaigns.models import Campaign, Indicator, IndicatorKind, Item, Round
from safetymonth.dashboard.services import Completeness, completeness, expected_reports, form_indicators
from safetymonth.exports import writers
from safetymonth.lib import blanks
from safetymonth.orgs.models import Org, OrgKind
from safetymonth.reports.models import COUNT_SUBMITTED, Report, ReportStatus, Value
from safetymonth.reports.services import counted_statuses, non_filers, rollup_totals

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

SOURCE_OWN = "own"
SOURCE_ROLLUP = "rollup"
HALF_BLANK = "\u3000"  # an empty blank prints as （　）
NAMED_NON_FILERS = 30


@dataclass
class Export:
    filename: str
    content_type: str
    content: bytes | None = None
    file: IO[bytes] | None = None
    lines: Iterator[str] | None = None


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"


def cn_date(day: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def counting_label(counting: str) -> str:
    return _("已提交和已审核") if counting == COUNT_SUBMITTED else _("仅已审核")


def audit_export(actor: User, rnd: Round, org: Org, what: str, **changes: Any) -> None:
    log_event(
        actor,
        AuditEntry.Action.EXPORT,
        rnd.campaign,
        org=org,
        summary=_("导出%(what)s：%(org)s · %(round)s") % {"what": what, "org": org.name, "round": rnd.name},
        changes={"round": rnd.code, "org": org.public_id, **changes},
    )


# ---------------------------------------------------------------------------------------------
# The statistics table (Attachment 1)


def _items(rnd: Round) -> list[Item]:
    return list(Item.objects.filter(form_id=rnd.form_id).order_by("order", "code"))


def _kinds(indicators: list[Indicator]) -> dict[str, str]:
    return {i.code: i.kind for i in indicators}


def own_values(report: Report | None) -> dict[str, Any]:
    """{code: typed value} of one report (integers, True/False, texts)."""
    if report is None:
        return {}
    out: dict[str, Any] = {}
    for code, kind, iv, bv, tv in Value.objects.filter(report=report).values_list(
        "indicator__code", "indicator__kind", "int_value", "bool_value", "text_value"
    ):
        out[code] = iv if kind == IndicatorKind.INTEGER else bv if kind == IndicatorKind.BOOLEAN else (tv or None)
    return out


def own_formatter(kinds: Mapping[str, str]) -> Any:
    def fmt(code: str, value: object) -> str:
        kind = kinds.get(code)
        if kind == IndicatorKind.BOOLEAN:
            return blanks.yes_no(value if isinstance(value, bool) else None)
        if value is None or value == "":
            return HALF_BLANK
        return str(value)

    return fmt


def rollup_formatter(kinds: Mapping[str, str]) -> Any:
    """Roll-up figures in the blanks: sums, the number of orgs that answered 是, texts with names."""

    def fmt(code: str, value: object) -> str:
        kind = kinds.get(code)
        if value is None:
            return HALF_BLANK
        if kind == IndicatorKind.BOOLEAN:
            return _("%(n)s个单位为“是”") % {"n": value}
        if kind == IndicatorKind.TEXT and isinstance(value, list):
            return "；".join(f"{name}：{text}" for name, text in value)
        return str(value)

    return fmt


def _header(rnd: Round, org: Org, report: Report | None, source: str) -> list[tuple[str, str]]:
    today = timezone.localdate()
    typed = report is not None and bool(report.contact_name or report.contact_phone or report.filled_on)
    if report is not None and (source == SOURCE_OWN or typed):
        # what the org typed on its report (联系人/电话/填报日期), in every per-org table: its own
        # values and its roll-up alike; the profile only fills what it left empty
        contact = report.contact_name or org.contact_name
        phone = report.contact_phone or org.phone
        filled = cn_date(report.filled_on) if report.filled_on else ""
    else:
        contact, phone, filled = org.contact_name, org.phone, cn_date(today)
        if org.pk == rnd.campaign.issuing_org_id:  # the notice's own contact (联系人：秦轲，联系电话：…)
            contact, phone = contact or rnd.campaign.contact_name, phone or rnd.campaign.contact_phone
    known = {
        "填报科室": org.name,
        "填报单位": org.name,
        "单位": org.name,
        "联系人": contact,
        "电话": phone,
        "联系电话": phone,
        "填报日期": filled,
        "日期": filled,
    }
    return [(str(label), known.get(str(label), "")) for label in (rnd.form.header_fields or [])]


def statistics_table(rnd: Round, org: Org, source: str, counting: str = COUNT_SUBMITTED) -> writers.StatTable:
    """Attachment 1 for the org: its own report's values, or its roll-up (own + everything beneath)."""
    indicators = form_indicators(rnd)
    kinds = _kinds(indicators)
    report = Report.objects.filter(round=rnd, org=org).first()
    if source == SOURCE_OWN:
        values, fmt = own_values(report), own_formatter(kinds)
        note = (
            _("本单位填报（状态：%(status)s）。") % {"status": report.status_label}
            if report
            else _("本单位不在本批次应报单位之列。")
        )
    else:
        values, fmt = rollup_totals(org, rnd, counting), rollup_formatter(kinds)
        note = _("汇总：%(org)s及所属单位，计入%(counting)s的报表；是否类指标为答“是”的单位数。") % {
            "org": org.name,
            "counting": counting_label(counting),
        }
    rows = [
        writers.StatRow(item.title, item.requirement, blanks.fill(item.progress_text, values, fmt))
        for item in _items(rnd)
    ]
    form = rnd.form
    return writers.StatTable(
        attachment_label=form.attachment_label,
        title=form.title,
        header=_header(rnd, org, report, source),
        columns=(_("活动项目"), _("内容要求"), _("进展情况")),
        rows=rows,
        note=note,
    )


def export_filename(rnd: Round, org: Org, what: str, ext: str) -> str:
    return f"{org.name}-{rnd.name}-{what}.{ext}".replace("/", "-")


def export_table(actor: User, rnd: Round, org: Org, *, source: str, counting: str, fmt: str) -> Export:
    table = statistics_table(rnd, org, source, counting)
    what = _("统计表（本单位）") if source == SOURCE_OWN else _("统计表（汇总）")
    audit_export(actor, rnd, org, what, format=fmt, source=source, counting=counting)
    if fmt == "docx":
        return Export(export_filename(rnd, org, what, "docx"), DOCX, content=writers.stat_table_docx(table))
    return Export(export_filename(rnd, org, what, "xlsx"), XLSX, content=writers.stat_table_xlsx(table))


# ---------------------------------------------------------------------------------------------
# The consolidated workbook


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("是") if value else _("否"))


def _status_label(status: str, submit_count: int) -> str:
    if status == ReportStatus.SUBMITTED and submit_count > 1:
        return _("已重新提交")
    return str(ReportStatus(status).label)


def _workbook_rows(rnd: Round, org: Org, counting: str, columns: list[Indicator]) -> Iterator[list[Any]]:
    """One row per counted report in the subtree (org path order), merged with its values; both
    querysets are iterated, so memory does not grow with the tree."""
    statuses = counted_statuses(counting)
    reports = (
        Report.objects.filter(round=rnd, status__in=statuses, org__path__startswith=org.path)
        .order_by("org__path")
        .values_list("pk", "org__name", "org__parent__name", "status", "submit_count", "submitted_at", "is_late")
        .iterator(chunk_size=2000)
    )
    values = (
        Value.objects.filter(report__round=rnd, report__status__in=statuses, report__org__path__startswith=org.path)
        .exclude(indicator__kind=IndicatorKind.TEXT)
        .order_by("report__org__path")
        .values_list("report_id", "indicator__code", "indicator__kind", "int_value", "bool_value")
        .iterator(chunk_size=2000)
    )
    index = {ind.code: i for i, ind in enumerate(columns)}
    # labels translated once, not once per row (5,000 rows × several labels showed in profiles)
    yes_no = {True: _("是"), False: _("否"), None: ""}
    late, on_time = _("逾期"), _("按时")
    status_label = functools.cache(_status_label)  # a handful of answers, thousands of rows
    pending = next(values, None)
    for pk, name, parent, status, submit_count, submitted_at, is_late in reports:
        cells: list[Any] = [None] * len(columns)
        while pending is not None and pending[0] == pk:
            _rid, code, kind, iv, bv = pending
            if code in index:
                cells[index[code]] = iv if kind == IndicatorKind.INTEGER else yes_no[bv]
            pending = next(values, None)
        yield [
            name,
            parent or "",
            status_label(status, submit_count),
            _local(submitted_at),
            late if is_late else on_time,
            *cells,
        ]


def _completeness_rows(rnd: Round, org: Org, counting: str) -> Iterator[list[Any]]:
    counted = set(counted_statuses(counting))
    yes, no, late, on_time, missing = _("是"), _("否"), _("逾期"), _("按时"), _("未报")
    status_label = functools.cache(_status_label)  # a handful of answers, thousands of rows
    kind_label = {k.value: str(k.label) for k in OrgKind}
    for name, parent, kind, status, submit_count, submitted_at, is_late, approved_at in (
        expected_reports(rnd, org)
        .order_by("org__path")
        .values_list(
            "org__name",
            "org__parent__name",
            "org__kind",
            "status",
            "submit_count",
            "submitted_at",
            "is_late",
            "approved_at",
        )
        .iterator(chunk_size=2000)
    ):
        counts = status in counted
        yield [
            name,
            parent or "",
            kind_label.get(kind, kind),
            status_label(status, submit_count),
            yes if counts else no,
            (late if is_late else on_time) if counts else missing,
            _local(submitted_at),
            _local(approved_at),
        ]


def completeness_summary(c: Completeness, counting: str) -> list[tuple[str, Any]]:
    return [
        (_("应报单位"), c.expected),
        (_("已报单位"), c.submitted),
        (_("上报率（%）"), c.rate if c.rate is not None else ""),
        (_("按时上报"), c.on_time),
        (_("逾期上报"), c.late),
        (_("未报"), c.missing),
        (_("已退回"), c.returned),
        (_("已审核"), c.approved),
        (_("计入的报表"), counting_label(counting)),
    ]


def _text_rows(rnd: Round, org: Org, counting: str) -> Iterator[list[Any]]:
    for row in (
        Value.objects.filter(
            report__round=rnd,
            report__status__in=counted_statuses(counting),
            report__org__path__startswith=org.path,
            indicator__kind=IndicatorKind.TEXT,
        )
        .exclude(text_value="")
        .order_by("report__org__path", "indicator__item__order", "indicator__order")
        .values_list("report__org__name", "indicator__item__title", "indicator__label", "text_value")
        .iterator(chunk_size=2000)
    ):
        yield list(row)


def export_workbook(actor: User, rnd: Round, org: Org, *, counting: str) -> Export:
    indicators = form_indicators(rnd)
    columns = [i for i in indicators if i.kind != IndicatorKind.TEXT]
    totals = rollup_totals(org, rnd, counting)
    result = completeness(rnd, org, counting)
    book = writers.Workbook3(
        title=_("%(title)s汇总表（%(org)s，%(round)s）")
        % {"title": rnd.form.title, "org": org.name, "round": rnd.name},
        fixed=[_("填报单位"), _("上级单位"), _("状态"), _("提交时间"), _("是否按时")],
        columns=[writers.Column(i.item.title, f"{i.label}（{i.unit}）" if i.unit else i.label) for i in columns],
        rows=_workbook_rows(rnd, org, counting, columns),
        totals=[totals.get(i.code, "") for i in columns],
        completeness_summary=completeness_summary(result.total, counting),
        completeness_header=[
            _("单位"),
            _("上级单位"),
            _("类型"),
            _("状态"),
            _("计入"),
            _("上报情况"),
            _("提交时间"),
            _("审核时间"),
        ],
        completeness_rows=_completeness_rows(rnd, org, counting),
        texts_header=[_("填报单位"), _("活动项目"), _("指标"), _("内容")],
        text_rows=_text_rows(rnd, org, counting),
        sheet_names=(_("汇总"), _("上报情况"), _("文字材料")),
        total_label=_("合计"),
        notes=[
            _("计入%(counting)s的报表；是否类指标的合计为答“是”的单位数。") % {"counting": counting_label(counting)}
        ],
    )
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    writers.consolidated_xlsx(book, target)
    target.seek(0)
    audit_export(actor, rnd, org, _("汇总工作簿"), format="xlsx", counting=counting)
    return Export(export_filename(rnd, org, _("汇总工作簿"), "xlsx"), XLSX, file=target)


# ---------------------------------------------------------------------------------------------
# The progress report (GB/T 9704)


def report_title(campaign: Campaign) -> str:
    """关于开展……活动的通知 → 关于开展……活动进展情况的报告."""
    title = campaign.title.strip()
    if title.startswith("关于") and title.endswith("的通知"):
        return _("关于%(what)s进展情况的报告") % {"what": title[2:-3]}
    return _("%(what)s进展情况报告") % {"what": title}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def progress_report(rnd: Round, org: Org, counting: str = COUNT_SUBMITTED) -> writers.ProgressReport:
    campaign = rnd.campaign
    today = timezone.localdate()
    result = completeness(rnd, org, counting)
    c = result.total
    indicators = form_indicators(rnd)
    kinds = _kinds(indicators)
    totals = rollup_totals(org, rnd, counting)
    basis = f"《{campaign.title}》（{campaign.doc_number}）" if campaign.doc_number else f"《{campaign.title}》"
    opening = _("按照%(basis)s要求，%(org)s认真组织开展相关活动。现将截至%(date)s“%(round)s”的进展情况报告如下。") % {
        "basis": basis,
        "org": org.name,
        "date": cn_date(today),
        "round": rnd.name,
    }

    missing = list(non_filers(rnd, within=org).values_list("org__name", flat=True)[: NAMED_NON_FILERS + 1])
    overview = [
        _(
            "本批次应报单位%(expected)d个，已报%(submitted)d个，上报率%(rate)s；其中按时上报%(on_time)d个，"
            "逾期上报%(late)d个，未报%(missing)d个；已审核%(approved)d个，退回修改%(returned)d个。"
            "截止时间为%(deadline)s，统计计入%(counting)s的报表。"
        )
        % {
            "expected": c.expected,
            "submitted": c.submitted,
            "rate": _pct(c.rate),
            "on_time": c.on_time,
            "late": c.late,
            "missing": c.missing,
            "approved": c.approved,
            "returned": c.returned,
            "deadline": timezone.localtime(rnd.deadline).strftime("%Y-%m-%d %H:%M"),
            "counting": counting_label(counting),
        }
    ]
    if missing:
        names = "、".join(missing[:NAMED_NON_FILERS]) + (_("等") if len(missing) > NAMED_NON_FILERS else "")
        overview.append(_("尚未提交的单位：%(names)s。") % {"names": names})
    by_group = [g for g in result.groups if g.org is not None and not g.own]
    if by_group:
        overview.append(
            _("分单位上报率：%(list)s。")
            % {"list": "；".join(f"{g.org.name if g.org else g.key}{_pct(g.rate)}" for g in by_group)}
        )

    fmt = rollup_formatter(kinds)
    numbers = [
        writers.Section2(
            heading=f"（{_cn_number(i)}）{item.title}。",
            # text blanks too: 典型案例具体为（…） names the cases, each with its org
            text=blanks.fill(item.progress_text, totals, fmt).replace("\n", ""),
        )
        for i, item in enumerate(_items(rnd), start=1)
    ]
    case_texts = [
        (name, text)
        for ind in indicators
        if ind.kind == IndicatorKind.TEXT
        for name, text in (totals.get(ind.code) or [])
    ]
    cases = [
        writers.Section2(heading=f"（{_cn_number(i)}）{name}。", text=text)
        for i, (name, text) in enumerate(case_texts, start=1)
    ]
    parts = [
        writers.Part(heading=_("一、上报情况"), paragraphs=overview),
        writers.Part(heading=_("二、主要工作进展"), subsections=numbers),
        writers.Part(
            heading=_("三、典型案例"),
            paragraphs=[] if cases else [_("暂无填报的典型案例。")],
            subsections=cases,
        ),
    ]
    addressee = ""
    if rnd.report_to is not None and not rnd.report_to.path.startswith(org.path):
        addressee = f"{rnd.report_to_name or rnd.report_to.name}："
    elif rnd.report_to_name and rnd.report_to is None:
        addressee = f"{rnd.report_to_name}："
    attachment = statistics_table(rnd, org, SOURCE_ROLLUP, counting)
    # the report has one attachment: “附件：title” in the body, “附件” on its page (GB/T 9704)
    attachment.attachment_label = _("附件")
    return writers.ProgressReport(
        title=report_title(campaign),
        addressee=addressee,
        opening=opening,
        parts=parts,
        signature=org.name,
        date=cn_date(today),
        attachment_list=_("附件：%(title)s") % {"title": rnd.form.title},
        attachment=attachment,
    )


CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def export_progress_report(actor: User, rnd: Round, org: Org, *, counting: str) -> Export:
    content = writers.progress_report_docx(progress_report(rnd, org, counting))
    audit_export(actor, rnd, org, _("进展情况报告"), format="docx", counting=counting)
    return Export(export_filename(rnd, org, _("进展情况报告"), "docx"), DOCX, content=content)


# ---------------------------------------------------------------------------------------------
# CSV of all values


def _csv_rows(rnd: Round, org: Org) -> Iterator[list[Any]]:
    # A report's six leading columns are the same on each of its rows (about 40 per report): they
    # are formatted once per report, not once per value — on a section of 5,000 enterprises that
    # is 5,000 translations and date conversions instead of 190,000.
    yes, no = _("是"), _("否")
    values = {True: yes, False: no, None: ""}
    status_label = functools.cache(_status_label)  # a handful of answers, thousands of rows
    prefix_of: tuple[int, list[Any]] | None = None
    for row in (
        Value.objects.filter(report__round=rnd, report__org__path__startswith=org.path)
        .filter(~Q(raw="") | Q(int_value__isnull=False) | Q(bool_value__isnull=False) | ~Q(text_value=""))
        .order_by("report__org__path", "indicator__item__order", "indicator__order")
        .values_list(
            "report_id",
            "report__org__name",
            "report__org__kind",
            "report__org__credit_code",
            "report__status",
            "report__submit_count",
            "report__is_late",
            "report__submitted_at",
            "indicator__item__title",
            "indicator__code",
            "indicator__label",
            "indicator__unit",
            "indicator__kind",
            "int_value",
            "bool_value",
            "text_value",
            "raw",
        )
        .iterator(chunk_size=2000)
    ):
        report_id, name, kind, credit, status, submit_count, is_late, submitted_at = row[:8]
        item, code, label, unit, ikind, iv, bv, tv, raw = row[8:]
        if prefix_of is None or prefix_of[0] != report_id:
            prefix_of = (
                report_id,
                [
                    name,
                    kind,
                    credit or "",
                    status_label(status, submit_count),
                    yes if is_late else no,
                    _local(submitted_at),
                ],
            )
        value = iv if ikind == IndicatorKind.INTEGER else values[bv] if ikind == IndicatorKind.BOOLEAN else tv
        yield [*prefix_of[1], item, code, label, unit, value, raw]


CSV_HEADER = (
    gettext_lazy("单位"),
    gettext_lazy("单位类型"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("状态"),
    gettext_lazy("逾期"),
    gettext_lazy("提交时间"),
    gettext_lazy("活动项目"),
    gettext_lazy("指标代码"),
    gettext_lazy("指标"),
    gettext_lazy("计量单位"),
    gettext_lazy("值"),
    gettext_lazy("填写内容"),
)


def export_values_csv(actor: User, rnd: Round, org: Org) -> Export:
    audit_export(actor, rnd, org, _("填报值CSV"), format="csv")
    header = [str(h) for h in CSV_HEADER]
    return Export(
        export_filename(rnd, org, _("填报值"), "csv"), CSV, lines=writers.csv_lines(header, _csv_rows(rnd, org))
    )

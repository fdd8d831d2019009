"""Bulk entry of events from an .xlsx sheet: the template (Chinese headers, a sheet listing the
campaign's event types, a drop-down on the type column) and reading a filled-in sheet into checked
rows. All or nothing: ``check_rows`` returns every row's problems (row number as in Excel, column
header, Chinese message) and the caller imports only when there are none.

The file-level reading (xlsx magic, damaged files, empty sheets, row limits) is the org import's
(``safetymonth.orgs.importing``)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.campaigns.models import EventType
from safetymonth.events.forms import MAX_PARTICIPANTS, clean_media_links
from safetymonth.exports import writers
from safetymonth.orgs.importing import (
    HELP_SHEET_TITLE,
    XLSX_MAGIC,
    ImportFileError,
    _xlsx_rows,
    file_kind,
    read_header,
    write_help_sheet,
)

MAX_ROWS = 2000
SHEET_TITLE = "活动记录"
TYPES_SHEET_TITLE = "活动类型"
EXAMPLE_MARKERS = ("（示例）", "(示例)")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: Any
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column(
        "event_type",
        "活动类型",
        True,
        gettext_lazy("填写“活动类型”表中的名称或代码之一（可从下拉列表选择）。"),
        ("类型",),
    ),
    Column("title", "活动名称", True, gettext_lazy("最多200个字。"), ("名称", "标题")),
    Column(
        "starts_at",
        "开始时间",
        True,
        gettext_lazy("日期和时间，例如 2021-06-16 09:30（只写日期时按当天0点）。"),
        ("时间", "日期", "活动时间"),
    ),
    Column("ends_at", "结束时间", False, gettext_lazy("可不填；填写时不能早于开始时间。")),
    Column("place", "地点", False, gettext_lazy("最多200个字。"), ("活动地点",)),
    Column("participants", "参与人次", True, gettext_lazy("整数，没有可填0。"), ("人次", "参与人数")),
    Column("description", "活动情况", False, gettext_lazy("最多5000个字。"), ("说明", "情况")),
    Column(
        "media_links", "媒体链接", False, gettext_lazy("每行一个 http:// 或 https:// 链接（单元格内换行）。"), ("链接",)
    ),
]
BY_KEY = {c.key: c for c in COLUMNS}

DATETIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]]


def _build(raw: Iterable[tuple[int, list[str]]]) -> Table:
    it: Iterator[tuple[int, list[str]]] = iter(raw)
    index, _headers = read_header(it, COLUMNS)
    table = Table(rows=[])
    for number, values in it:
        record = {key: (values[i] if i < len(values) else "") for key, i in index.items()}
        if not any(record.values()):
            continue
        if record.get("title", "").startswith(EXAMPLE_MARKERS):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise ImportFileError(_("文件超过 %(max)s 行数据，请分成几个文件导入。") % {"max": MAX_ROWS})
        table.rows.append((number, record))
    if not table.rows:
        raise ImportFileError(_("文件只有表头，没有活动数据。"))
    return table


def read_table(data: bytes, filename: str) -> Table:
    """The rows of an uploaded .xlsx; ImportFileError for anything that is not a usable sheet."""
    if file_kind(filename) != "xlsx":
        raise ImportFileError(_("只能导入 .xlsx 文件，请使用下载的模板。"))
    if not data:
        raise ImportFileError(_("文件是空的（0 字节）。"))
    if not data.startswith(XLSX_MAGIC):
        raise ImportFileError(_("该文件的扩展名是 .xlsx，但内容不是 Excel 文件。请在 Excel 中另存为 .xlsx 后再上传。"))
    return _build(_xlsx_rows(data))


def parse_datetime(text: str) -> dt.datetime | None:
    text = text.strip()
    for fmt in DATETIME_FORMATS:
        try:
            naive = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return timezone.make_aware(naive, timezone.get_current_timezone())
    return None


def check_rows(table: Table, types: list[EventType]) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Cleaned rows (the event fields) and every problem found."""
    by_name = {t.name: t for t in types} | {t.code: t for t in types}
    cleaned: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for number, rec in table.rows:
        row: dict[str, Any] = {}

        def err(key: str, message: str, number: int = number) -> None:
            errors.append(RowError(number, BY_KEY[key].header, message))

        for col in COLUMNS:
            if col.required and not rec.get(col.key, "").strip():
                err(col.key, _("必须填写。"))
        name = rec.get("event_type", "").strip()
        if name:
            t = by_name.get(name)
            if t is None:
                err("event_type", _("“%(value)s”不是本活动的活动类型，请从“活动类型”表中选择。") % {"value": name[:60]})
            row["event_type"] = t
        title = rec.get("title", "").strip()
        if len(title) > 200:
            err("title", _("最多200个字。"))
        row["title"] = title
        for key in ("starts_at", "ends_at"):
            text = rec.get(key, "").strip()
            row[key] = None
            if text:
                row[key] = parse_datetime(text)
                if row[key] is None:
                    err(key, _("“%(value)s”不是有效的日期时间，例如 2021-06-16 09:30。") % {"value": text[:40]})
        if row.get("starts_at") and row.get("ends_at") and row["ends_at"] < row["starts_at"]:
            err("ends_at", _("结束时间不能早于开始时间。"))
        place = rec.get("place", "").strip()
        if len(place) > 200:
            err("place", _("最多200个字。"))
        row["place"] = place
        people = rec.get("participants", "").strip()
        if people:
            if not re.fullmatch(r"\d+", people):
                err("participants", _("“%(value)s”不是非负整数。") % {"value": people[:20]})
            elif int(people) > MAX_PARTICIPANTS:
                err("participants", _("参与人次过大，请核对。"))
            else:
                row["participants"] = int(people)
        description = rec.get("description", "").strip()
        if len(description) > 5000:
            err("description", _("最多5000个字。"))
        row["description"] = description
        try:
            row["media_links"] = clean_media_links(rec.get("media_links", ""))
        except ValidationError as exc:
            err("media_links", " ".join(exc.messages))
        cleaned.append(row)
    return cleaned, errors


def template_xlsx(types: list[EventType]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    ws.append([c.header + ("*" if c.required else "") for c in COLUMNS])
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        if col.required:
            cell.fill = PatternFill("solid", fgColor="FDE9E7")
    example = types[0].name if types else ""
    ws.append(
        [
            "" + example,
            "（示例）6月16日安全宣传咨询活动",
            "2021-06-16 09:30",
            "2021-06-16 11:30",
            "步行街广场",
            "120",
            "",
            "",
        ]
    )
    for i in range(1, len(COLUMNS) + 1):
        ws.cell(row=2, column=i).font = Font(italic=True, color="808080")
    for letter, width in zip("ABCDEFGH", (36, 36, 18, 18, 24, 10, 40, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["C"].number_format = "@"
    ws.column_dimensions["D"].number_format = "@"
    ws.freeze_panes = "A2"

    ts = wb.create_sheet(TYPES_SHEET_TITLE)
    ts.append([_("名称"), _("代码"), _("说明")])
    for cell in ts[1]:
        cell.font = Font(bold=True)
    for t in types:
        ts.append([t.name, t.code, t.description])
    ts.column_dimensions["A"].width = 50
    ts.column_dimensions["B"].width = 22
    ts.column_dimensions["C"].width = 60
    if types:
        dv = DataValidation(
            type="list",
            formula1=f"'{TYPES_SHEET_TITLE}'!$A$2:$A${len(types) + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        ws.add_data_validation(dv)
        dv.add(f"A2:A{MAX_ROWS + 1}")

    write_help_sheet(
        wb,
        HELP_SHEET_TITLE,
        _("活动记录导入说明"),
        _(
            "在“活动记录”表中每行填写一场活动，第一行是表头，请勿修改。带 * 的列必须填写。"
            "活动名称以“（示例）”开头的行不会导入。任何一行有错误时，整个文件都不会导入，请按错误列表修改后重新上传。"
            "导入的活动记在您所在单位名下。"
        ),
        COLUMNS,
        intro_height=60,
    )
    out = io.BytesIO()
    writers.save_workbook(wb, out)  # no cell can hold a formula (docs/exports.md)
    return out.getvalue()

"""Reading and writing the enterprise import sheet (.xlsx or .csv).

``read_table`` turns an uploaded file into rows of strings keyed by column, or raises
``ImportFileError`` with a plain message; ``build_template`` writes the template to fill in.
Row numbers are the ones the user sees in Excel (the header is usually row 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.exports import writers
from safetymonth.lib import filetypes

MAX_ROWS = 5000
# Stop reading a sheet after this many rows even if they are empty (formatting dragged to the end).
MAX_SCANNED_ROWS = 50_000
# Columns read from each row (the sheets have fewer than ten; a sheet declared 16,384 wide is cut).
MAX_COLUMNS = 100
EXAMPLE_MARKERS = ("（示例）", "(示例)")
XLSX_MAGIC = b"PK\x03\x04"
SHEET_TITLE = "企业名单"
HELP_SHEET_TITLE = "说明"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: Any  # lazy text
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("name", "企业名称", True, gettext_lazy("企业的全称，最多120个字。"), ("单位名称", "名称")),
    Column(
        "credit_code",
        "统一社会信用代码",
        True,
        gettext_lazy("18位，按 GB 32100-2015 校验。已存在的代码会更新该企业，不会重复新建。"),
        ("信用代码", "社会信用代码"),
    ),
    Column("industry", "所属行业", True, gettext_lazy("填写下方列出的行业名称之一。"), ("行业",)),
    Column(
        "section",
        "监管科室",
        True,
        gettext_lazy("填写下方列出的科室名称或简称之一；已存在的企业会调整到该科室。"),
        ("科室", "所属科室"),
    ),
    Column("address", "地址", False, gettext_lazy("最多200个字。"), ("企业地址", "详细地址")),
    Column("contact_name", "联系人", False, gettext_lazy("最多40个字。"), ("安全负责人",)),
    Column(
        "phone",
        "联系电话",
        False,
        gettext_lazy("手机号或带区号的固定电话，例如 13800138000 或 023-68083116。"),
        ("电话", "手机", "联系方式"),
    ),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    # key → header text as written in the file
    headers: dict[str, str]
    # (row number as in Excel, {key: value})
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _header_key(text: str) -> str:
    return re.sub(r"[\s*＊:：]", "", text)


def cell_text(value: Any) -> str:
    """A cell's value as the text the user sees (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def read_header(
    rows_iter: Iterator[tuple[int, list[str]]], columns: Sequence[Any]
) -> tuple[dict[str, int], dict[str, str]]:
    """Consume the header row (the first non-empty row) of an import file: the position of each
    known column (by header text or alias, ignoring spaces, * and colons) and the header text as
    written. Refuses an empty file, a column given twice and missing required columns. Shared by
    the enterprise and the event imports (``columns``: their Column lists)."""
    header: list[str] | None = None
    for _number, values in rows_iter:
        if any(values):
            header = values
            break
    if header is None:
        raise ImportFileError(_("文件是空的：没有表头，也没有数据。"))
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    for i, text in enumerate(header):
        key = _header_key(text)
        col = next((c for c in columns if key == c.header or key in c.aliases), None)
        if col is None:
            continue
        if col.key in index:
            raise ImportFileError(_('表头中"%(header)s"出现了两次，请只保留一列。') % {"header": col.header})
        index[col.key] = i
        headers[col.key] = text.strip()
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        raise ImportFileError(
            _("表头缺少必填列：%(missing)s。请使用下载的模板，第一行应为：%(expected)s。")
            % {"missing": "、".join(missing), "expected": "、".join(c.header for c in columns)}
        )
    return index, headers


def _build_table(raw_rows: Iterable[tuple[int, list[str]]]) -> Table:
    rows_iter: Iterator[tuple[int, list[str]]] = iter(raw_rows)
    index, headers = read_header(rows_iter, COLUMNS)
    table = Table(headers=headers)
    for number, values in rows_iter:
        if not any(values):
            continue
        record = {key: (values[i] if i < len(values) else "") for key, i in index.items()}
        if not any(record.values()):
            continue
        if record.get("name", "").startswith(EXAMPLE_MARKERS):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise ImportFileError(_("文件超过 %(max)s 行数据，请分成几个文件导入。") % {"max": MAX_ROWS})
        table.rows.append((number, record))
    if not table.rows:
        raise ImportFileError(_("文件只有表头，没有企业数据。"))
    return table


def check_xlsx_size(data: bytes) -> None:
    """Refuse a workbook whose parts would cost too much memory to read (shared strings, sheet XML,
    compression ratio), judged from the zip's directory before openpyxl opens it."""
    limits = filetypes.XlsxLimits(
        max_shared_strings=settings.IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES,
        max_sheet=settings.IMPORT_XLSX_MAX_SHEET_BYTES,
        max_ratio=settings.IMPORT_XLSX_MAX_RATIO,
    )
    try:
        filetypes.check_xlsx_package(io.BytesIO(data), limits)
    except filetypes.Refused as exc:
        if exc.code in {"xlsx_strings", "xlsx_sheet", "zip_bomb"}:
            raise ImportFileError(
                _(
                    "Excel 文件解压后过大（文字或表格数据超过 %(strings)s MB / %(sheet)s MB，或压缩比异常），"
                    "可能是恶意文件，不能导入。请只保留需要导入的数据，或分成几个文件导入。"
                )
                % {
                    "strings": limits.max_shared_strings // (1024 * 1024),
                    "sheet": limits.max_sheet // (1024 * 1024),
                }
            ) from exc
        if exc.code == "encrypted":
            raise ImportFileError(_("Excel 文件设置了密码，请去掉密码后再导入。")) from exc
        raise ImportFileError(
            _("无法读取该 Excel 文件，文件可能已损坏。请在 Excel 中重新另存为 .xlsx 后再上传。")
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx_size(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError(
            _("无法读取该 Excel 文件，文件可能已损坏。请在 Excel 中重新另存为 .xlsx 后再上传。")
        ) from exc
    cells = 0
    max_cells = settings.IMPORT_MAX_CELLS
    try:
        if not wb.worksheets:
            raise ImportFileError(_("该 Excel 文件没有工作表。"))
        ws = wb.worksheets[0]
        try:
            rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            for number, row in enumerate(rows, start=1):
                if number > MAX_SCANNED_ROWS:
                    raise ImportFileError(_("文件超过 %(max)s 行数据，请分成几个文件导入。") % {"max": MAX_ROWS})
                texts = [cell_text(v) for v in row]
                cells += sum(1 for t in texts if t)
                if cells > max_cells:
                    raise ImportFileError(
                        _("文件中填写的单元格超过 %(max)s 个，请删除无关的内容或分成几个文件导入。")
                        % {"max": max_cells}
                    )
                yield number, texts
        except ImportFileError:
            raise
        except Exception as exc:  # a damaged sheet inside a valid zip
            raise ImportFileError(
                _("无法读取该 Excel 文件，文件可能已损坏。请在 Excel 中重新另存为 .xlsx 后再上传。")
            ) from exc
    finally:
        wb.close()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, what Chinese Excel writes)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _("该文件是 UTF-16 编码的文本（Excel 的“Unicode 文本”）。请另存为“CSV UTF-8（逗号分隔）”或 .xlsx。")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("无法识别该 CSV 文件的文字编码（支持 UTF-8 和 GBK）。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。")
            ) from exc
    if "\x00" in text:
        raise ImportFileError(_("该文件不是文本格式的 CSV 文件。请上传 .xlsx 或 .csv 文件。"))
    return text


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        for candidate in ("\t", ";", "，"):
            if candidate in first_line:
                delimiter = candidate
                break
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if number > MAX_SCANNED_ROWS:
                raise ImportFileError(_("文件超过 %(max)s 行数据，请分成几个文件导入。") % {"max": MAX_ROWS})
            yield number, [cell_text(v) for v in row]
    except csv.Error as exc:
        raise ImportFileError(
            _("CSV 文件第 %(line)s 行格式有误（引号不成对等）：%(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc


def file_kind(filename: str) -> str:
    name = filename.lower().strip()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".xls", ".et", ".wps")):
        raise ImportFileError(_("不支持旧版 Excel（.xls）文件。请在 Excel 中“另存为” .xlsx 格式后再上传。"))
    raise ImportFileError(_("只能导入 .xlsx 或 .csv 文件。"))


def read_table(data: bytes, filename: str) -> Table:
    """The rows of an uploaded sheet. Raises ImportFileError for anything that is not a usable sheet."""
    kind = file_kind(filename)
    if not data:
        raise ImportFileError(_("文件是空的（0 字节）。"))
    if kind == "xlsx":
        if not data.startswith(XLSX_MAGIC):
            raise ImportFileError(
                _("该文件的扩展名是 .xlsx，但内容不是 Excel 文件。请在 Excel 中另存为 .xlsx 后再上传。")
            )
        return _build_table(_xlsx_rows(data))
    if data.startswith(XLSX_MAGIC):
        raise ImportFileError(_("该文件的扩展名是 .csv，但内容是 Excel 文件。请把扩展名改为 .xlsx 后再上传。"))
    return _build_table(_csv_rows(data))


# --- the template ---------------------------------------------------------------------------------


def example_row(industry: str, section: str) -> list[str]:
    return [
        "（示例）重庆某某商贸有限公司",
        "91500104MA60123457",
        industry,
        section,
        "重庆市大渡口区春晖路街道春晖路88号",
        "张三",
        "13800138000",
    ]


def template_csv(industries: list[str], sections: list[str]) -> bytes:
    out = io.StringIO(newline="")
    writer = writers.csv_writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow(example_row(industries[0] if industries else "", sections[0] if sections else ""))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_help_sheet(
    wb: Any, title: str, heading: str, intro: str, columns: Iterable[Any], *, intro_height: int = 75
) -> Any:
    """The help sheet of an import template (enterprises, events): a heading, the rules in one
    wrapped paragraph, then one row per column (header, * when required, and its help text)."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 80
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([intro])
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.merge_cells("A2:B2")
    ws.row_dimensions[2].height = intro_height
    ws.append([])
    ws.append([_("列"), _("说明")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for col in columns:
        ws.append([col.header + ("*" if col.required else ""), str(col.help)])
    return ws


def template_xlsx(industries: list[str], sections: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9E7")
    ws.append([c.header + ("*" if c.required else "") for c in COLUMNS])
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        if col.required:
            cell.fill = required_fill
    ws.append(example_row(industries[0] if industries else "", sections[0] if sections else ""))
    for i, _c in enumerate(COLUMNS, start=1):
        ws.cell(row=2, column=i).font = Font(italic=True, color="808080")
    widths = [36, 24, 14, 16, 40, 10, 16]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    # Credit codes and phone numbers are text: Excel must not turn them into numbers. A column style
    # (not formatted empty cells) keeps the sheet's used range to the rows actually filled in.
    for letter in ("B", "G"):
        ws.column_dimensions[letter].number_format = "@"
        ws[f"{letter}2"].number_format = "@"
    ws.freeze_panes = "A2"

    help_ws = write_help_sheet(
        wb,
        HELP_SHEET_TITLE,
        _("监管企业导入说明"),
        _(
            "在“企业名单”表中每行填写一家企业，第一行是表头，请勿修改。带 * 的列必须填写。"
            "以“（示例）”开头的行不会导入，可以删除。任何一行有错误时，整个文件都不会导入，"
            "请按错误列表修改后重新上传。统一社会信用代码已存在的企业会被更新（留空的选填列保持原值）。"
        ),
        COLUMNS,
    )
    help_ws.append([])
    help_ws.append([_("可填写的所属行业")])
    help_ws.cell(row=help_ws.max_row, column=1).font = bold
    for name in industries:
        help_ws.append([name])
    help_ws.append([])
    help_ws.append([_("可填写的监管科室")])
    help_ws.cell(row=help_ws.max_row, column=1).font = bold
    for name in sections:
        help_ws.append([name])

    # Drop-down lists for industry and section on the data sheet (values from the help sheet).
    if industries:
        start = help_ws.max_row - len(sections) - 2 - len(industries) + 1
        dv = DataValidation(
            type="list",
            formula1=f"='{HELP_SHEET_TITLE}'!$A${start}:$A${start + len(industries) - 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        ws.add_data_validation(dv)
        dv.add(f"C2:C{MAX_ROWS + 1}")
    if sections:
        start = help_ws.max_row - len(sections) + 1
        dv = DataValidation(
            type="list",
            formula1=f"='{HELP_SHEET_TITLE}'!$A${start}:$A${help_ws.max_row}",
            allow_blank=True,
            showErrorMessage=False,
        )
        ws.add_data_validation(dv)
        dv.add(f"D2:D{MAX_ROWS + 1}")

    out = io.BytesIO()
    writers.save_workbook(wb, out)  # no cell can hold a formula (docs/exports.md)
    return out.getvalue()

"""Writers of the export files from plain data (no queries here): the statistics table (Attachment 1)
as .xlsx and .docx, the consolidated workbook in openpyxl's write-only mode, the progress report in
the GB/T 9704 layout, and CSV rows.

The services (services.py) read the database and feed these functions; every function returns bytes
or yields rows, so that the views only wrap them in a response.

No cell leaves as a formula: every value written here, and by any other module that writes a
spreadsheet or CSV through :func:`csv_lines`, :func:`csv_writer`, :func:`xlsx_row`, :func:`xlsx_cell`
or :func:`save_workbook`, goes through safetymonth.lib.cells.neutralise (docs/exports.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell import Cell, MergedCell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from safetymonth.exports import docx_layout as layout
from safetymonth.lib.cells import neutralise, neutralise_row

XLSX_FONT = "仿宋"
XLSX_TITLE_FONT = "方正小标宋简体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


# ---------------------------------------------------------------------------------------------
# The statistics table (Attachment 1)


@dataclass
class StatRow:
    title: str  # 活动项目
    requirement: str  # 内容要求
    progress: str  # 进展情况, the numbers standing in the blanks


@dataclass
class StatTable:
    attachment_label: str  # 附件1
    title: str
    header: list[tuple[str, str]]  # (填报科室, 市场运行科), (联系人, …), …
    columns: tuple[str, str, str]  # 活动项目 | 内容要求 | 进展情况
    rows: list[StatRow]
    note: str = ""  # e.g. what a roll-up counts


def header_line(table: StatTable) -> str:
    return "　　".join(f"{label}：{value}" for label, value in table.header)


def stat_table_xlsx(table: StatTable) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = table.attachment_label or "统计表"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.print_options.horizontalCentered = True
    # print one page wide (as many pages tall as needed), like the paper form
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 60
    row = 1
    if table.attachment_label:
        ws.cell(row=row, column=1, value=table.attachment_label).font = Font(name="黑体", size=14)
        row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    c = ws.cell(row=row, column=1, value=table.title)
    c.font = Font(name=XLSX_TITLE_FONT, size=18)
    c.alignment = CENTER
    ws.row_dimensions[row].height = 48
    row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    c = ws.cell(row=row, column=1, value=header_line(table))
    c.font = Font(name=XLSX_FONT, size=12)
    c.alignment = WRAP
    ws.row_dimensions[row].height = 24
    row += 1
    for col, label in enumerate(table.columns, start=1):
        c = ws.cell(row=row, column=col, value=label)
        c.font = Font(name="黑体", size=12)
        c.alignment = CENTER
        c.border = BOX
    ws.print_title_rows = f"{row}:{row}"
    row += 1
    for r in table.rows:
        for col, value in enumerate((r.title, r.requirement, r.progress), start=1):
            c = ws.cell(row=row, column=col, value=value)
            c.font = Font(name=XLSX_FONT, size=11)
            c.alignment = CENTER if col == 1 else WRAP
            c.border = BOX
        lines = max(
            len(r.requirement) // 22 + 1,
            sum(len(line) // 28 + 1 for line in r.progress.split("\n")),
        )
        ws.row_dimensions[row].height = max(30, 15 * lines)
        row += 1
    if table.note:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        c = ws.cell(row=row, column=1, value=table.note)
        c.font = Font(name=XLSX_FONT, size=10, italic=True)
        c.alignment = WRAP
    return _save(wb)


def add_stat_table(doc: DocumentType, table: StatTable, widths_mm: Sequence[int] = (30, 56, 70)) -> None:
    """Attachment 1 into a document: label, title, header line, the three-column table."""
    if table.attachment_label:
        layout.attachment_label(doc, table.attachment_label)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(32)
    layout.set_fonts(p.add_run(table.title), layout.XIAOBIAOSONG, 18)
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Pt(24)
    layout.set_fonts(p.add_run(header_line(table)), layout.FANGSONG, 12)
    t = layout.grid_table(doc, rows=1 + len(table.rows), cols=3, widths_mm=list(widths_mm))
    for cell, label in zip(t.rows[0].cells, table.columns, strict=True):
        layout.cell_text(cell, label, east_asia=layout.HEITI, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    for tr, r in zip(t.rows[1:], table.rows, strict=True):
        layout.cell_text(tr.cells[0], r.title, align=WD_ALIGN_PARAGRAPH.CENTER)
        layout.cell_text(tr.cells[1], r.requirement)
        layout.cell_text(tr.cells[2], r.progress)
    if table.note:
        p = doc.add_paragraph()
        p.paragraph_format.line_spacing = Pt(20)
        layout.set_fonts(p.add_run(table.note), layout.FANGSONG, 10.5)


def stat_table_docx(table: StatTable) -> bytes:
    """The statistics table on its own: landscape, like the paper form and the xlsx."""
    doc = layout.new_document()
    layout.landscape(doc)
    add_stat_table(doc, table, layout.LANDSCAPE_TABLE_WIDTHS_MM)
    return _save_doc(doc)


# ---------------------------------------------------------------------------------------------
# The consolidated workbook (write-only: rows go to disk as they come)


@dataclass
class Column:
    item: str  # 活动项目 (merged header)
    label: str  # the indicator, with its unit


@dataclass
class Workbook3:
    """What the consolidated workbook holds; the row iterables are consumed once, in order."""

    title: str
    fixed: list[str]  # leading columns: 单位, 上级单位, 状态, …
    columns: list[Column]
    rows: Iterable[Sequence[Any]]  # fixed values, then one value per column
    totals: Sequence[Any]  # one per column
    completeness_summary: list[tuple[str, Any]]
    completeness_header: list[str]
    completeness_rows: Iterable[Sequence[Any]]
    texts_header: list[str]
    text_rows: Iterable[Sequence[Any]]
    sheet_names: tuple[str, str, str] = ("汇总", "上报情况", "文字材料")
    total_label: str = "合计"
    notes: list[str] = field(default_factory=list)


def _styled(ws: Any, value: Any, *, bold: bool = False, center: bool = False, border: bool = True) -> WriteOnlyCell:
    c = xlsx_cell(ws, value)
    c.font = Font(name=XLSX_FONT, size=11, bold=bold)
    c.alignment = CENTER if center else WRAP
    if border:
        c.border = BOX
    return c


def consolidated_xlsx(book: Workbook3, target: IO[bytes]) -> None:
    """Write the workbook into ``target`` (a temporary file: nothing is held in memory)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(book.sheet_names[0])
    n_fixed = len(book.fixed)
    width = n_fixed + len(book.columns)
    for i in range(1, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 24 if i == 1 else (12 if i <= n_fixed else 14)
    ws.freeze_panes = f"{get_column_letter(n_fixed + 1)}4"
    title = xlsx_cell(ws, book.title)
    title.font = Font(name=XLSX_TITLE_FONT, size=16)
    ws.append([title])
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=width, max_row=1))
    # two header rows: fixed columns merged vertically, items merged horizontally over their indicators
    top = [_styled(ws, label, bold=True, center=True) for label in book.fixed]
    second = [_styled(ws, None) for _ in book.fixed]
    start = n_fixed + 1
    merges: list[CellRange] = [CellRange(min_col=i, min_row=2, max_col=i, max_row=3) for i in range(1, n_fixed + 1)]
    i = 0
    while i < len(book.columns):
        j = i
        while j + 1 < len(book.columns) and book.columns[j + 1].item == book.columns[i].item:
            j += 1
        top.append(_styled(ws, book.columns[i].item, bold=True, center=True))
        top.extend(_styled(ws, None) for _ in range(j - i))
        if j > i:
            merges.append(CellRange(min_col=start + i, min_row=2, max_col=start + j, max_row=2))
        i = j + 1
    second.extend(_styled(ws, c.label, center=True) for c in book.columns)
    ws.append(top)
    ws.append(second)
    for rng in merges:
        ws.merged_cells.add(rng)
    for values in book.rows:
        ws.append(xlsx_row(values))  # plain cells: styling 200,000 cells one by one costs seconds
    ws.append(
        [_styled(ws, book.total_label, bold=True)]
        + [_styled(ws, None) for _ in range(n_fixed - 1)]
        + [_styled(ws, v, bold=True) for v in book.totals]
    )
    for note in book.notes:
        ws.append(xlsx_row([note]))

    ws2 = wb.create_sheet(book.sheet_names[1])
    for i in range(1, len(book.completeness_header) + 1):
        ws2.column_dimensions[get_column_letter(i)].width = 26 if i == 1 else 14
    for label, value in book.completeness_summary:
        ws2.append([_styled(ws2, label, bold=True), _styled(ws2, value)])
    ws2.append([])
    ws2.append([_styled(ws2, h, bold=True, center=True) for h in book.completeness_header])
    for values in book.completeness_rows:
        ws2.append(xlsx_row(values))

    ws3 = wb.create_sheet(book.sheet_names[2])
    for i, w in enumerate((26, 30, 36, 80), start=1):
        ws3.column_dimensions[get_column_letter(i)].width = w
    ws3.append([_styled(ws3, h, bold=True, center=True) for h in book.texts_header])
    for values in book.text_rows:
        ws3.append(xlsx_row(values))
    save_workbook(wb, target)


# ---------------------------------------------------------------------------------------------
# The progress report (GB/T 9704)


@dataclass
class Section2:
    """A “（一）” paragraph: its heading and the text after it."""

    heading: str
    text: str


@dataclass
class Part:
    """A “一、” part: its heading, paragraphs and “（一）” paragraphs."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    subsections: list[Section2] = field(default_factory=list)


@dataclass
class ProgressReport:
    title: str
    addressee: str
    opening: str
    parts: list[Part]
    signature: str
    date: str
    attachment_list: str  # “附件：1.……”
    attachment: StatTable


def progress_report_docx(report: ProgressReport) -> bytes:
    doc = layout.new_document()
    layout.title(doc, report.title)
    if report.addressee:
        layout.body(doc, report.addressee, indent=False)
    layout.body(doc, report.opening)
    for part in report.parts:
        layout.heading1(doc, part.heading)
        for text in part.paragraphs:
            layout.body(doc, text)
        for sub in part.subsections:
            layout.heading2(doc, sub.heading, sub.text)
    doc.add_paragraph()
    if report.attachment_list:
        p = layout.body(doc, report.attachment_list)
        p.paragraph_format.left_indent = Pt(0)
        doc.add_paragraph()
    layout.right_aligned(doc, report.signature)
    layout.right_aligned(doc, report.date)
    layout.page_break(doc)
    add_stat_table(doc, report.attachment)
    return _save_doc(doc)


# ---------------------------------------------------------------------------------------------
# CSV


class _Echo:
    def write(self, value: str) -> str:
        return value


class _SafeWriter:
    """csv.writer whose every cell goes through the neutraliser."""

    def __init__(self, out: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(neutralise_row("" if v is None else v for v in row))


def csv_writer(out: Any, **kwargs: Any) -> _SafeWriter:
    """A ``csv.writer`` for exports: no cell can start a formula."""
    return _SafeWriter(out, **kwargs)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text line by line, starting with a UTF-8 byte-order mark (so Excel reads the Chinese)."""
    writer = csv_writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


# ---------------------------------------------------------------------------------------------
# Spreadsheet cells


def xlsx_cell(ws: Any, value: Any = None) -> WriteOnlyCell:
    """A write-only cell holding ``value`` neutralised; text is always stored as text."""
    c = WriteOnlyCell(ws, value=neutralise(value))
    if isinstance(c.value, str):
        c.data_type = "s"
    return c


def xlsx_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``ws.append``: cells already made (styled) are neutralised in place, plain values
    are neutralised (so openpyxl stores text as text, never as a formula)."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, Cell):  # openpyxl's WriteOnlyCell() makes a Cell
            _neutralise_cell(v)
            out.append(v)
        else:
            out.append(neutralise(v))
    return out


def _neutralise_cell(c: Any) -> None:
    if isinstance(c.value, str):
        c.value = neutralise(c.value)
        c.data_type = "s"


def save_workbook(wb: Workbook, target: IO[bytes]) -> None:
    """Save a workbook made for export. A normal (not write-only) workbook is walked first and
    every cell neutralised, so a sheet filled with ``ws.cell(value=…)`` or ``ws.append`` can hold
    no formula; write-only sheets are neutralised as rows are added (:func:`xlsx_row`)."""
    if not wb.write_only:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None and not isinstance(c, MergedCell):
                        _neutralise_cell(c)
    wb.save(target)


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    save_workbook(wb, buf)
    return buf.getvalue()


def _save_doc(doc: DocumentType) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# A plain table (the hazard ledger 台账): title, one header row, rows streamed in write-only mode


def table_xlsx(
    title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], target: IO[bytes], widths: Sequence[int] = ()
) -> None:
    """Write one sheet into ``target`` (a temporary file); rows are written as they come, so memory
    stays flat whatever their number."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31] if len(title) <= 31 else "Sheet1")
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A3"
    cell = xlsx_cell(ws, title)
    cell.font = Font(name=XLSX_TITLE_FONT, size=16)
    ws.append([cell])
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(header), max_row=1))
    ws.append(xlsx_row(_styled(ws, h, bold=True, center=True) for h in header))
    for values in rows:  # every cell through the neutraliser: a hazard's text typed as =… stays text
        ws.append(xlsx_row(values))
    save_workbook(wb, target)

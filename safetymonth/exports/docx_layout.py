"""Word documents in the official-document layout of GB/T 9704-2012 (党政机关公文格式), with
python-docx.

- A4 (210 × 297 mm); top margin 37 mm, binding (left) margin 28 mm, type area 156 × 225 mm, so
  the bottom margin is 35 mm and the right 26 mm;
- 22 lines of 28 characters: body in 3号 (16 pt) 仿宋_GB2312, exact line spacing 28.95 pt
  (225 mm ÷ 22 lines), a document grid of that pitch; characters condensed by 0.25 pt, since only
  27 full-width 16-pt characters fit in 156 mm (a character grid does not do it portably:
  LibreOffice puts a character wider than the grid's pitch on two cells, 14 a line);
- title in 2号 (22 pt) 方正小标宋简体, centred; first-level headings “一、” in 黑体, second-level
  “（一）” in 楷体_GB2312, both 3号;
- page numbers in 4号 (14 pt) 宋体 as “— 1 —” (a PAGE field), odd pages on the right and even
  pages on the left, one character in from the edge.

Chinese font names go into ``w:eastAsia`` of ``w:rFonts`` (Word uses it for CJK characters);
Latin characters and digits use Times New Roman.
"""

from __future__ import annotations

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FANGSONG = "仿宋_GB2312"
FANGSONG_FALLBACK = "FangSong"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"

BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
PAGE_NUMBER_PT = 14.0  # 4号
TABLE_PT = 10.5  # 5号, for the statistics table
LINE_PT = 28.95  # 225 mm / 22 lines
CHAR_SPACING_TWIPS = -5  # 16 pt - 0.25 pt = 15.75 pt a character: 28 in 156 mm (442.2 pt)

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
FOOTER_MM = 22  # the page number sits 7 mm below the type area


def set_fonts(run: Run, east_asia: str, size_pt: float | None = None, *, bold: bool | None = None) -> Run:
    """Latin font, East Asian font (w:eastAsia) and size of a run."""
    run.font.name = LATIN
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold
    return run


# rPr children that come after w:spacing in the schema (ECMA-376 CT_RPr): Word refuses a document
# whose run properties are out of order
_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish",
    "w:oMath",
)  # fmt: skip


def _style_fonts(doc: DocumentType) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), FANGSONG)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    rpr.insert_element_before(spacing, *_RPR_AFTER_SPACING)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)


def _doc_grid(section_element: object) -> None:
    """22 lines per page: a line grid with a pitch of 28.95 pt (579 twentieths of a point)."""
    sect_pr = section_element
    grid = sect_pr.find(qn("w:docGrid"))  # type: ignore[attr-defined]
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)  # type: ignore[attr-defined]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))


def _page_number(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """“— PAGE —” in 4号 宋体, one character in from the edge."""
    paragraph.alignment = align
    pf = paragraph.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        pf.left_indent = Pt(PAGE_NUMBER_PT)
    set_fonts(paragraph.add_run("— "), SONGTI, PAGE_NUMBER_PT)
    run = set_fonts(paragraph.add_run(), SONGTI, PAGE_NUMBER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        elif text is not None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = "1"
            run._element.append(t)
    set_fonts(paragraph.add_run(" —"), SONGTI, PAGE_NUMBER_PT)


def new_document() -> DocumentType:
    """An empty document with the GB/T 9704 page, styles and page numbers."""
    doc = Document()
    _style_fonts(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_MM)
    _doc_grid(section._sectPr)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    return doc


def landscape(doc: DocumentType) -> None:
    """Turn the document's page to A4 landscape (the paper form of Attachment 1 is landscape); the
    margins keep their sides: 28 mm binding side left, 26 mm right, 37/35 mm top and bottom."""
    section = doc.sections[-1]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_HEIGHT_MM), Mm(PAGE_WIDTH_MM)


# The statistics table's three columns on a landscape page (297 − 28 − 26 = 243 mm).
LANDSCAPE_TABLE_WIDTHS_MM = [40, 88, 115]


def title(doc: DocumentType, text: str) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(35)  # a 2号 title needs more than one body line
    set_fonts(p.add_run(text), XIAOBIAOSONG, TITLE_PT)
    doc.add_paragraph()  # one empty line between the title and the addressee
    return p


def body(doc: DocumentType, text: str, *, indent: bool = True) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    set_fonts(p.add_run(text), FANGSONG, BODY_PT)
    return p


def heading1(doc: DocumentType, text: str) -> Paragraph:
    """“一、……” in 黑体."""
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    p.paragraph_format.keep_with_next = True
    set_fonts(p.add_run(text), HEITI, BODY_PT)
    return p


def heading2(doc: DocumentType, text: str, rest: str = "") -> Paragraph:
    """“（一）……” in 楷体; ``rest`` continues the paragraph in 仿宋."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    set_fonts(p.add_run(text), KAITI, BODY_PT)
    if rest:
        set_fonts(p.add_run(rest), FANGSONG, BODY_PT)
    return p


def right_aligned(doc: DocumentType, text: str, right_chars: int = 4) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.right_indent = Pt(right_chars * BODY_PT)
    set_fonts(p.add_run(text), FANGSONG, BODY_PT)
    return p


def page_break(doc: DocumentType) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def attachment_label(doc: DocumentType, text: str) -> Paragraph:
    """“附件1” at the top left of the attachment's first page, in 黑体."""
    p = doc.add_paragraph()
    set_fonts(p.add_run(text), HEITI, BODY_PT)
    return p


def cell_text(
    cell: object,
    text: str,
    *,
    east_asia: str = FANGSONG,
    size: float = TABLE_PT,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    """Write ``text`` (lines split on "\\n") into a table cell, single spaced."""
    paragraphs = cell.paragraphs  # type: ignore[attr-defined]
    first = True
    for line in text.split("\n") or [""]:
        p = paragraphs[0] if first else cell.add_paragraph()  # type: ignore[attr-defined]
        first = False
        pf = p.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        pf.first_line_indent = Pt(0)
        if align is not None:
            p.alignment = align
        set_fonts(p.add_run(line), east_asia, size, bold=bold)


def grid_table(doc: DocumentType, rows: int, cols: int, widths_mm: list[float]) -> Table:
    table = doc.add_table(rows=rows, cols=cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table

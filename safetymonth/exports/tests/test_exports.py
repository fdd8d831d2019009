"""Every export opens with openpyxl / python-docx and holds the known figures (dashboard/tests/helpers
known_tree); the progress report has the GB/T 9704 page; each export is audited; the big exports run
a fixed number of queries from 10 to 1,000 orgs; LibreOffice turns each into a PDF with the text."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from safetymonth.audit.models import AuditEntry
from safetymonth.dashboard.tests.helpers import grow, known_tree
from safetymonth.exports import services
from safetymonth.lib.blanks import yes_no

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(cast):
    return known_tree(cast)


def _get(client, user, rnd, name, org, query=""):
    client.force_login(user)
    url = reverse(f"exports:{name}", args=[rnd.campaign.public_id, rnd.code, org.public_id]) + query
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content, response


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Statistics table


def test_table_xlsx_rollup_has_title_header_columns_and_filled_blanks(client, cast, rnd):
    content, response = _get(client, cast.office, rnd, "table_xlsx", cast.section, "?source=rollup")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells[0] == "附件1"
    assert cells[1] == rnd.form.title
    assert "填报科室：市场运行科" in cells[2] and "联系人：张三" in cells[2] and "电话：023-68083116" in cells[2]
    assert cells[3:6] == ["活动项目", "内容要求", "进展情况"]
    text = "\n".join(cells)
    # 市场运行科 10 + 加油站 3 + 超市 0, counting submitted reports
    assert "宣讲(13)场" in text or "宣讲（13）场" in text
    assert "（13）" in text


def test_table_own_values_show_numbers_and_checked_boxes(client, cast, rnd):
    content, _r = _get(client, cast.section_staff, rnd, "table_docx", cast.enterprise2, "?source=own")
    text = _docx_text(content)
    assert "填报科室：大渡口示例超市" in text
    assert "理论学习中心组学习（0）次" in text  # a reported zero stands in the blank
    assert yes_no(True) in text  # ☑是□否
    assert "附件1" in text


def test_table_own_of_an_org_without_report_leaves_blanks_empty(cast, rnd):
    table = services.statistics_table(rnd, cast.office_org, services.SOURCE_OWN)  # the office never reports
    progress = table.rows[0].progress
    assert "（\u3000）" in progress and "□是□否" in progress


# ---------------------------------------------------------------------------------------------
# Consolidated workbook


def test_workbook_rows_merged_headers_totals_and_sheets(client, cast, rnd):
    content, _r = _get(client, cast.office, rnd, "workbook", cast.commission)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["汇总", "上报情况", "文字材料"]
    ws = wb["汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header_items, header_labels = rows[1], rows[2]
    assert header_items[0] == "填报单位"
    first_item = rnd.form.items.order_by("order").first().title
    assert first_item in header_items
    # items are merged over their indicators
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert any(r.endswith("2") and ":" in r and not r.startswith("A") for r in merged)
    col = next(
        i
        for i, label in enumerate(header_labels)
        if label and label.startswith("开展安全生产“大讲堂”") and "场" in label
    )
    orgs = [r[0] for r in rows[3:-2]]
    assert orgs == ["商贸流通科", "市场运行科", "大渡口示例加油站", "大渡口示例超市"] or sorted(orgs) == sorted(
        ["商贸流通科", "市场运行科", "大渡口示例加油站", "大渡口示例超市"]
    )
    by_org = {r[0]: r for r in rows[3:-2]}
    assert by_org["大渡口示例超市"][col] == 0
    assert by_org["商贸流通科"][4] == "逾期"
    totals = rows[-2]
    assert totals[0] == "合计" and totals[col] == 20
    completeness = [[c.value for c in row] for row in wb["上报情况"].iter_rows()]
    summary = {r[0]: r[1] for r in completeness[:9]}
    assert summary["应报单位"] == 6 and summary["已报单位"] == 4 and summary["上报率（%）"] == 66.7
    assert summary["逾期上报"] == 1
    names = [r[0] for r in completeness[11:]]
    assert "大渡口示例餐馆" in names and "区商务发展服务中心" in names and "规划秩序科" not in names
    texts = [[c.value for c in row] for row in wb["文字材料"].iter_rows()]
    assert [r[0] for r in texts if r[3] == "加油站开展应急演练"] == ["大渡口示例加油站"]


# ---------------------------------------------------------------------------------------------
# Progress report


def test_progress_report_layout_gb_t_9704(client, cast, rnd):
    content, _r = _get(client, cast.office, rnd, "report", cast.commission)
    doc = Document(io.BytesIO(content))
    section = doc.sections[0]

    def mm(length):  # stored in twentieths of a point: compare to 0.1 mm
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    # type area 156 × 225 mm
    assert mm(section.page_width) - mm(section.left_margin) - mm(section.right_margin) == 156
    assert mm(section.page_height) - mm(section.top_margin) - mm(section.bottom_margin) == 225
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    title = doc.paragraphs[0]
    assert title.text == "关于开展2021年全区商务领域“安全生产月”活动进展情况的报告"
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    fonts = {p.text[:4]: p.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs if p.text}
    assert fonts["一、上报"] == "黑体"
    assert fonts["（一）学"] == "楷体_GB2312"
    # page numbers — PAGE — on odd (right) and even (left) footers
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and section.footer.paragraphs[0].text.startswith("— ")
    assert "PAGE" in section.even_page_footer.paragraphs[0]._p.xml
    assert doc.settings.odd_and_even_pages_header_footer
    # 附件 on a new page
    xml = doc.element.body.xml
    assert xml.index("附件：") < xml.index('w:type="page"') < xml.index(">附件<")
    text = _docx_text(content)
    assert "本批次应报单位6个，已报4个，上报率66.7%" in text
    assert "逾期上报1个" in text and "大渡口示例餐馆" in text
    assert "加油站开展应急演练" in text  # a typical case
    assert "学习（20）次" in text


def test_report_title_from_notice_title():
    class C:
        title = "关于开展2022年“安全生产月”活动的通知"

    assert services.report_title(C()) == "关于开展2022年“安全生产月”活动进展情况的报告"
    C.title = "安全生产月"
    assert services.report_title(C()) == "安全生产月进展情况报告"


# ---------------------------------------------------------------------------------------------
# CSV


def test_csv_is_streamed_with_bom_and_holds_every_value(client, cast, rnd):
    content, response = _get(client, cast.office, rnd, "values_csv", cast.commission)
    assert response.streaming
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["单位", "单位类型", "统一社会信用代码", "状态"]
    lecture = [r for r in rows[1:] if r[7] == "lecture_sessions"]
    by_org = {r[0]: r for r in lecture}
    assert by_org["大渡口示例餐馆"][10] == "100" and by_org["大渡口示例餐馆"][3] == "草稿"  # all values, any status
    assert by_org["大渡口示例超市"][10] == "0"
    assert by_org["商贸流通科"][4] == "是"


@pytest.mark.parametrize("name", ["table_xlsx", "table_docx", "workbook", "report", "values_csv"])
def test_exports_are_official_documents_in_chinese_for_an_english_reader(client, cast, rnd, name):
    """The site may be read in English; what is handed to the district stays Chinese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.office)
    assert 'lang="en"' in client.get(reverse("core:home")).content.decode()  # the site itself is English
    content, response = _get(client, cast.office, rnd, name, cast.section, "?source=rollup")
    if name == "values_csv":
        text = content.decode("utf-8-sig")
    elif name in ("table_xlsx", "workbook"):
        wb = load_workbook(io.BytesIO(content))
        text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    else:
        text = _docx_text(content)
    assert "活动项目" in text or "单位" in text
    for english in ("Activity item", "Organisation", "Approved", "Submitted", "Total"):
        assert english not in text, (name, english)
    assert "%E5" in response["Content-Disposition"]  # the file name is Chinese too (RFC 5987)


# ---------------------------------------------------------------------------------------------
# Audit, access, bad input


@pytest.mark.parametrize("name", ["table_xlsx", "table_docx", "workbook", "report", "values_csv"])
def test_every_export_is_audited(client, cast, rnd, name):
    before = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
    _get(client, cast.leader, rnd, name, cast.section)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("-pk").first()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == before + 1
    assert entry.actor == cast.leader and "市场运行科" in entry.summary


def test_unknown_options_fall_back_to_defaults(client, cast, rnd):
    content, _r = _get(client, cast.office, rnd, "table_xlsx", cast.section, "?source=bogus&counting=%3Cx%3E")
    assert load_workbook(io.BytesIO(content)).active["A1"].value == "附件1"


def test_org_outside_the_campaign_tree_is_404(client, cast, rnd):
    client.force_login(cast.other_office)
    url = reverse("exports:report", args=[rnd.campaign.public_id, rnd.code, cast.other_authority.public_id])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Query counts


def _queries(client, cast, rnd, name, django_assert_max_num_queries):
    client.force_login(cast.office)
    url = reverse(f"exports:{name}", args=[rnd.campaign.public_id, rnd.code, cast.commission.public_id])
    with django_assert_max_num_queries(26) as ctx:  # session, user, memberships, audit included
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["table_xlsx", "workbook", "report", "values_csv"])
def test_export_queries_flat_from_10_to_1000_orgs(client, cast, rnd, name, django_assert_max_num_queries):
    grow(cast.section, rnd, 10)
    small = _queries(client, cast, rnd, name, django_assert_max_num_queries)
    grow(cast.section, rnd, 990, start=10)
    assert _queries(client, cast, rnd, name, django_assert_max_num_queries) == small


def test_workbook_with_1000_orgs_has_a_row_each_and_the_totals(client, cast, rnd):
    grow(cast.section, rnd, 1000)
    content, _r = _get(client, cast.office, rnd, "workbook", cast.commission)
    ws = load_workbook(io.BytesIO(content), read_only=True)["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 3 + 4 + 1000 + 1 + 1
    labels = rows[2]
    col = next(
        i for i, label in enumerate(labels) if label and label.startswith("开展安全生产“大讲堂”") and "场" in label
    )
    assert rows[-2][col] == 20 + 2 * 1000


# ---------------------------------------------------------------------------------------------
# LibreOffice (a test tool; scripts/system-packages.sh installs it for `make test` and CI). Where it
# is missing these tests skip, and the run ends saying so (a failure under CI): tests/tool_checks.py

SOFFICE = shutil.which("soffice") or "soffice"
PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"


@pytest.mark.needs_tools("soffice", "pdftotext")
@pytest.mark.parametrize(
    ("name", "ext", "query", "expected"),
    [
        ("table_xlsx", "xlsx", "?source=rollup", ["附件1", "活动项目", "进展情况", "市场运行科", "13"]),
        ("table_docx", "docx", "?source=own", ["附件1", "填报科室", "市场运行科", "10", "☑"]),
        ("workbook", "xlsx", "", ["填报单位", "合计", "大渡口示例加油站", "13"]),
        ("report", "docx", "", ["进展情况的报告", "上报情况", "典型案例", "附件：", "— 1 —", "— 2 —"]),
    ],
)
def test_libreoffice_pdf_has_the_chinese_text_and_numbers(
    client, cast, rnd, tmp_path: Path, name, ext, query, expected
):
    content, _r = _get(client, cast.office, rnd, name, cast.section, query)
    source = tmp_path / f"export.{ext}"
    source.write_bytes(content)
    subprocess.run(  # noqa: S603 - fixed argv, a file written by this test
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(  # noqa: S603 - fixed argv
        [PDFTOTEXT, "-layout", str(tmp_path / "export.pdf"), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    squeezed = "".join(text.split())
    for piece in expected:
        assert "".join(piece.split()) in squeezed, (piece, text[:2000])


def _pdf_text(source: Path) -> str:
    subprocess.run(  # noqa: S603 - fixed argv, a file written by the test
        [
            SOFFICE,
            f"-env:UserInstallation=file://{source.parent}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return subprocess.run(  # noqa: S603 - fixed argv
        [PDFTOTEXT, "-layout", str(source.with_suffix(".pdf")), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")


@pytest.mark.needs_tools("soffice", "pdftotext")
def test_official_layout_sets_28_characters_a_line(tmp_path: Path):
    """GB/T 9704: 28 characters of 3号 a line in the 156-mm type area (27 fit without the 0.25-pt
    condensing), the first line of an indented paragraph 26 after its two-character indent."""
    from safetymonth.exports import docx_layout as layout

    doc = layout.new_document()
    layout.body(doc, "一二三四五六七八九十" * 10, indent=False)
    layout.body(doc, "一二三四五六七八九十" * 10)
    source = tmp_path / "layout.docx"
    doc.save(str(source))
    lines = ["".join(line.split()) for line in _pdf_text(source).splitlines() if "一" in line or "五" in line]
    assert [len(line) for line in lines[:3]] == [28, 28, 28], lines
    assert lines[0].startswith("一二三四五六七八九十一二三四五六七八九十一二三四五六七八")
    assert len(lines[4]) == 26, lines  # the indented paragraph's first line
    normal = doc.styles["Normal"].element.rPr
    assert [child.tag.split("}")[1] for child in normal][:3] == ["rFonts", "spacing", "sz"]  # schema order


def test_commission_rollup_header_uses_the_notice_contact(cast, rnd):
    table = services.statistics_table(rnd, cast.commission, services.SOURCE_ROLLUP)
    header = dict(table.header)
    assert header["填报科室"] == "重庆市大渡口区商务委员会"
    assert header["联系人"] == rnd.campaign.contact_name != ""
    assert header["填报日期"].endswith("日")


# ---------------------------------------------------------------------------------------------
# What the tables show is what was typed (issue 12)


def _typed_header(cast, rnd):
    from safetymonth.reports.models import Report

    Report.objects.filter(round=rnd, org=cast.other_section).update(
        contact_name="罗斌", contact_phone="13908361234", filled_on="2021-06-20"
    )


@pytest.mark.parametrize("name", ["table_xlsx", "table_docx"])
@pytest.mark.parametrize("source", ["own", "rollup"])
def test_every_per_org_table_shows_the_typed_header(client, cast, rnd, name, source):
    _typed_header(cast, rnd)
    content, _r = _get(client, cast.office, rnd, name, cast.other_section, f"?source={source}")
    if name == "table_docx":
        text = _docx_text(content)
    else:
        ws = load_workbook(io.BytesIO(content)).active
        text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "联系人：罗斌" in text and "电话：13908361234" in text and "填报日期：2021年6月20日" in text


def test_the_narrative_fills_the_typical_cases_blank(cast, rnd):
    report = services.progress_report(rnd, cast.commission)
    work = next(p for p in report.parts if p.heading == "二、主要工作进展")
    text = "".join(s.text for s in work.subsections)
    filled = text.split("典型案例具体为（", 1)[1].split("），", 1)[0]
    assert "大渡口示例加油站：加油站开展应急演练" in filled  # each case with its org
    assert filled.strip("\u3000 ")


def test_the_docx_statistics_table_is_landscape(client, cast, rnd):
    from docx.enum.section import WD_ORIENT

    content, _r = _get(client, cast.office, rnd, "table_docx", cast.section, "?source=rollup")
    section = Document(io.BytesIO(content)).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height

"""The dashboard in Chromium: the office opens it from the navigation, the ECharts charts draw
(non-empty canvases), a chart switches to its table, the office drills into a section and downloads
each export and each chart's CSV; the deadline countdown ticks; a section's staff read their
section's dashboard on a 375-px phone."""

from __future__ import annotations

import datetime as dt
import io
import re

from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from safetymonth.dashboard.tests.helpers import known_tree
from tests.browser.conftest import login

# The canvas has pixels that are not transparent: the chart drew something.
CANVAS_DRAWN = """el => {
  const c = el.querySelector('canvas');
  if (!c || !c.width || !c.height) return false;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
  return false;
}"""


def _download(page, testid: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(f"[data-testid={testid}]")
    download = info.value
    path = download.path()
    with open(path, "rb") as fh:
        return download.suggested_filename, fh.read()


def test_office_reads_the_dashboard_drills_down_and_downloads_every_export(
    browser, browser_context_args, live_server, cast
):
    rnd = known_tree(cast)
    context = browser.new_context(**browser_context_args, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(page, live_server, "office")
    page.get_by_role("link", name="看板").first.click()
    expect(page.locator("[data-testid=dashboard-title]")).to_contain_text("重庆市大渡口区商务委员会")
    expect(page.locator("[data-testid=card-rate]")).to_have_text("66.7%")
    expect(page.locator("[data-testid=card-missing]")).to_have_text("2")

    for chart in ("completeness", "participants", "main"):
        el = page.locator(f"[data-testid=chart-{chart}]")
        expect(el).to_have_attribute("data-drawn", "true")
        page.wait_for_function(
            f"() => ({CANVAS_DRAWN})(document.querySelector('[data-testid=chart-{chart}]'))", timeout=10000
        )
    assert not [e for e in errors if "Content Security Policy" in e], errors

    # a chart's table view
    card = page.locator("[data-chart-card]").first
    card.locator("[data-chart-toggle]").click()
    expect(card.locator("[data-chart-table]")).to_be_visible()
    expect(card.locator("[data-chart-table]")).to_contain_text("市场运行科")

    # the filter: approved reports only
    page.select_option("#id_counting", "approved")
    expect(page.locator("[data-testid=card-rate]")).to_have_text("33.3%")
    page.select_option("#id_counting", "submitted")
    expect(page.locator("[data-testid=card-rate]")).to_have_text("66.7%")

    # drill into 市场运行科: its own report and each enterprise
    page.locator("[data-testid=group-row][data-org=市场运行科] [data-testid=drill]").click()
    expect(page.locator("[data-testid=dashboard-title]")).to_contain_text("市场运行科")
    rows = page.locator("[data-testid=group-row]")
    expect(rows).to_have_count(3)
    expect(page.locator("[data-testid=total-row][data-code=lecture_sessions] [data-testid=total-value]")).to_have_text(
        "13"
    )

    name, content = _download(page, "export-table-xlsx")
    assert name.endswith(".xlsx")
    assert load_workbook(io.BytesIO(content)).active["A1"].value == "附件1"
    name, content = _download(page, "export-table-docx")
    assert name.endswith(".docx") and "附件1" in Document(io.BytesIO(content)).paragraphs[0].text
    name, content = _download(page, "export-workbook")
    assert load_workbook(io.BytesIO(content)).sheetnames == ["汇总", "上报情况", "文字材料"]
    name, content = _download(page, "export-report")
    assert "进展情况的报告" in Document(io.BytesIO(content)).paragraphs[0].text
    name, content = _download(page, "export-csv")
    assert name.endswith(".csv") and content.startswith("\ufeff单位".encode())

    # each chart's numbers as CSV, beside its table toggle
    name, content = _download(page, "chart-csv-completeness")
    assert name == f"市场运行科-{rnd.name}-各单位上报情况.csv"
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "单位,按时,逾期,未报,上报率（%）" and lines[1] == "本单位,1,0,0,100.0"
    name, content = _download(page, "chart-csv-main")
    assert name.endswith("各单位主要工作量.csv") and content.startswith("\ufeff单位,".encode())
    context.close()  # no request left running into the next test


def test_the_deadline_countdown_ticks(browser, browser_context_args, live_server, cast):
    """The server writes the time left once; app.js recounts it from the browser's clock every
    30 s, in the words the template gave it, and turns it red once the deadline has passed."""
    rnd = known_tree(cast)  # the deadline is in 10 days
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    login(page, live_server, "office")
    # the browser's clock: 3 days, 5 hours and 30 minutes before the deadline
    page.clock.install(time=rnd.deadline - dt.timedelta(days=3, hours=5, minutes=30))
    page.goto(f"{live_server.url}/dashboard/{rnd.campaign.public_id}/{rnd.code}/")
    countdown = page.locator("[data-testid=countdown-text]")
    expect(countdown).to_have_text("距截止还有 3 天 5 小时")
    page.clock.fast_forward("01:00:00")
    expect(countdown).to_have_text("距截止还有 3 天 4 小时")
    expect(countdown).not_to_have_class(re.compile("text-danger"))
    page.clock.fast_forward(int(dt.timedelta(days=3, hours=5).total_seconds() * 1000))  # 30 min after it
    expect(countdown).to_have_text("已截止 0 天 0 小时")
    expect(countdown).to_have_class(re.compile("text-danger"))
    context.close()


def test_section_staff_read_their_dashboard_on_a_phone(browser, phone, live_server, cast):
    known_tree(cast)
    context = browser.new_context(**phone)
    page = context.new_page()
    login(page, live_server, "section")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("[data-testid=dashboard-title]")).to_contain_text("市场运行科")
    expect(page.locator("[data-testid=card-rate]")).to_have_text("100.0%")
    page.wait_for_function(
        f"() => ({CANVAS_DRAWN})(document.querySelector('[data-testid=chart-participants]'))", timeout=10000
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


# Every value label of a chart lies inside its canvas: {text, left, right, width} of each label
# (the zrender text spans ECharts draws), to compare with the chart's width.
LABEL_BOXES = """el => {
  const chart = window.echarts.getInstanceByDom(el);
  const out = [];
  chart.getZr().storage.getDisplayList().forEach(d => {
    const text = d.style && d.style.text;
    if (!text || !/^[0-9]+$/.test(String(text))) return;
    const r = d.getBoundingRect().clone();
    const m = d.getComputedTransform();
    if (m) r.applyTransform(m);
    out.push({text: String(text), left: r.x, right: r.x + r.width});
  });
  return {width: chart.getWidth(), labels: out};
}"""


def test_a_big_value_label_is_not_clipped_on_a_phone(browser, phone, live_server, cast):
    from safetymonth.reports.models import ReportStatus, Value
    from safetymonth.reports.tests.helpers import in_status

    report = in_status(cast, cast.section, ReportStatus.APPROVED)
    # one item's 人次 as big as a real one (4872 was drawn as 487, its last digit cut off)
    value = Value.objects.filter(report=report, indicator__unit="人次").order_by("indicator__order").first()
    Value.objects.filter(pk=value.pk).update(int_value=4872, raw="4872")
    context = browser.new_context(**phone)
    page = context.new_page()
    login(page, live_server, "section")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_function(
        f"() => ({CANVAS_DRAWN})(document.querySelector('[data-testid=chart-participants]'))", timeout=10000
    )
    boxes = page.evaluate(f"({LABEL_BOXES})(document.querySelector('[data-testid=chart-participants]'))")
    biggest = max(boxes["labels"], key=lambda b: int(b["text"]))
    assert int(biggest["text"]) >= 4872, boxes  # the label holds the whole number …
    for box in boxes["labels"]:  # … and every label lies inside the canvas, none cut at its right edge
        assert box["left"] >= 0 and box["right"] <= boxes["width"], boxes
    context.close()

"""The shared report-form renderer in Chromium: three paper columns on a desktop, one column with
every box on screen at 375 px, and the radio buttons and text boxes usable with a finger."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Context, Template
from playwright.sync_api import expect

from safetymonth.campaigns.definition import DEFINITIONS_DIR
from safetymonth.campaigns.services import load_campaign

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def form_html(cast) -> str:
    campaign = load_campaign((DEFINITIONS_DIR / "dadukou-commerce-2021.yaml").read_text(encoding="utf-8")).campaign
    form = campaign.forms.get()
    body = Template("{% load campaign_forms %}{% render_report_form form errors=errors %}").render(
        Context(
            {"form": form, "errors": {"theory_study_participants": ["理论学习中心组学习的参与人次不能少于学习次数。"]}}
        )
    )
    head = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    main = f'<main class="container-lg">{body}</main>'
    return f'<!doctype html><html lang="zh-CN"><head>{head}</head><body>{main}</body></html>'


def _show(page, html: str) -> None:
    page.set_content(html)
    page.add_style_tag(content=(STATIC / "vendor" / "bootstrap" / "bootstrap.min.css").read_text(encoding="utf-8"))
    page.add_style_tag(content=(STATIC / "css" / "form.css").read_text(encoding="utf-8"))


def test_three_columns_on_a_desktop(page, form_html):
    page.set_viewport_size({"width": 1280, "height": 900})
    _show(page, form_html)
    row = page.locator("tr[data-item=theory_study]")
    boxes = [row.locator(sel).bounding_box() for sel in ("th", "td.sm-col-requirement", "td.sm-col-progress")]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert abs(boxes[0]["y"] - boxes[2]["y"]) < 2
    expect(page.locator("thead")).to_be_visible()
    # the box stands inside the sentence: same line as the text around it
    cell = row.locator("td.sm-col-progress p").first
    box = page.locator("#id_ind-theory_study_sessions").bounding_box()
    assert cell.bounding_box()["y"] <= box["y"] < cell.bounding_box()["y"] + 40
    expect(page.locator("#id_ind-theory_study_participants-error")).to_be_visible()


def test_one_column_at_375_px(browser, phone, form_html):
    context = browser.new_context(**phone)
    page = context.new_page()
    _show(page, form_html)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.locator("thead")).to_be_hidden()
    row = page.locator("tr[data-item=theory_study]")
    title, requirement, progress = (
        row.locator(sel).bounding_box() for sel in ("th", "td.sm-col-requirement", "td.sm-col-progress")
    )
    assert title["y"] < requirement["y"] < progress["y"]  # stacked
    assert progress["width"] > 300
    for box in page.locator(".sm-blank-input").all():
        b = box.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 375
    page.fill("#id_ind-theory_study_sessions", "3")
    page.locator("label[for=id_ind-special_film_studied-yes]").tap()
    expect(page.locator("#id_ind-special_film_studied-yes")).to_be_checked()
    context.close()

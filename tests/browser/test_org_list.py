"""The org list: the office narrows the tree with the search box and filters (htmx, no reload)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_office_filters_org_list_without_reload(page, live_server, cast):
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/orgs/")
    rows = page.locator("[data-testid=org-row]")
    expect(rows).to_have_count(8)
    # a marker on the page survives htmx swaps of the results but not a full page load
    page.locator("h1").evaluate("el => el.setAttribute('data-marker', 'same-page')")
    page.fill("#id_q", "加油站")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(cast.enterprise.name)
    expect(page).to_have_url(re.compile(r"q=%E5%8A%A0"))
    page.fill("#id_q", "")
    page.select_option("#id_kind", "enterprise")
    page.check("#id_incomplete")
    expect(page).to_have_url(re.compile(r"incomplete=on"))
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=org-table]")).to_contain_text(cast.enterprise2.name)
    expect(page.locator("[data-testid=org-table]")).to_contain_text(cast.other_enterprise.name)
    expect(page.locator("h1[data-marker=same-page]")).to_have_count(1)
    # the section's enterprise count is shown beside it
    page.goto(f"{live_server.url}/orgs/?kind=section")
    section_row = page.locator("[data-testid=org-row]", has_text=cast.section.name)
    expect(section_row.locator("[data-testid=enterprise-count]")).to_have_text("2")

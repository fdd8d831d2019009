"""Evidence review in Chromium: the enterprise's materials exist; the section (on a 375-px phone)
opens the gallery, tries to reject one without a reason (told why at the field), rejects it with a
reason and accepts another as good practice, without leaving the page (htmx); the office downloads
the inspection package of the section's subtree and its manifest lists the materials."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from playwright.sync_api import expect

from safetymonth.audit.models import AuditEntry
from safetymonth.evidence.models import Material, ReviewState
from safetymonth.evidence.tests.factories_review import first_item, make_material, tmp_storage  # noqa: F401
from safetymonth.reports.tests.helpers import published_2021
from tests.browser.conftest import login


def _card(page, title: str):
    return page.locator(f"[data-testid=material-card][data-title='{title}']")


def test_section_reviews_and_office_downloads_the_package(browser, phone, live_server, cast, tmp_storage, tmp_path):  # noqa: F811
    campaign = published_2021(cast)
    item = first_item(campaign)
    blurry = make_material(cast, cast.enterprise, title="模糊的照片", item=item)
    drill = make_material(cast, cast.enterprise, title="消防演练现场", item=item)
    make_material(cast, cast.enterprise2, title="超市安全培训")
    make_material(cast, cast.other_enterprise, title="别的科室的材料")

    # the section, on a phone
    context = browser.new_context(**phone)
    section = context.new_page()
    login(section, live_server, "section")
    section.goto(f"{live_server.url}/evidence/")
    section.wait_for_load_state("load")
    expect(_card(section, "模糊的照片")).to_be_visible()
    expect(_card(section, "别的科室的材料")).to_have_count(0)
    assert section.evaluate("document.documentElement.scrollWidth") <= 375

    # reject without a reason: refused, said at the field; then with a reason
    card = _card(section, "模糊的照片")
    card.locator("[data-testid=card-review] summary").click()
    card.locator("[data-testid=review-reject]").check()
    card.locator("[data-testid=review-submit]").click()
    expect(card.locator("[data-testid=reason-error]")).to_have_text("不采纳时请填写原因。")
    card.locator("[data-testid=review-reject]").check()
    card.locator("[data-testid=review-reason-input]").fill("照片模糊，看不清现场")
    card.locator("[data-testid=review-submit]").click()
    expect(card.locator("[data-testid=review-panel] [data-testid=review-state]")).to_have_attribute(
        "data-state", "rejected"
    )
    expect(card.locator("[data-testid=review-note]")).to_be_visible()

    # accept the other one as good practice
    card = _card(section, "消防演练现场")
    card.locator("[data-testid=card-review] summary").click()
    card.locator("[data-testid=review-accept]").check()
    card.locator("[data-testid=review-good-practice]").check()
    card.locator("[data-testid=review-submit]").click()
    expect(card.locator("[data-testid=review-panel] [data-testid=review-state]")).to_have_attribute(
        "data-state", "accepted"
    )
    expect(card.locator("[data-testid=review-panel] [data-testid=good-practice-badge]")).to_be_visible()
    assert section.url.rstrip("/").endswith("/evidence")  # stayed on the gallery

    # its page on the phone: the review and its history
    card.locator("[data-testid=material-title]").click()
    expect(section.locator("[data-testid=material-heading]")).to_have_text("消防演练现场")
    expect(section.locator("[data-testid=material-history]")).to_contain_text("采纳佐证材料")
    assert section.evaluate("document.documentElement.scrollWidth") <= 375

    blurry.refresh_from_db()
    drill.refresh_from_db()
    assert (blurry.review_state, blurry.review_reason) == (ReviewState.REJECTED, "照片模糊，看不清现场")
    assert drill.review_state == ReviewState.ACCEPTED and drill.is_good_practice
    context.close()

    # the showcase features it
    office_ctx = browser.new_context(accept_downloads=True)
    office = office_ctx.new_page()
    login(office, live_server, "office")
    office.goto(f"{live_server.url}/evidence/good-practice/")
    expect(_card(office, "消防演练现场")).to_be_visible()
    expect(_card(office, "模糊的照片")).to_have_count(0)

    # the office downloads the package of the section's subtree from the gallery
    office.goto(f"{live_server.url}/evidence/?org={cast.section.public_id}&campaign={campaign.public_id}")
    with office.expect_download() as info:
        office.locator("[data-testid=package-link]").click()
    download = info.value
    assert download.suggested_filename.endswith(".zip") and "市场运行科" in download.suggested_filename
    path = tmp_path / "package.zip"
    download.save_as(path)
    zf = zipfile.ZipFile(path)
    assert zf.testzip() is None
    ws = load_workbook(io.BytesIO(zf.read("manifest.xlsx")), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    titles = {row[header.index("标题")]: row for row in rows[1:]}
    assert set(titles) == {"模糊的照片", "消防演练现场", "超市安全培训"}
    assert titles["消防演练现场"][header.index("审核状态")] == "已采纳"
    assert titles["消防演练现场"][header.index("好的做法")] == "是"
    for title, row in titles.items():
        name = row[header.index("包内文件名")]
        assert name in zf.namelist(), title
        assert row[header.index("SHA-256")] == Material.objects.get(title=title).sha256
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=cast.section.public_id).exists()
    office_ctx.close()

"""Evidence upload in Chromium on a 375-px phone: the enterprise's staff choose two photos and a
small video on the upload page, the upload survives a dropped chunk (retried from the server's
offset), the progress bars reach 100 % and the cards appear."""

from __future__ import annotations

import hashlib
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from safetymonth.evidence.models import Material
from safetymonth.evidence.tests.upload_helpers import jpeg, mp4
from safetymonth.reports.tests.helpers import published_2021
from tests.browser.conftest import login, server_paused


def test_enterprise_uploads_photos_and_video_on_a_phone(browser, phone, live_server, cast, settings):
    settings.EVIDENCE_CHUNK_BYTES = 4096  # several chunks per file
    campaign = published_2021(cast)
    item = campaign.forms.first().items.order_by("order").first()
    photo1, photo2 = jpeg(size=(640, 480)), jpeg(size=(480, 640))
    video = mp4(mdat=bytes(range(256)) * 80)

    context = browser.new_context(**phone)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    login(page, live_server, "enterprise")
    page.goto(f"{live_server.url}/evidence/upload/?campaign={campaign.public_id}&item={item.code}")
    page.wait_for_load_state("load")
    expect(page.locator("[data-testid=dropzone]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # the connection drops once in the middle of the video
    dropped = {"n": 0}

    def flaky(route, request):
        if request.method == "PUT" and request.headers.get("upload-offset") == "8192" and dropped["n"] == 0:
            dropped["n"] += 1
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/evidence/uploads/**", flaky)

    page.set_input_files(
        "[data-testid=file-input]",
        files=[
            {"name": "现场照片1.jpg", "mimeType": "image/jpeg", "buffer": photo1},
            {"name": "现场照片2.jpg", "mimeType": "image/jpeg", "buffer": photo2},
            {"name": "消防演练.mp4", "mimeType": "video/mp4", "buffer": video},
        ],
    )
    rows = page.locator("[data-testid=upload-row]")
    expect(rows).to_have_count(3)
    rows.nth(0).locator("[data-title-input]").fill("加油站消防演练")
    page.click("[data-testid=upload-all]")

    for i in range(3):
        expect(rows.nth(i).locator("[data-testid=upload-progress]")).to_have_attribute("value", "100", timeout=20000)
        expect(rows.nth(i).locator("[data-testid=upload-status]")).to_have_class("small text-success", timeout=20000)
    expect(page.locator("[data-testid=upload-card]")).to_have_count(3, timeout=10000)
    expect(page.locator("[data-testid=evidence-list]")).to_contain_text("加油站消防演练")
    assert dropped["n"] == 1
    assert not [m for m in console if "Content Security Policy" in m]

    materials = {m.original_name: m for m in Material.objects.filter(org=cast.enterprise)}
    assert set(materials) == {"现场照片1.jpg", "现场照片2.jpg", "消防演练.mp4"}
    assert materials["消防演练.mp4"].sha256 == hashlib.sha256(video).hexdigest()
    assert materials["消防演练.mp4"].duration_seconds == 12.5
    assert materials["现场照片1.jpg"].title == "加油站消防演练"
    assert all(m.item_id == item.pk for m in materials.values())
    context.close()


def test_upload_resumes_after_a_reload(browser, phone, live_server, cast, settings, tmp_path):
    """The network goes away mid-video; the user reloads the page and picks the same file again:
    the upload carries on from the server's offset instead of starting over."""
    settings.EVIDENCE_CHUNK_BYTES = 4096
    campaign = published_2021(cast)
    video = mp4(mdat=bytes(range(256)) * 80)
    path = tmp_path / "演练视频.mp4"
    path.write_bytes(video)

    context = browser.new_context(**phone)
    page = context.new_page()
    login(page, live_server, "enterprise")
    upload_url = f"{live_server.url}/evidence/upload/?campaign={campaign.public_id}"
    page.goto(upload_url)
    page.wait_for_load_state("load")

    offline = {"on": True}

    def cut(route, request):
        offset = request.headers.get("upload-offset")
        if request.method == "PUT" and offline["on"] and offset and int(offset) >= 8192:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/evidence/uploads/**", cut)
    page.set_input_files("[data-testid=file-input]", str(path))
    page.click("[data-testid=upload-all]")
    expect(page.locator("[data-testid=upload-status]")).to_have_text("网络中断，正在重试…", timeout=10000)
    page.unroute("**/evidence/uploads/**")

    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.headers.get("upload-offset", "")) if r.method == "PUT" else None)
    page.goto(upload_url)
    page.wait_for_load_state("load")
    page.set_input_files("[data-testid=file-input]", str(path))
    page.click("[data-testid=upload-all]")
    row = page.locator("[data-testid=upload-row]")
    expect(row.locator("[data-testid=upload-progress]")).to_have_attribute("value", "100", timeout=20000)
    expect(row.locator("[data-testid=upload-status]")).to_have_class("small text-success", timeout=20000)
    assert seen and int(seen[0]) == 8192  # carried on, did not start over
    material = Material.objects.get(org=cast.enterprise)
    assert material.sha256 == hashlib.sha256(video).hexdigest()
    context.close()


def test_ended_session_stops_with_a_message(browser, phone, live_server, cast):
    """Signed out meanwhile: the widget says so instead of retrying for ever."""
    campaign = published_2021(cast)
    context = browser.new_context(**phone)
    page = context.new_page()
    login(page, live_server, "enterprise")
    page.goto(f"{live_server.url}/evidence/upload/?campaign={campaign.public_id}")
    page.wait_for_load_state("networkidle")
    # the session ended (idle timeout) while the page stayed open: through the session engine, so
    # that a cached session (Redis, cached_db) ends too, not only its database row; between two
    # requests, so that no request in flight writes it back
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with server_paused(live_server):
        for key in list(Session.objects.values_list("session_key", flat=True)):
            store(session_key=key).delete()
    assert not Session.objects.exists()
    page.set_input_files(
        "[data-testid=file-input]", files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    page.click("[data-testid=upload-all]")
    status = page.locator("[data-testid=upload-status]")
    expect(status).to_contain_text("登录已过期", timeout=10000)
    assert not Material.objects.exists()
    context.close()

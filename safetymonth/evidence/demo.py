"""The demo's evidence: photos of two demo events, put through the real upload pipeline (checks,
EXIF/GPS-stripped served copy, thumbnail, capture time), so the gallery, the event pages, the
report's evidence counts and the review have something to show. ``load_demo`` runs
``load_demo_materials`` after the events. The pictures are drawn here (no files shipped); one
carries GPS and a capture time in its EXIF, to show what reviewers see and others do not."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from safetymonth.accounts.models import User
from safetymonth.events.demo import CAMPAIGN_CODE
from safetymonth.events.models import Event
from safetymonth.evidence import services
from safetymonth.evidence.models import Material

# (event title, uploader username, material title, colour, with GPS, description)
DEMO_PHOTOS: list[tuple[str, str, str, tuple[int, int, int], bool, str]] = [
    (
        "加油站火灾应急疏散演练",
        "enterprise",
        "演练现场：初期灭火",
        (196, 64, 48),
        True,
        "员工使用灭火器扑救模拟油罐车火情。",
    ),
    (
        "加油站火灾应急疏散演练",
        "enterprise",
        "演练现场：人员疏散",
        (232, 140, 40),
        False,
        "顾客和员工按疏散路线撤离到安全区域。",
    ),
    ("6·16安全宣传咨询日现场咨询", "section", "咨询台", (40, 110, 190), False, "现场解答群众咨询，宣传12350举报热线。"),
]


def _photo(colour: tuple[int, int, int], day: int, with_gps: bool) -> bytes:
    """A 640×480 JPEG: a coloured scene with a few shapes; EXIF capture time (June ``day`` 2021,
    China time) and, if asked, a GPS position (大渡口区)."""
    img = Image.new("RGB", (640, 480), (235, 238, 242))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 300, 640, 480), fill=(120, 124, 130))
    draw.rectangle((60, 140, 300, 300), fill=colour)
    draw.polygon([(40, 140), (180, 60), (320, 140)], fill=tuple(max(0, c - 50) for c in colour))
    for i in range(6):
        x = 360 + i * 42
        draw.ellipse((x, 230, x + 26, 256), fill=(60, 60, 70))
        draw.rectangle((x + 4, 256, x + 22, 300), fill=(60, 60, 70))
    exif = Image.Exif()
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003] = f"2021:06:{day:02d} 10:15:00"  # DateTimeOriginal
    exif_ifd[0x9011] = "+08:00"  # OffsetTimeOriginal
    if with_gps:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (29.0, 29.0, 2.0)
        gps[3], gps[4] = "E", (106.0, 28.0, 55.0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85, exif=exif)
    return buf.getvalue()


def load_demo_materials(demo: Any) -> None:
    """Upload the demo photos once (a material with the same event and title is left alone)."""
    for event_title, username, title, colour, with_gps, text in DEMO_PHOTOS:
        event = Event.objects.filter(campaign__code=CAMPAIGN_CODE, title=event_title).select_related("campaign").first()
        user = User.objects.filter(username=username).first()
        if event is None or user is None:
            continue
        if Material.objects.filter(event=event, title=title).exists():
            demo.existing["material"] += 1
            continue
        data = _photo(colour, event.starts_at.day, with_gps)
        place = services.Place(campaign=event.campaign, org=event.org, event=event)
        session = services.start_upload(
            user, place, title=title, description=text, original_name=f"IMG_2021{len(title):04d}.jpg", size=len(data)
        )
        services.append_chunk(session, 0, io.BytesIO(data), len(data))
        services.finish_upload(user, session)
        demo.created["material"] += 1

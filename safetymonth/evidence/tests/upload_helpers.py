"""Files and uploads for the upload/serving tests and access rows: JPEGs with EXIF/GPS, a tiny
MP4, and the whole pipeline (start, chunks, finish) through the services or the HTTP protocol."""

from __future__ import annotations

import io
import itertools
from typing import Any

from django.urls import reverse
from PIL import Image

from safetymonth.evidence import services
from safetymonth.evidence.models import Material, UploadSession
from safetymonth.lib import media
from safetymonth.reports.tests.helpers import published_2021

_seq = itertools.count(1)


def jpeg(
    *,
    size: tuple[int, int] = (64, 48),
    when: str | None = "2021:06:16 10:30:00",
    offset: str | None = None,
    gps: bool = True,
    n: int | None = None,
) -> bytes:
    """A JPEG with EXIF DateTimeOriginal (and OffsetTimeOriginal) and GPS tags; a different colour
    for every call so hashes differ."""
    n = next(_seq) if n is None else n
    im = Image.new("RGB", size, ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    if when:
        exif.get_ifd(0x8769)[0x9003] = when
        if offset:
            exif.get_ifd(0x8769)[0x9011] = offset
    if gps:
        g = exif.get_ifd(0x8825)
        g[1] = "N"
        g[2] = (29.0, 28.0, 51.0)
        g[3] = "E"
        g[4] = (106.0, 29.0, 13.0)
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif, quality=90)
    return buf.getvalue()


def png(n: int | None = None) -> bytes:
    n = next(_seq) if n is None else n
    buf = io.BytesIO()
    Image.new("RGBA", (20, 10), (n % 256, 10, 10, 128)).save(buf, "PNG")
    return buf.getvalue()


def mp4(**kwargs: Any) -> bytes:
    return media.tiny_mp4(**kwargs)


def place(cast: Any, org: Any = None, *, item: bool = True) -> services.Place:
    campaign = published_2021(cast)
    first_item = campaign.forms.first().items.order_by("order").first() if item else None
    return services.Place(campaign=campaign, org=org or cast.enterprise, item=first_item)


def start(cast: Any, data: bytes, name: str = "photo.jpg", *, user: Any = None, org: Any = None) -> UploadSession:
    return services.start_upload(
        user or cast.enterprise_staff,
        place(cast, org),
        title="现场照片",
        description="",
        original_name=name,
        size=len(data),
    )


def upload(cast: Any, data: bytes, name: str = "photo.jpg", *, user: Any = None, org: Any = None) -> Material:
    """The whole pipeline through the services; the material (new or recognised)."""
    user = user or cast.enterprise_staff
    session = start(cast, data, name, user=user, org=org)
    services.append_chunk(session, 0, io.BytesIO(data), len(data))
    material, _dup = services.finish_upload(user, session)
    return material


def http_upload(client: Any, cast: Any, data: bytes, name: str = "photo.jpg", chunk: int = 1000, **extra: str):
    """The protocol over HTTP: start, PUT chunks, finish. The finish response."""
    p = place(cast)
    res = client.post(
        reverse("evidence:upload_start"),
        {
            "campaign": p.campaign.public_id,
            "org": p.org.public_id,
            "item": p.item.code if p.item else "",
            "title": extra.get("title", "标题"),
            "description": extra.get("description", ""),
            "name": name,
            "size": len(data),
        },
    )
    if res.status_code != 201:
        return res
    url = res.json()["url"]
    offset = 0
    while offset < len(data):
        part = data[offset : offset + chunk]
        r = client.put(url, part, content_type="application/octet-stream", headers={"Upload-Offset": str(offset)})
        assert r.status_code == 200, r.content
        offset = r.json()["offset"]
    return client.post(res.json()["finish_url"])

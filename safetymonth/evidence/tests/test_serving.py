"""Serving: access, EXIF/GPS stripped in the served copy, originals for reviewers only (audited),
headers, ranges, X-Accel-Redirect; capture time and the outside-the-period flag."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from PIL import Image

from safetymonth.audit.models import AuditEntry
from safetymonth.evidence.tests.upload_helpers import jpeg, mp4, png, upload

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _exif(data: bytes):
    return Image.open(io.BytesIO(data)).getexif()


def test_served_copy_has_no_exif_or_gps_original_keeps_it(client, cast):
    data = jpeg()
    assert _exif(data).get_ifd(0x8825)  # the upload carries GPS
    m = upload(cast, data)
    assert m.has_location is True

    client.force_login(cast.leader)  # sees the material, is no reviewer
    served = client.get(reverse("evidence:file", args=[m.public_id]))
    assert served.status_code == 200
    body = _body(served)
    exif = _exif(body)
    assert not exif.get_ifd(0x8825) and not exif.get_ifd(0x8769) and 0x010F not in exif
    assert b"TestCam" not in body and b"Exif" not in body
    assert client.get(reverse("evidence:original", args=[m.public_id])).status_code == 403

    client.force_login(cast.enterprise_staff)  # the uploader's org: served copy only
    assert client.get(reverse("evidence:original", args=[m.public_id])).status_code == 403

    client.force_login(cast.other_enterprise_staff)  # another org: nothing, not even that it exists
    assert client.get(reverse("evidence:file", args=[m.public_id])).status_code == 404
    assert client.get(reverse("evidence:original", args=[m.public_id])).status_code == 404

    client.force_login(cast.section_staff)  # the reviewer
    original = client.get(reverse("evidence:original", args=[m.public_id]))
    assert original.status_code == 200
    got = _body(original)
    assert got == data
    assert _exif(got).get_ifd(0x8825)
    assert original["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="export", object_id=m.public_id, actor=cast.section_staff).exists()


def test_file_headers(client, cast):
    m = upload(cast, jpeg(), "现场 照片.jpg")
    client.force_login(cast.enterprise_staff)
    r = client.get(reverse("evidence:file", args=[m.public_id]))
    assert r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"] and "default-src 'none'" in r["Content-Security-Policy"]
    assert r["Content-Disposition"].startswith("inline")
    assert "filename*=utf-8''" in r["Content-Disposition"].lower()
    t = client.get(reverse("evidence:thumbnail", args=[m.public_id]))
    assert t.status_code == 200 and t["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(_body(t))).size) <= 480


def test_documents_download_as_attachment(client, cast):
    m = upload(cast, "活动总结：参加 120 人。\n".encode(), "总结.txt")
    client.force_login(cast.enterprise_staff)
    r = client.get(reverse("evidence:file", args=[m.public_id]))
    assert r["Content-Disposition"].startswith("attachment")
    assert r["Content-Type"] == "text/plain; charset=utf-8"


def test_png_served_copy_reencoded(client, cast):
    m = upload(cast, png(), "a.png")
    client.force_login(cast.enterprise_staff)
    r = client.get(reverse("evidence:file", args=[m.public_id]))
    assert r["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(_body(r))).format == "PNG"


def test_video_range_requests(client, cast):
    data = mp4(mdat=bytes(range(256)) * 100)
    m = upload(cast, data, "演练.mp4")
    client.force_login(cast.enterprise_staff)
    url = reverse("evidence:file", args=[m.public_id])
    full = client.get(url)
    assert full.status_code == 200 and full["Accept-Ranges"] == "bytes" and _body(full) == data
    assert full["Content-Type"] == "video/mp4" and full["Content-Disposition"].startswith("inline")
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert _body(part) == data[100:200]
    tail = client.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and _body(tail) == data[-50:]
    open_end = client.get(url, headers={"Range": f"bytes={len(data) - 10}-"})
    assert _body(open_end) == data[-10:]
    bad = client.get(url, headers={"Range": f"bytes={len(data) + 5}-"})
    assert bad.status_code == 416 and bad["Content-Range"] == f"bytes */{len(data)}"
    multi = client.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert multi.status_code == 200  # several ranges: the whole file


def test_x_accel_redirect(client, cast, settings):
    settings.EVIDENCE_X_ACCEL_REDIRECT = "/protected-evidence/"
    m = upload(cast, jpeg())
    client.force_login(cast.enterprise_staff)
    r = client.get(reverse("evidence:file", args=[m.public_id]))
    assert r["X-Accel-Redirect"] == f"/protected-evidence/{m.served_file.name}"
    assert r.content == b"" and r["X-Content-Type-Options"] == "nosniff"


def test_missing_file_is_404(client, cast):
    m = upload(cast, jpeg())
    m.served_file.storage.delete(m.served_file.name)
    client.force_login(cast.enterprise_staff)
    assert client.get(reverse("evidence:file", args=[m.public_id])).status_code == 404


@pytest.mark.parametrize(
    ("when", "offset", "outside", "expected"),
    [
        ("2021:06:16 10:30:00", None, False, dt.datetime(2021, 6, 16, 2, 30, tzinfo=dt.UTC)),
        ("2021:05:20 09:00:00", None, True, dt.datetime(2021, 5, 20, 1, 0, tzinfo=dt.UTC)),
        ("2022:01:01 08:00:00", "+08:00", True, dt.datetime(2022, 1, 1, 0, 0, tzinfo=dt.UTC)),
        # 31 Dec 23:30 in New York is already 1 Jan in Chongqing: outside the span (ends 31 Dec)
        ("2021:12:31 23:30:00", "-05:00", True, dt.datetime(2022, 1, 1, 4, 30, tzinfo=dt.UTC)),
    ],
)
def test_capture_time_and_period_flag(cast, when, offset, outside, expected):
    m = upload(cast, jpeg(when=when, offset=offset, gps=False))
    assert m.captured_at == expected
    assert m.captured_outside_period is outside
    assert m.has_location is False


def test_no_exif_no_capture_time(cast):
    m = upload(cast, jpeg(when=None, gps=False))
    assert m.captured_at is None and m.captured_outside_period is False


def test_heic_photo_served_as_jpeg(client, cast):
    pillow_heif = pytest.importorskip("pillow_heif")
    im = Image.new("RGB", (32, 24), (90, 120, 200))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2021:06:10 09:00:00"
    exif.get_ifd(0x8825)[1] = "N"
    buf = io.BytesIO()
    try:
        pillow_heif.from_pillow(im).save(buf, quality=80, exif=exif.tobytes())
    except Exception as exc:  # noqa: BLE001 - no HEVC encoder in this build
        pytest.skip(f"cannot write HEIC here: {exc}")
    m = upload(cast, buf.getvalue(), "IMG_0001.HEIC")
    assert m.content_type == "image/heic" and m.served_file.name.endswith("-served.jpg")
    client.force_login(cast.enterprise_staff)
    r = client.get(reverse("evidence:file", args=[m.public_id]))
    assert r["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(_body(r))).format == "JPEG"


def test_phone_photo_turned_upright_before_its_orientation_tag_is_stripped(client, cast):
    """Phones store portrait photos sideways with an EXIF Orientation tag. The served copy loses
    every tag, so it must be turned upright first, or it would show lying on its side."""
    im = Image.new("RGB", (80, 40), (200, 30, 30))
    im.paste((30, 30, 200), (0, 0, 40, 40))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif, quality=95)
    m = upload(cast, buf.getvalue(), "IMG_0001.JPG")
    client.force_login(cast.leader)
    served = Image.open(io.BytesIO(_body(client.get(reverse("evidence:file", args=[m.public_id])))))
    assert served.size == (40, 80)  # portrait, as the phone showed it
    assert 0x0112 not in served.getexif()
    top = served.getpixel((20, 10))
    assert top[2] > 150 and top[0] < 100  # the blue half is on top after a clockwise turn
    thumb = Image.open(io.BytesIO(_body(client.get(reverse("evidence:thumbnail", args=[m.public_id])))))
    assert thumb.height > thumb.width


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_pdf_is_served_sandboxed_as_a_download(client, cast):
    """Chromium's PDF viewer ran a PDF's app.alert on the app's origin: PDFs (and every other
    non-image file, copy or original) are attachments with a sandbox CSP."""
    m = upload(cast, _pdf(), "签到表.pdf")
    assert m.content_type == "application/pdf"
    client.force_login(cast.section_staff)
    for name in ("evidence:file", "evidence:original"):
        r = client.get(reverse(name, args=[m.public_id]))
        assert r.status_code == 200
        assert r["Content-Disposition"].startswith("attachment")
        assert "sandbox" in r["Content-Security-Policy"] and "default-src 'none'" in r["Content-Security-Policy"]
        assert r["X-Content-Type-Options"] == "nosniff"


def test_pdf_with_script_refused_at_upload(client, cast):
    from safetymonth.evidence.services import UploadRefused

    data = _pdf().replace(b"/Type /Catalog", b"/Type /Catalog /Open#41ction << /S /J#61vaScript /J#53 (1) >>")
    with pytest.raises(UploadRefused) as exc:
        upload(cast, data, "a.pdf")
    assert "脚本" in exc.value.message


def test_every_byte_of_an_original_is_audited(client, cast):
    data = mp4(mdat=bytes(range(256)) * 40)
    m = upload(cast, data, "演练.mp4")
    client.force_login(cast.section_staff)
    url = reverse("evidence:original", args=[m.public_id])
    entries = AuditEntry.objects.filter(action="export", object_id=m.public_id, actor=cast.section_staff)
    part = client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and _body(part) == data[:100]
    assert entries.count() == 1
    assert entries.get().changes == {"range": f"bytes 0-99/{len(data)}"}
    assert client.get(url, headers={"Range": "bytes=100-"}).status_code == 206
    assert client.get(url).status_code == 200
    assert entries.count() == 3
    assert client.get(url, headers={"Range": f"bytes={len(data)}-"}).status_code == 416
    assert entries.count() == 3  # no byte left: nothing to audit


@pytest.mark.parametrize(
    "header",
    [
        "bytes=" + "9" * 5000 + "-",  # int() refuses more than 4,300 digits
        "bytes=0-" + "9" * 5000,
        "bytes=-" + "9" * 5000,
        "bytes=" + "1" * 5000 + "-" + "2" * 5000,
        "bytes=-5-",
        "bytes=--5",
        "bytes=5-2",
        "bytes=0-1,5-6",
        "bytes=0-1,-",
        "bytes=-0",
        "bytes=abc-def",
        "bytes=٣-٤",  # Unicode digits are not digits here
        "items=0-10",
        "bytes = 0 - 10",
        "\x00",
        "bytes=",
        "",
    ],
)
def test_hostile_range_never_500(client, cast, header):
    data = mp4(mdat=bytes(range(256)) * 10)
    m = upload(cast, data, "演练.mp4")
    client.force_login(cast.section_staff)
    for name in ("evidence:file", "evidence:original"):
        r = client.get(reverse(name, args=[m.public_id]), headers={"Range": header})
        assert r.status_code in (200, 206, 416), (name, header[:20], r.status_code)
        if r.status_code == 200:
            assert _body(r) == data
        elif r.status_code == 206:
            start, end = r["Content-Range"].split()[1].split("/")[0].split("-")
            assert _body(r) == data[int(start) : int(end) + 1]

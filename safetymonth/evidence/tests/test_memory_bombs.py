"""Image decompression bombs (issue 11, item 4): the pixel count is read from the header and
refused before anything is decoded; JPEGs are decoded reduced (Image.draft); normal photos still
work. The peak memory of the worst allowed files is pinned by bench/memory_bench.py."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, JpegImagePlugin

from safetymonth.evidence import derivatives
from safetymonth.evidence.services import UploadRefused
from safetymonth.evidence.tests.upload_helpers import jpeg, upload

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int = 10_900, height: int = 10_900) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` (118.8 million pixels by default) of
    grey; its pixel data is a few KB of zlib (rows of zeros compress ~1000:1)."""
    raw = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width
    body = b"".join(raw.compress(row) for _ in range(64)) + raw.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def test_huge_pixel_png_refused_before_decoding(cast, monkeypatch):
    data = huge_png()
    assert len(data) < 200_000

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("must not decode")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", no_decoding)
    with pytest.raises(UploadRefused) as exc:
        upload(cast, data, "bomb.png")
    assert exc.value.code == "too_many_pixels"
    assert "像素太多" in exc.value.message and "2500 万像素" in exc.value.message and "1875 万像素" in exc.value.message


def test_png_just_above_the_cap_is_refused(cast):
    buf = io.BytesIO()
    Image.new("1", (5001, 5000)).save(buf, "PNG")  # 25.005 MP, 1 bit a pixel: small to make
    with pytest.raises(UploadRefused) as exc:
        upload(cast, buf.getvalue(), "big.png")
    assert exc.value.code == "too_many_pixels"


def test_large_jpeg_is_decoded_reduced_and_keeps_its_real_size(cast, monkeypatch):
    """A 27 MP JPEG (above the cap for formats decoded whole) passes: it is decoded at half size."""
    buf = io.BytesIO()
    Image.new("L", (6000, 4500), 128).save(buf, "JPEG", quality=50)
    drafted = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = real_draft(self, mode, size)
        drafted.append(result)
        return result

    monkeypatch.setattr("PIL.JpegImagePlugin.JpegImageFile.draft", spy)
    m = upload(cast, buf.getvalue(), "big.jpg")
    assert drafted and drafted[0] is not None  # the decoder was asked for a reduced image
    assert (m.width, m.height) == (6000, 4500)
    served = Image.open(m.served_file.open("rb"))
    assert max(served.size) <= derivatives.SERVED_MAX_SIDE
    assert max(Image.open(m.thumbnail.open("rb")).size) <= derivatives.THUMB_SIDE


def test_normal_photo_still_works_with_orientation(cast):
    data = jpeg(size=(64, 48))
    m = upload(cast, data)
    assert (m.width, m.height) == (64, 48)
    assert Image.open(m.thumbnail.open("rb")).size == (64, 48)  # never enlarged


def test_jpeg_above_its_cap_refused(tmp_path):
    # the header alone decides: a JPEG declaring 9000 x 8000 (72 MP)
    from safetymonth.lib import filetypes

    buf = io.BytesIO()
    Image.new("1", (9000, 8000)).save(buf, "JPEG", quality=10)
    path = tmp_path / "x.jpg"
    path.write_bytes(buf.getvalue())
    with pytest.raises(filetypes.Refused) as exc:
        derivatives.build(path, filetypes.JPEG, path.parent)
    assert exc.value.code == "too_many_pixels"

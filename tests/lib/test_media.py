"""safetymonth.lib.media: box chain check, duration and resolution from a hand-built MP4."""

from __future__ import annotations

import io
import struct

import pytest

from safetymonth.lib import media


def _info(data: bytes) -> media.VideoInfo:
    return media.read_video_info(io.BytesIO(data), len(data))


def test_duration_and_resolution():
    info = _info(media.tiny_mp4(duration=12.5, width=1280, height=720))
    assert info == media.VideoInfo(12.5, 1280, 720)


def test_mov_and_moov_after_mdat():
    data = media.tiny_mp4(brand=b"qt  ", duration=3, width=1920, height=1080)
    # move mdat before moov (camera files often do): ftyp, mdat, moov
    ftyp_len = struct.unpack(">I", data[:4])[0]
    ftyp, rest = data[:ftyp_len], data[ftyp_len:]
    moov_len = struct.unpack(">I", rest[:4])[0]
    moov, mdat = rest[:moov_len], rest[moov_len:]
    assert _info(ftyp + mdat + moov) == media.VideoInfo(3.0, 1920, 1080)


def test_large_mdat_is_skipped_by_seeking():
    data = media.tiny_mp4(mdat=b"\x00" * 5_000_000)
    assert _info(data).duration_seconds == 12.5


def test_portrait_rotation_swaps_dimensions():
    data = bytearray(media.tiny_mp4(width=1920, height=1080))
    # rotate 90°: matrix a=0, b=1<<16, c=-1<<16, d=0
    at = data.find(b"tkhd") + 4 + 40
    struct.pack_into(">iiii", data, at, 0, 0x10000, 0, -0x10000)
    assert _info(bytes(data)) == media.VideoInfo(12.5, 1080, 1920)


@pytest.mark.parametrize(
    "data",
    [
        media.tiny_mp4() + b"trailing junk",
        b"junk" + media.tiny_mp4(),
        media.tiny_mp4()[:-10],
        media.box(b"ftyp", b"isom\x00\x00\x00\x00") + media.box(b"mdat", b"\x00" * 8),
    ],
)
def test_broken_chains(data):
    with pytest.raises(media.MediaError):
        media.check_boxes(io.BytesIO(data), len(data))


def test_64_bit_box_size():
    head = media.tiny_mp4()[: -(8 + 64)]  # without its mdat box
    payload = b"\x00" * 16
    data = head + struct.pack(">I4sQ", 1, b"mdat", 16 + len(payload)) + payload
    media.check_boxes(io.BytesIO(data), len(data))
    assert _info(data).width == 1280

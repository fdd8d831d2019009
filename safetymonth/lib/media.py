"""MP4/MOV (ISO base media / QuickTime) boxes: structure check, duration and resolution.

Only box headers are read, by seeking: the media data (``mdat``, gigabytes) is skipped, and of the
``moov`` box only the ``mvhd`` (timescale, duration) and each track's ``tkhd`` (width, height,
rotation matrix) and ``hdlr`` (track kind) are read. No ffmpeg, no Django.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

MAX_MOOV = 64 * 1024 * 1024  # a moov box larger than this is not read into memory
CONTAINERS = {b"moov", b"trak", b"mdia", b"edts", b"minf", b"stbl", b"udta", b"dinf"}


class MediaError(ValueError):
    """The file is not a well-formed chain of boxes."""


@dataclass(frozen=True)
class VideoInfo:
    duration_seconds: float | None
    width: int | None
    height: int | None


def _header(fh: BinaryIO, offset: int, end: int) -> tuple[bytes, int, int]:
    """(type, header length, box size) of the box at ``offset``."""
    fh.seek(offset)
    raw = fh.read(8)
    if len(raw) < 8:
        raise MediaError(f"truncated box header at {offset}")
    size, kind = struct.unpack(">I4s", raw)
    header = 8
    if size == 1:
        ext = fh.read(8)
        if len(ext) < 8:
            raise MediaError(f"truncated large box at {offset}")
        size = struct.unpack(">Q", ext)[0]
        header = 16
    elif size == 0:
        size = end - offset
    if size < header or offset + size > end:
        raise MediaError(f"box {kind!r} at {offset} has a bad size {size}")
    if not all(32 <= b < 127 for b in kind):
        raise MediaError(f"box type {kind!r} at {offset} is not printable")
    return kind, header, size


def top_level(fh: BinaryIO, size: int) -> list[tuple[bytes, int, int, int]]:
    """The top-level boxes as (type, offset, header length, size); they must tile the file exactly
    (nothing before the first box, nothing after the last)."""
    boxes = []
    offset = 0
    while offset < size:
        kind, header, box_size = _header(fh, offset, size)
        boxes.append((kind, offset, header, box_size))
        offset += box_size
        if len(boxes) > 10000:
            raise MediaError("too many top-level boxes")
    return boxes


def check_boxes(fh: BinaryIO, size: int) -> None:
    """Raise :class:`MediaError` unless the file is a clean box chain with a ``moov`` box."""
    kinds = [b[0] for b in top_level(fh, size)]
    if b"moov" not in kinds:
        raise MediaError("no moov box")


def _children(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes in ``data[start:end]``."""
    out = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > end:
                break
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break
        out.append((kind, pos + header, pos + size))
        pos += size
    return out


def _mvhd(data: bytes, start: int, end: int) -> float | None:
    version = data[start]
    if version == 1 and end - start >= 32:
        timescale, duration = struct.unpack(">IQ", data[start + 20 : start + 32])
    elif end - start >= 20:
        timescale, duration = struct.unpack(">II", data[start + 12 : start + 20])
    else:
        return None
    if not timescale or duration in (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
        return None
    return duration / timescale


def _tkhd(data: bytes, start: int, end: int) -> tuple[int, int, bool] | None:
    """(width, height, rotated a quarter turn) of a track header."""
    version = data[start]
    matrix_at = start + (52 if version == 1 else 40)
    if matrix_at + 44 > end:
        return None
    a, b = struct.unpack(">ii", data[matrix_at : matrix_at + 8])
    w, h = struct.unpack(">II", data[matrix_at + 36 : matrix_at + 44])
    rotated = a == 0 and b != 0
    return w >> 16, h >> 16, rotated


def _handler(data: bytes, mdia: tuple[int, int]) -> bytes:
    for kind, s, e in _children(data, *mdia):
        if kind == b"hdlr" and e - s >= 12:
            return data[s + 8 : s + 12]
    return b""


def parse_moov(data: bytes) -> VideoInfo:
    duration = None
    width = height = None
    for kind, s, e in _children(data, 0, len(data)):
        if kind == b"mvhd":
            duration = _mvhd(data, s, e)
        elif kind == b"trak":
            dims = None
            handler = b""
            for sub, ss, se in _children(data, s, e):
                if sub == b"tkhd":
                    dims = _tkhd(data, ss, se)
                elif sub == b"mdia":
                    handler = _handler(data, (ss, se))
            if dims and dims[0] and dims[1] and handler in (b"vide", b"") and width is None:
                w, h, rotated = dims
                width, height = (h, w) if rotated else (w, h)
    return VideoInfo(duration, width, height)


def read_video_info(fh: BinaryIO, size: int) -> VideoInfo:
    """Duration and resolution from the ``moov`` box, found by seeking over the other boxes."""
    for kind, offset, header, box_size in top_level(fh, size):
        if kind == b"moov":
            if box_size - header > MAX_MOOV:
                raise MediaError("moov box too large")
            fh.seek(offset + header)
            return parse_moov(fh.read(box_size - header))
    raise MediaError("no moov box")


# --- building (tests and fixtures) -------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def tiny_mp4(
    *, duration: float = 12.5, width: int = 1280, height: int = 720, brand: bytes = b"isom", mdat: bytes = b""
) -> bytes:
    """A minimal well-formed MP4/MOV: ftyp, moov (mvhd, one video trak with tkhd and hdlr), mdat."""
    timescale = 1000
    mvhd = box(
        b"mvhd",
        struct.pack(">B3xIIII", 0, 0, 0, timescale, int(duration * timescale)) + b"\x00" * 80,
    )
    matrix = struct.pack(">9i", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    tkhd = box(
        b"tkhd",
        struct.pack(">B3xIII4xI", 0, 0, 0, 1, int(duration * timescale))
        + b"\x00" * 8
        + struct.pack(">hhh2x", 0, 0, 0)
        + matrix
        + struct.pack(">II", width << 16, height << 16),
    )
    hdlr = box(b"hdlr", b"\x00" * 8 + b"vide" + b"\x00" * 12 + b"VideoHandler\x00")
    trak = box(b"trak", tkhd + box(b"mdia", hdlr))
    moov = box(b"moov", mvhd + trak)
    ftyp = box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41")
    return ftyp + moov + box(b"mdat", mdat or b"\x00" * 64)

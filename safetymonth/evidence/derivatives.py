"""What is made from an accepted file before it is stored: for photos a full decode (a file that
does not decode is refused), a re-encoded served copy without EXIF/GPS (JPEG for HEIC, so every
browser shows it), a JPEG thumbnail, the size, the capture time (EXIF DateTimeOriginal with its
OffsetTimeOriginal, else Asia/Shanghai) and whether GPS tags were present; for videos duration
and resolution from the moov box. Everything is written to a temporary folder the caller removes.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageOps

from safetymonth.lib import filetypes, media
from safetymonth.lib.filetypes import FileType, Refused

try:  # iPhone photos
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a pinned dependency
    pass

SHANGHAI = ZoneInfo("Asia/Shanghai")
SERVED_MAX_SIDE = 4096
THUMB_SIDE = 480
# Pixel caps, checked from the header before anything is decoded (decompression bombs: a 115 KB PNG
# of 118.8 million pixels once cost 808 MB). JPEGs are decoded reduced (Image.draft: 1/2, 1/4, 1/8
# in the decoder) to about the served size, so 64 MP costs ~16 MP of memory; the other formats are
# decoded whole, so their cap is what a phone makes (24 MP HEIF) and no more.
MAX_PIXELS_JPEG = 64_000_000
MAX_PIXELS = 25_000_000
# ... and with an alpha channel (4 bytes a pixel instead of 3), three quarters of it.
MAX_PIXELS_ALPHA = MAX_PIXELS * 3 // 4
# A JPEG above this is decoded at 1/2, 1/4 or 1/8 scale, the least that brings it below.
DECODE_MAX_PIXELS = 16_000_000
PIL_FORMATS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}, "webp": {"WEBP"}, "heic": {"HEIF"}}
SERVED_FORMAT = {"jpeg": ("JPEG", "jpg"), "heic": ("JPEG", "jpg"), "png": ("PNG", "png"), "webp": ("WEBP", "webp")}

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
DATETIME = 0x0132
ORIENTATION = 0x0112


@dataclass
class Derived:
    served: Path | None = None
    served_ext: str = ""
    served_content_type: str = ""
    thumbnail: Path | None = None
    width: int | None = None
    height: int | None = None
    captured_at: dt.datetime | None = None
    has_location: bool = False
    duration_seconds: float | None = None


def build(path: Path, ftype: FileType, workdir: Path) -> Derived:
    if ftype.kind == filetypes.IMAGE:
        return _image(path, ftype, workdir)
    if ftype.kind == filetypes.VIDEO:
        return _video(path)
    return Derived()


def pixel_cap(ftype: FileType, mode: str = "RGB") -> int:
    if ftype.key == "jpeg":
        return MAX_PIXELS_JPEG
    return MAX_PIXELS_ALPHA if "A" in mode or mode in ("P", "PA") else MAX_PIXELS


def _reduce_on_load(im: Image.Image) -> None:
    """Ask the JPEG decoder for the image at the smallest of 1, 1/2, 1/4, 1/8 scale that keeps it
    within DECODE_MAX_PIXELS (a 12 MP photo is decoded whole; 64 MP at half size, 16 MP)."""
    w, h = im.size
    for scale in (1, 2, 4, 8):
        if (w // scale) * (h // scale) <= DECODE_MAX_PIXELS:
            break
    if scale > 1:
        im.draft(None, (max(1, w // scale), max(1, h // scale)))


def _open(path: Path, ftype: FileType) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded image (a JPEG reduced on load towards the served size) and its full size read
    from the header. Refused before decoding when the header declares more pixels than the cap."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS_JPEG
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(path)
            if im.format not in PIL_FORMATS[ftype.key]:
                raise Refused("bad_image", f"Pillow sees {im.format}")
            full = im.size
            if full[0] * full[1] > pixel_cap(ftype, im.mode):
                raise Refused("too_many_pixels", f"{full[0]}x{full[1]}")
            if im.format in ("JPEG", "MPO"):
                _reduce_on_load(im)
            im.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Refused("too_many_pixels", str(exc)) from exc
        except Refused:
            raise
        except Exception as exc:  # noqa: BLE001 - any decoder error means: not a good image
            raise Refused("bad_image", str(exc)) from exc
    return im, full


def capture_time(exif: Image.Exif) -> dt.datetime | None:
    sub = exif.get_ifd(EXIF_IFD)
    raw = sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        naive = dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(OFFSET_TIME_ORIGINAL)
    tz: dt.tzinfo = SHANGHAI
    if isinstance(offset, str):
        try:
            parsed = dt.datetime.strptime(offset.strip("\x00 "), "%z")
            tz = parsed.tzinfo or SHANGHAI
        except ValueError:
            pass
    return naive.replace(tzinfo=tz)


def _flat_rgb(im: Image.Image) -> Image.Image:
    if im.mode in ("RGBA", "LA", "P", "PA"):
        rgba = im.convert("RGBA")
        bg = Image.new("RGB", rgba.size, (255, 255, 255))
        bg.paste(rgba, mask=rgba.getchannel("A"))
        return bg
    return im.convert("RGB") if im.mode != "RGB" else im


def _fit(im: Image.Image, side: int) -> Image.Image:
    """A new image no larger than ``side`` on its longer side (never enlarged)."""
    w, h = im.size
    scale = min(1.0, side / max(w, h))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _image(path: Path, ftype: FileType, workdir: Path) -> Derived:
    im, (width, height) = _open(path, ftype)
    try:
        exif = im.getexif()
        out = Derived(
            captured_at=capture_time(exif),
            has_location=bool(exif.get_ifd(GPS_IFD)),
        )
        quarter_turn = exif.get(ORIENTATION) in (5, 6, 7, 8)
        out.width, out.height = (height, width) if quarter_turn else (width, height)
        # one image in memory at a time: turned upright and shrunk in place, no full-size copies
        ImageOps.exif_transpose(im, in_place=True)
        im.thumbnail((SERVED_MAX_SIDE, SERVED_MAX_SIDE))
        im.info = {}
        pil_format, ext = SERVED_FORMAT[ftype.key]
        served = im
        if pil_format == "JPEG":
            served = _flat_rgb(served)
        elif served.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            served = served.convert("RGBA")
        out.served = workdir / f"served.{ext}"
        save_args: dict = {"quality": 88} if pil_format in ("JPEG", "WEBP") else {"optimize": True}
        served.save(out.served, pil_format, **save_args)
        out.served_ext = ext
        out.served_content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[pil_format]
        # the thumbnail from a box-reduced copy (1/2 … 1/8): no second full-size image
        factor = max(1, min(8, min(served.size) // (2 * THUMB_SIDE)))
        small = served.reduce(factor) if factor > 1 else served
        thumb = _fit(_flat_rgb(small), THUMB_SIDE)
        thumb.info = {}
        out.thumbnail = workdir / "thumb.jpg"
        thumb.save(out.thumbnail, "JPEG", quality=80)
        return out
    finally:
        im.close()


def _video(path: Path) -> Derived:
    size = path.stat().st_size
    with path.open("rb") as fh:
        try:
            info = media.read_video_info(fh, size)
        except media.MediaError:
            return Derived()
    return Derived(duration_seconds=info.duration_seconds, width=info.width, height=info.height)

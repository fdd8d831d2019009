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
# Pillow refuses more than twice this many pixels outright; above it we refuse too (bombs).
MAX_PIXELS = 120_000_000
PIL_FORMATS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}, "webp": {"WEBP"}, "heic": {"HEIF"}}
SERVED_FORMAT = {"jpeg": ("JPEG", "jpg"), "heic": ("JPEG", "jpg"), "png": ("PNG", "png"), "webp": ("WEBP", "webp")}

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
DATETIME = 0x0132


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


def _open(path: Path, ftype: FileType) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(path)
            if im.format not in PIL_FORMATS[ftype.key]:
                raise Refused("bad_image", f"Pillow sees {im.format}")
            im.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Refused("bad_image", str(exc)) from exc
        except Refused:
            raise
        except Exception as exc:  # noqa: BLE001 - any decoder error means: not a good image
            raise Refused("bad_image", str(exc)) from exc
    return im


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


def _image(path: Path, ftype: FileType, workdir: Path) -> Derived:
    im = _open(path, ftype)
    try:
        exif = im.getexif()
        out = Derived(
            captured_at=capture_time(exif),
            has_location=bool(exif.get_ifd(GPS_IFD)),
        )
        upright = ImageOps.exif_transpose(im) or im
        out.width, out.height = upright.size
        pil_format, ext = SERVED_FORMAT[ftype.key]
        served = upright.copy()
        served.info = {}
        served.thumbnail((SERVED_MAX_SIDE, SERVED_MAX_SIDE))
        if pil_format == "JPEG":
            served = _flat_rgb(served)
        elif served.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            served = served.convert("RGBA")
        out.served = workdir / f"served.{ext}"
        save_args: dict = {"quality": 88} if pil_format in ("JPEG", "WEBP") else {"optimize": True}
        served.save(out.served, pil_format, **save_args)
        out.served_ext = ext
        out.served_content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[pil_format]
        thumb = _flat_rgb(upright.copy())
        thumb.info = {}
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
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

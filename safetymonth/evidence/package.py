"""The inspection package (检查资料包): every material of an org's subtree as one zip, streamed.

Layout ``<org name>/<item title>/<title>-<n>.<ext>`` (names sanitised and unique) plus
``manifest.xlsx`` at the root. Memory stays flat: materials are read from the database in batches,
each file is read from storage in 64 KB chunks and each zip entry is written out before the next
file is opened; the manifest is written row by row (openpyxl write-only) and added last.
"""

from __future__ import annotations

import io
import mimetypes
import posixpath
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import zipstream
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from safetymonth.core.language import OFFICIAL_LANGUAGE, in_official_language
from safetymonth.evidence import storage
from safetymonth.evidence.models import Material
from safetymonth.exports import writers

if TYPE_CHECKING:
    from django.db.models import QuerySet

CHUNK = storage.CHUNK
MANIFEST_NAME = "manifest.xlsx"
_MAX_COMPONENT = 80
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_component(text: str, fallback: str = "_") -> str:
    """One path component safe on Windows, macOS and Linux: no separators or control characters,
    no leading dots or trailing dots/spaces, no reserved device names, at most 80 characters."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    text = _UNSAFE.sub("_", text).strip().lstrip(".").rstrip(". ")
    text = re.sub(r"\s+", " ", text)[:_MAX_COMPONENT].rstrip(". ")
    if not text or text.split(".")[0].lower() in _RESERVED:
        text = f"{fallback}{text}" if text else fallback
    return text


def extension_of(name: str, content_type: str) -> str:
    """The file's extension (from the generated storage name, else from the content type)."""
    ext = posixpath.splitext(name or "")[1].lower().lstrip(".")
    if ext and re.fullmatch(r"[a-z0-9]{1,8}", ext):
        return ext
    guessed = mimetypes.guess_extension(content_type or "") or ""
    return guessed.lstrip(".") or "bin"


@dataclass
class Namer:
    """Unique, sanitised folder and file names inside the zip."""

    org_dirs: dict[int, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def _unique(self, candidate: str) -> str:
        if candidate.lower() not in self.used:
            self.used.add(candidate.lower())
            return candidate
        stem, dot, ext = candidate.rpartition(".")
        n = 2
        while True:
            alt = f"{stem}~{n}.{ext}" if dot else f"{candidate}~{n}"
            if alt.lower() not in self.used:
                self.used.add(alt.lower())
                return alt
            n += 1

    def org_dir(self, org_id: int, name: str) -> str:
        if org_id not in self.org_dirs:
            self.org_dirs[org_id] = self._unique(safe_component(name, "org"))
        return self.org_dirs[org_id]

    def file_name(self, folder: str, title: str, ext: str) -> str:
        base = safe_component(title, "material")
        n = 1
        while True:
            candidate = f"{folder}/{base}-{n}.{ext}"
            if candidate.lower() not in self.used:
                self.used.add(candidate.lower())
                return candidate
            n += 1


def materials_for_package(qs: QuerySet[Material]) -> QuerySet[Material]:
    return qs.select_related("org", "item", "indicator", "event", "uploaded_by").order_by(
        "org__path", "item__order", "item__code", "created_at", "pk"
    )


def read_chunks(name: str) -> Iterator[bytes]:
    """A stored file, chunk by chunk (never whole in memory; see ``evidence.storage.stream``)."""
    return storage.stream(name)


def _stored_size(name: str) -> int | None:
    """The stored file's size, None when it is missing (or the store cannot say)."""
    if not name:
        return None
    try:
        return int(default_storage.size(name))
    except Exception:  # FileNotFoundError locally, botocore's ClientError (404) on S3
        return None


MANIFEST_COLUMNS = [
    ("org", gettext_lazy("单位")),
    ("item", gettext_lazy("活动项目")),
    ("indicator", gettext_lazy("指标")),
    ("event", gettext_lazy("活动记录")),
    ("title", gettext_lazy("标题")),
    ("path", gettext_lazy("包内文件名")),
    ("size", gettext_lazy("大小（字节）")),
    ("sha256", "SHA-256"),
    ("uploaded_by", gettext_lazy("上传人")),
    ("uploaded_at", gettext_lazy("上传时间")),
    ("review_state", gettext_lazy("审核状态")),
    ("good_practice", gettext_lazy("好的做法")),
    ("captured_at", gettext_lazy("拍摄时间")),
]


def _local(value: Any) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class PackageStats:
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)


def stream_package(
    qs: QuerySet[Material], *, originals: bool, stats: PackageStats | None = None, batch: int = 200
) -> Iterator[bytes]:
    """The zip, as a generator of byte chunks. ``originals``: the files as uploaded (reviewers);
    otherwise the served copies (EXIF/GPS stripped). Files missing from storage are left out and
    listed in the manifest's 备注 column. The package is handed to inspectors: like the exports it
    is written in the official language (Chinese) whatever language the user reads the site in,
    and the override holds while the response is sent, after the view has returned."""
    yield from in_official_language(
        _stream(qs, originals=originals, stats=stats if stats is not None else PackageStats(), batch=batch)
    )


def _stream(qs: QuerySet[Material], *, originals: bool, stats: PackageStats, batch: int) -> Iterator[bytes]:
    zs = zipstream.ZipStream(compress_type=zipstream.ZIP_STORED)
    namer = Namer()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("佐证材料清单"))
    # every row through writers.xlsx_row: a title typed as =2+3 stays text (docs/exports.md)
    ws.append(writers.xlsx_row([str(label) for _key, label in MANIFEST_COLUMNS] + [_("备注")]))
    yes, no = _("是"), _("否")
    no_item = _("其他材料")
    for m in materials_for_package(qs).iterator(chunk_size=batch):
        stored = (m.file.name if originals or not m.served_file else m.served_file.name) or ""
        folder = namer.org_dir(m.org_id, m.org.name) + "/" + safe_component(m.item.title if m.item else no_item)
        arcname = namer.file_name(folder, m.title, extension_of(stored, m.content_type))
        note = ""
        size = _stored_size(stored)
        if size is not None:
            # the exact size lets zipstream use plain zip headers (zip64 only for > 4 GB), which
            # older unzip tools (Windows 7's Explorer) read
            zs.add(read_chunks(stored), arcname, size=size)
            yield from zs.all_files()
            stats.files += 1
            stats.bytes += m.size
        else:
            note = _("文件缺失")
            stats.missing.append(m.public_id)
        ws.append(
            writers.xlsx_row(
                [
                    m.org.name,
                    m.item.title if m.item else "",
                    m.indicator.label if m.indicator else "",
                    m.event.title if m.event else "",
                    m.title,
                    arcname if not note else "",
                    WriteOnlyCell(ws, value=m.size),
                    m.sha256,
                    (m.uploaded_by.full_name or m.uploaded_by.username) if m.uploaded_by else "",
                    _local(m.created_at),
                    m.get_review_state_display(),
                    yes if m.is_good_practice else no,
                    _local(m.captured_at),
                    note,
                ]
            )
        )
    buf = io.BytesIO()
    writers.save_workbook(wb, buf)
    zs.add(buf.getvalue(), MANIFEST_NAME)
    del buf
    yield from zs.finalize()


def package_filename(org_name: str, when: Any = None) -> str:
    when = timezone.localtime(when or timezone.now())
    with translation.override(OFFICIAL_LANGUAGE):
        label = _("佐证材料")
    return f"{safe_component(org_name, 'org')}-{label}-{when:%Y%m%d}.zip"

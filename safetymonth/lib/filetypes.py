"""What an uploaded file really is, judged by its bytes (never its name or the browser's claim).

The allow-list: JPEG, PNG, WebP, HEIC/HEIF photos; MP4 and MOV videos; PDF, DOCX, XLSX and plain
text documents. Everything else is refused with a :class:`Refused` carrying a short ``code`` (the
caller turns codes into words, see evidence/services.py). Rules beyond the magic bytes:

- No markup or script anywhere in images and at the start of documents (``<script``, ``<?php``,
  ``<html``, ``<svg``…), no zip appended to an image (a zip's end record in the last 64 KiB).
- PDFs are parsed with pypdf (:func:`check_pdf`): every object, in compressed object streams too,
  with name escapes such as ``/J#61vaScript`` decoded; any JavaScript, launch, embedded file or
  automatic action (``/OpenAction``, ``/AA``) is refused, and so is a PDF that does not parse or
  is encrypted. Images must also decode fully (checked by the caller with
  Pillow); the copy shown to users is re-encoded, so nothing hidden in a photo is ever served.
- Videos must be a clean chain of ISO base media boxes from the first byte to the last (see
  safetymonth/lib/media.py): nothing prepended, nothing appended.
- DOCX/XLSX: a zip whose ``[Content_Types].xml`` names the right main part, read without
  extracting anything else; refused beyond an entry count, a total uncompressed size or a
  compression ratio (zip bombs), and when encrypted or macro-enabled.
- Text: UTF-8 (BOM allowed) or GB18030, no NUL or other control characters, not HTML/XML/script.

:func:`sanitize_name` turns any client-supplied file name into harmless display text.
No Django here.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from safetymonth.lib import media

IMAGE = "image"
VIDEO = "video"
DOCUMENT = "document"

BLOCK = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    kind: str  # image | video | document
    content_type: str
    ext: str


JPEG = FileType("jpeg", IMAGE, "image/jpeg", "jpg")
PNG = FileType("png", IMAGE, "image/png", "png")
WEBP = FileType("webp", IMAGE, "image/webp", "webp")
HEIC = FileType("heic", IMAGE, "image/heic", "heic")
MP4 = FileType("mp4", VIDEO, "video/mp4", "mp4")
MOV = FileType("mov", VIDEO, "video/quicktime", "mov")
PDF = FileType("pdf", DOCUMENT, "application/pdf", "pdf")
DOCX = FileType("docx", DOCUMENT, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileType("xlsx", DOCUMENT, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
TXT = FileType("txt", DOCUMENT, "text/plain; charset=utf-8", "txt")
TXT_GB = FileType("txt", DOCUMENT, "text/plain; charset=gb18030", "txt")

ALL_TYPES = [JPEG, PNG, WEBP, HEIC, MP4, MOV, PDF, DOCX, XLSX, TXT]

# Extensions a name may carry for each kind (only used to check a declared size early; the kind
# that counts is the one found in the bytes).
EXT_KIND = {
    **dict.fromkeys(["jpg", "jpeg", "jpe", "png", "webp", "heic", "heif", "hif"], IMAGE),
    **dict.fromkeys(["mp4", "m4v", "mov", "qt", "3gp"], VIDEO),
    **dict.fromkeys(["pdf", "docx", "xlsx", "txt", "text", "csv", "log"], DOCUMENT),
}

# The input accept= list for the file picker (a hint to the browser only).
ACCEPT = (
    "image/*,video/*,.heic,.heif,.jpg,.jpeg,.png,.webp,.mp4,.mov,.pdf,.docx,.xlsx,.txt,"
    "application/pdf,text/plain,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
MOV_BRANDS = {b"qt  "}
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"M4VP",
    b"MSNV",
    b"dash",
    b"3gp4",
    b"3gp5",
    b"3gp6",
    b"3g2a",
    b"mmp4",
    b"f4v ",
}
# Old QuickTime files start with one of these atoms instead of ftyp.
QT_FIRST_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip"}

MARKUP = [b"<script", b"<?php", b"<html", b"<!doctype", b"<svg", b"<iframe", b"<body", b"<object", b"<embed"]
PDF_ACTIONS = [b"/javascript", b"/launch", b"/embeddedfile"]
TEXT_MARKUP = re.compile(r"<\s*(script|html|!doctype|svg|iframe|body|\?php|\?xml|object|embed)\b", re.IGNORECASE)

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


class Refused(Exception):
    """The file is not accepted. ``code`` names the reason; ``detail`` is for logs."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 5000
    max_total: int = 300 * 1024 * 1024  # uncompressed bytes of all entries
    max_ratio: int = 100  # uncompressed / compressed, whole archive and any entry above 1 MB


# ---------------------------------------------------------------------------------------------
# Sniffing


def _head(fh: BinaryIO, n: int = 4096) -> bytes:
    fh.seek(0)
    return fh.read(n)


def _tail(fh: BinaryIO, size: int, n: int = 65536 + 22) -> bytes:
    fh.seek(max(0, size - n))
    return fh.read(n)


def sniff(path: Path | str, zip_limits: ZipLimits | None = None) -> FileType:
    """The type of the file at ``path``, or :class:`Refused`. Reads the head, the tail and, for
    images, PDFs and text, the whole file in 1 MB blocks (memory stays flat)."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise Refused("empty")
    with path.open("rb") as fh:
        head = _head(fh)
        ftype = _magic(head)
        if ftype is None:
            _refuse_known_bad(head)
            ftype = _text_type(fh)
        if ftype.kind == IMAGE:
            if b"PK\x05\x06" in _tail(fh, size):
                raise Refused("polyglot", "zip end record after the image")
            if _scan(fh, MARKUP):
                raise Refused("polyglot", "markup inside the image")
        elif ftype.kind == VIDEO:
            try:
                media.check_boxes(fh, size)
            except media.MediaError as exc:
                raise Refused("bad_video", str(exc)) from exc
        elif ftype is PDF:
            if _starts_with_markup(head):
                raise Refused("polyglot", "markup at the start")
            if _scan(fh, PDF_ACTIONS):
                raise Refused("pdf_script", "JavaScript or launch action in the PDF")
            check_pdf(path)
        elif ftype.key in {"docx", "xlsx"}:
            ftype = _office_type(path, zip_limits or ZipLimits())
    return ftype


# Keys that hold or start something active in a PDF (ISO 32000 12.6 actions, 7.11 embedded files).
PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/OpenAction", "/AA"}
# Action types (/S) that run or load something.
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/Rendition", "/RichMediaExecute", "/GoToE"}
PDF_MAX_OBJECTS = 500_000


def check_pdf(path: Path | str) -> None:
    """Parse the PDF and refuse any script, launch, embedded file or automatic action, wherever it
    hides: every object of the cross-reference table (objects in compressed object streams
    included) and the trailer are walked, names come out of the parser decoded (``/J#61vaScript``
    is ``/JavaScript``). A file pypdf cannot read, or that is encrypted, is refused."""
    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    def walk(obj: object, seen: set[tuple[int, int]], depth: int = 0) -> None:
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                ref = (item.idnum, item.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                if len(seen) > PDF_MAX_OBJECTS:
                    raise Refused("bad_pdf", "too many objects")
                stack.append(item.get_object())
            elif isinstance(item, DictionaryObject):  # a stream's dictionary too
                for key, value in item.items():
                    if str(key) in PDF_ACTIVE_KEYS:
                        raise Refused("pdf_script", f"{key} in the PDF")
                    if key == "/S" and isinstance(value, NameObject) and str(value) in PDF_ACTIVE_ACTIONS:
                        raise Refused("pdf_script", f"action {value}")
                    stack.append(value)
            elif isinstance(item, ArrayObject):
                stack.extend(item)

    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            raise Refused("encrypted", "encrypted PDF")
        seen: set[tuple[int, int]] = set()
        walk(reader.trailer, seen)
        ids = {idnum for table in reader.xref.values() for idnum in table} | set(reader.xref_objStm)
        for idnum in sorted(ids):
            if idnum == 0:
                continue
            generation = next((gen for gen, table in reader.xref.items() if idnum in table), 0)
            walk(IndirectObject(idnum, generation, reader), seen)
        if len(reader.pages) < 1:
            raise Refused("bad_pdf", "no pages")
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser error means: not a PDF we can vouch for
        raise Refused("bad_pdf", f"{type(exc).__name__}: {exc}") from exc


def _magic(head: bytes) -> FileType | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return DOCX  # refined by _office_type
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(len(head), _box_size(head)), 4)}
        major = head[8:12]
        if major in HEIF_BRANDS or (major not in MP4_BRANDS | MOV_BRANDS and brands & HEIF_BRANDS):
            return HEIC
        if major in MOV_BRANDS:
            return MOV
        if major in MP4_BRANDS or brands & MP4_BRANDS:
            return MP4
        raise Refused("unsupported", f"ftyp brand {major!r}")
    if len(head) >= 8 and head[4:8] in QT_FIRST_ATOMS:
        return MOV
    return None


def _box_size(head: bytes) -> int:
    return int.from_bytes(head[0:4], "big")


def _refuse_known_bad(head: bytes) -> None:
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")):
        raise Refused("executable")
    if head.startswith(
        (b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\xd0\xcf\x11\xe0")
    ):
        raise Refused("unsupported")
    if head.startswith(b"#!"):
        raise Refused("script")
    if b"\x00" in head:
        raise Refused("unsupported", "binary data")


def _starts_with_markup(head: bytes) -> bool:
    text = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(marker in text for marker in MARKUP)


def _scan(fh: BinaryIO, needles: list[bytes]) -> bool:
    """Whether any of ``needles`` (lower case) occurs in the file, case-insensitively."""
    overlap = max(len(n) for n in needles) - 1
    fh.seek(0)
    carry = b""
    while True:
        block = fh.read(BLOCK)
        if not block:
            return False
        window = (carry + block).lower()
        if any(n in window for n in needles):
            return True
        carry = window[-overlap:]


def _text_type(fh: BinaryIO) -> FileType:
    """Plain text: valid UTF-8 (else GB18030), no NUL or control characters, no markup or script."""
    for encoding, ftype in (("utf-8-sig", TXT), ("gb18030", TXT_GB)):
        fh.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        first = ""
        try:
            while True:
                block = fh.read(BLOCK)
                final = not block
                text = decoder.decode(block, final=final)
                if len(first) < 2048:
                    first += text[:2048]
                _check_text(text)
                if final:
                    break
        except UnicodeDecodeError:
            continue
        stripped = first.lstrip()
        if stripped.startswith(("#!", "<", "<?")):
            raise Refused("markup", "text starts like markup or a script")
        return ftype
    raise Refused("unsupported", "neither a known format nor UTF-8/GB18030 text")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _check_text(text: str) -> None:
    if "\x00" in text or _CONTROL.search(text):
        raise Refused("unsupported", "control characters in text")
    if TEXT_MARKUP.search(text):
        raise Refused("markup", "markup or script in the text")


def _office_type(path: Path, limits: ZipLimits) -> FileType:
    """DOCX or XLSX by the main part named in [Content_Types].xml; zip bombs refused from the
    central directory alone (sizes are also enforced when the one small part is read)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_entries:
                raise Refused("zip_bomb", f"{len(infos)} entries")
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > limits.max_total or total / packed > limits.max_ratio:
                raise Refused("zip_bomb", f"{total} bytes from {packed}")
            for info in infos:
                if info.flag_bits & 0x1:
                    raise Refused("encrypted")
                if info.file_size > BLOCK and info.file_size / max(info.compress_size, 1) > limits.max_ratio:
                    raise Refused("zip_bomb", f"{info.filename}: ratio")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                raise Refused("zip_other")
            info = zf.getinfo("[Content_Types].xml")
            if info.file_size > BLOCK:
                raise Refused("zip_bomb", "content types too large")
            with zf.open(info) as part:
                types = part.read(BLOCK + 1).decode("utf-8", errors="replace")
    except zipfile.BadZipFile as exc:
        raise Refused("zip_other", str(exc)) from exc
    except (OSError, NotImplementedError, RuntimeError) as exc:
        raise Refused("zip_other", str(exc)) from exc
    if any(n.lower().endswith("vbaproject.bin") for n in names) or "macroEnabled" in types:
        raise Refused("macro")
    if DOCX_MAIN in types and "word/document.xml" in names:
        return DOCX
    if XLSX_MAIN in types and "xl/workbook.xml" in names:
        return XLSX
    raise Refused("zip_other", "not a Word or Excel document")


@dataclass(frozen=True)
class XlsxLimits:
    """What an imported workbook may hold before openpyxl opens it. openpyxl (even read-only)
    keeps the whole shared-strings table in memory and parses each sheet's XML: a 410 KB file of
    repeated strings once grew a worker by 409 MB."""

    max_shared_strings: int = 8 * 1024 * 1024  # xl/sharedStrings.xml, uncompressed
    max_sheet: int = 64 * 1024 * 1024  # each xl/worksheets/*.xml, uncompressed
    max_total: int = 160 * 1024 * 1024  # all members, uncompressed
    max_ratio: int = 100  # uncompressed / compressed, for any member above 1 MB
    max_entries: int = 1000


def check_xlsx_package(fh: BinaryIO, limits: XlsxLimits | None = None) -> None:
    """Refuse an xlsx whose zip declares members too large or too compressed, from the central
    directory alone (nothing is decompressed). Python's zipfile never reads a member beyond its
    declared size, so openpyxl stays within what was checked here. Codes: ``xlsx_strings``,
    ``xlsx_sheet``, ``zip_bomb``, ``encrypted``, ``zip_other``."""
    limits = limits or XlsxLimits()
    try:
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise Refused("zip_other", str(exc)) from exc
    if len(infos) > limits.max_entries:
        raise Refused("zip_bomb", f"{len(infos)} entries")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Refused("encrypted")
        total += info.file_size
        name = info.filename.lower()
        if name == "xl/sharedstrings.xml" and info.file_size > limits.max_shared_strings:
            raise Refused("xlsx_strings", f"{info.file_size} bytes of shared strings")
        if name.startswith("xl/worksheets/") and info.file_size > limits.max_sheet:
            raise Refused("xlsx_sheet", f"{info.filename}: {info.file_size} bytes")
        if info.file_size > BLOCK and info.file_size / max(info.compress_size, 1) > limits.max_ratio:
            raise Refused("zip_bomb", f"{info.filename}: ratio")
    if total > limits.max_total:
        raise Refused("zip_bomb", f"{total} bytes uncompressed")


# ---------------------------------------------------------------------------------------------
# Names

_RESERVED = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_NAME = 120


def sanitize_name(name: str, max_length: int = MAX_NAME) -> str:
    """Display text for a client's file name: NFC; no path (only the last component); no control,
    format (bidi overrides, zero-width) or surrogate characters; reserved characters replaced; no
    leading dots or trailing dots/spaces; no Windows device names; at most ``max_length``
    characters, keeping the extension. Never empty."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
    name = _RESERVED.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").rstrip(". ").strip()
    if not name:
        name = "file"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.lower() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    ext = ext[:10]
    room = max_length - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(". ") or "file"
    return f"{stem}.{ext}" if ext else stem


def kind_from_name(name: str) -> str | None:
    """The kind a file name's extension suggests (for an early size check only)."""
    _stem, dot, ext = name.rpartition(".")
    return EXT_KIND.get(ext.lower()) if dot else None

"""safetymonth.lib.filetypes: the allow-list by content, the attack corpus, names."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from safetymonth.lib import filetypes, media
from safetymonth.lib.filetypes import Refused, sanitize_name, sniff


def _img(fmt: str, mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (16, 12), (10, 20, 30)).save(buf, fmt)
    return buf.getvalue()


def _pdf() -> bytes:
    """A real one-page PDF (a PDF that does not parse is refused, see test_pdf_check.py)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _ooxml(main: str, part: str, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/{part}" ContentType="{main}"/></Types>',
        )
        zf.writestr(part, "<x/>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def docx(extra=None) -> bytes:
    return _ooxml(filetypes.DOCX_MAIN, "word/document.xml", extra)


def xlsx() -> bytes:
    return _ooxml(filetypes.XLSX_MAIN, "xl/workbook.xml")


def _write(tmp_path, data: bytes, name: str = "f.bin"):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (_img("JPEG"), "jpeg"),
        (_img("PNG"), "png"),
        (_img("WEBP"), "webp"),
        (media.tiny_mp4(), "mp4"),
        (media.tiny_mp4(brand=b"qt  "), "mov"),
        (_pdf(), "pdf"),
        ("安全生产月活动总结\n参加人数：120 人\n".encode(), "txt"),
        ("安全生产月活动总结\n".encode("gb18030"), "txt"),
    ],
)
def test_allowed_types(tmp_path, data, key):
    assert sniff(_write(tmp_path, data)).key == key


def test_heic_brand(tmp_path):
    head = media.box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")
    assert _magic_key(head + b"\x00" * 32) == "heic"


def _magic_key(head: bytes) -> str:
    ft = filetypes._magic(head)
    assert ft is not None
    return ft.key


def test_gb18030_text_keeps_its_charset(tmp_path):
    ft = sniff(_write(tmp_path, "活动记录：消防演练".encode("gb18030")))
    assert ft.content_type == "text/plain; charset=gb18030"


def test_docx_and_xlsx(tmp_path):
    assert sniff(_write(tmp_path, docx())).key == "docx"
    assert sniff(_write(tmp_path, xlsx(), "g.bin")).key == "xlsx"


ATTACKS = {
    "script renamed .jpg": (b"#!/bin/sh\nrm -rf /\n", "script"),
    "php renamed .jpg": (b"<?php system($_GET['c']); ?>", "markup"),
    "html": (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "markup"),
    "svg with script": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "markup",
    ),
    "text with script inside": ("说明\n<script>alert(1)</script>".encode(), "markup"),
    "windows exe": (b"MZ\x90\x00" + b"\x00" * 100, "executable"),
    "elf": (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "executable"),
    "gif": (b"GIF89a" + b"\x00" * 20, "unsupported"),
    "empty": (b"", "empty"),
    "jpeg + zip": (_img("JPEG") + docx(), "polyglot"),
    "jpeg + html": (_img("JPEG") + b"<html><script>alert(1)</script></html>", "polyglot"),
    "jpeg + php": (_img("JPEG") + b"<?php echo 1; ?>", "polyglot"),
    "png + script": (_img("PNG") + b"<script>alert(1)</script>", "polyglot"),
    "pdf with javascript": (b"%PDF-1.4\n<< /S /JavaScript /JS (app.alert(1)) >>\n%%EOF", "pdf_script"),
    "mp4 + appended zip": (media.tiny_mp4() + docx(), "bad_video"),
    "plain zip": (b"PK\x03\x04" + zipfile.ZipFile.__name__.encode(), "zip_other"),
    "ftyp of another kind": (media.box(b"ftyp", b"avif\x00\x00\x00\x00avif") + b"\x00" * 8, "unsupported"),
}


@pytest.mark.parametrize("case", sorted(ATTACKS))
def test_attack_corpus_refused(tmp_path, case):
    data, code = ATTACKS[case]
    with pytest.raises(Refused) as exc:
        sniff(_write(tmp_path, data))
    assert exc.value.code == code


def test_other_zip_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(Refused) as exc:
        sniff(_write(tmp_path, buf.getvalue()))
    assert exc.value.code == "zip_other"


def test_docx_zip_bomb_refused_without_extracting(tmp_path):
    """A docx whose one member is 400 MB of zeros (compresses to ~400 KB)."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" ContentType="{filetypes.DOCX_MAIN}"/></Types>',
        )
        zf.writestr("word/document.xml", "<x/>")
        with zf.open("word/media/huge.bin", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(400):
                member.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(Refused) as exc:
        sniff(path)
    assert exc.value.code == "zip_bomb"


def test_too_many_entries_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", filetypes.DOCX_MAIN)
        zf.writestr("word/document.xml", "<x/>")
        for i in range(30):
            zf.writestr(f"word/x{i}.xml", "<x/>")
    with pytest.raises(Refused) as exc:
        sniff(_write(tmp_path, buf.getvalue()), filetypes.ZipLimits(max_entries=20))
    assert exc.value.code == "zip_bomb"


def test_macro_docx_refused(tmp_path):
    with pytest.raises(Refused) as exc:
        sniff(_write(tmp_path, docx({"word/vbaProject.bin": b"\x00" * 10})))
    assert exc.value.code == "macro"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\张三\\Desktop\\照片.JPG", "照片.JPG"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ("a\x00b\x07c.txt", "abc.txt"),
        ("  ..hidden. ", "hidden"),
        ('x<y>:"|?*.png', "x_y______.png"),
        ("CON.txt", "_CON.txt"),
        ("", "file"),
        ("🔥现场照片🔥.jpg", "🔥现场照片🔥.jpg"),
        ("e\u0301.txt", "\u00e9.txt"),
    ],
)
def test_sanitize_name(raw, expected):
    assert sanitize_name(raw) == expected


def test_sanitize_long_name_keeps_extension():
    name = sanitize_name("很" * 500 + ".jpeg")
    assert len(name) == filetypes.MAX_NAME
    assert name.endswith(".jpeg")


def test_kind_from_name():
    assert filetypes.kind_from_name("a.MP4") == "video"
    assert filetypes.kind_from_name("a.heic") == "image"
    assert filetypes.kind_from_name("noext") is None

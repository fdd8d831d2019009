"""PDFs are parsed (pypdf), not grepped: script, launch, embedded files and automatic actions are
refused however they are encoded; a clean PDF passes; a PDF that does not parse is refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from safetymonth.lib.filetypes import Refused, sniff


def writer_pdf(change=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if change:
        change(writer)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def classic_pdf(objects: list[bytes]) -> bytes:
    """A PDF 1.4 with a correct cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGE_TREE = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
]


def object_stream_pdf(hidden: bytes) -> bytes:
    """A PDF 1.5 whose object 6 (``hidden``) lives in a Flate-compressed object stream, found
    through a cross-reference stream; a link annotation on the page points to it as its action."""
    objects = {
        1: PAGE_TREE[0],
        2: PAGE_TREE[1],
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
        4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A 6 0 R >>",
    }
    head = b"6 0 "
    packed = zlib.compress(head + hidden)
    objects[5] = (
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(head), len(packed))
        + packed
        + b"\nendstream"
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in range(1, 6)]
    rows += [struct.pack(">BIH", 2, 5, 0), struct.pack(">BIH", 1, xref_at, 0)]
    data = b"".join(rows)
    out += (
        b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return bytes(out)


def _sniff(tmp_path, data: bytes):
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return sniff(path)


def _refused(tmp_path, data: bytes) -> str:
    with pytest.raises(Refused) as exc:
        _sniff(tmp_path, data)
    return exc.value.code


def test_clean_pdfs_pass(tmp_path):
    assert _sniff(tmp_path, writer_pdf()).key == "pdf"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
    assert _sniff(tmp_path, classic_pdf([*PAGE_TREE, page])).key == "pdf"
    link = b"<< /S /URI /URI (https://example.org/) >>"
    assert _sniff(tmp_path, object_stream_pdf(link)).key == "pdf"


def _open_action(writer: PdfWriter) -> None:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _names_tree_script(writer: PdfWriter) -> None:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(action)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _launch_on_page_open(writer: PdfWriter) -> None:
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})


@pytest.mark.parametrize(
    "change",
    [
        _names_tree_script,
        lambda w: w.add_attachment("run.exe", b"MZ"),  # an embedded file
        _open_action,
        _launch_on_page_open,
    ],
    ids=["names-tree-javascript", "embedded-file", "open-action", "page-auto-action-launch"],
)
def test_pypdf_built_active_content_refused(tmp_path, change):
    assert _refused(tmp_path, writer_pdf(change)) in {"pdf_script"}


def test_name_escapes_are_decoded(tmp_path):
    """/J#61vaScript and /J#53 are /JavaScript and /JS: the raw bytes never say so."""
    data = classic_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Open#41ction 4 0 R >>",
            PAGE_TREE[1],
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
            b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
        ]
    )
    assert b"javascript" not in data.lower() and b"openaction" not in data.lower()
    assert _refused(tmp_path, data) == "pdf_script"


def test_escaped_action_behind_an_innocent_key(tmp_path):
    data = classic_pdf(
        [
            *PAGE_TREE,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A << /S /L#61unch /F (cmd.exe) >> >>",
        ]
    )
    assert _refused(tmp_path, data) == "pdf_script"


def test_script_inside_a_compressed_object_stream(tmp_path):
    data = object_stream_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in data
    assert _refused(tmp_path, data) == "pdf_script"


def test_unreferenced_object_with_script_refused(tmp_path):
    data = classic_pdf(
        [*PAGE_TREE, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>", b"<< /J#53 (app.alert(1)) >>"]
    )
    assert _refused(tmp_path, data) == "pdf_script"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",  # no catalog, no pages
        b"%PDF-1.7\n" + bytes(range(256)) * 4,  # garbage after the header
    ],
    ids=["no-catalog", "garbage"],
)
def test_unparseable_pdf_refused(tmp_path, data):
    assert _refused(tmp_path, data) == "bad_pdf"


def test_encrypted_pdf_refused(tmp_path):
    assert _refused(tmp_path, writer_pdf(lambda w: w.encrypt("secret"))) == "encrypted"

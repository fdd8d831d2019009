"""Sheets for import tests, built in memory."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER = ["企业名称*", "统一社会信用代码*", "所属行业*", "监管科室*", "地址", "联系人", "联系电话"]


def xlsx_bytes(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名单"
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8", header: list[str] | None = None) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header or HEADER)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_huge_shared_strings(data: bytes, size: int = 40 * 1024 * 1024, *, distinct: bool = False) -> bytes:
    """The workbook ``data`` with a shared-strings part of about ``size`` bytes (declared in its
    content types, so openpyxl reads it): one repeated string — a few hundred KB on disk that
    openpyxl would hold whole in memory (the review's 410 KB event import that grew a worker by
    409 MB) — or, with ``distinct``, short distinct strings (the most Python objects per byte)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/sharedStrings.xml":
                continue
            body = src.read(info)
            if info.filename == "[Content_Types].xml" and b"sharedStrings" not in body:
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
                body = body.replace(b"</Types>", override.encode() + b"</Types>")
            dst.writestr(info, body)
        with dst.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?>')
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            written, n = 0, 0
            unit = "<si><t>安全生产月安全生产月</t></si>".encode()
            while written < size:
                block = b"".join(b"<si><t>%x</t></si>" % (n + i) for i in range(10_000)) if distinct else unit * 10_000
                n += 10_000
                part.write(block)
                written += len(block)
            part.write(b"</sst>")
    return out.getvalue()

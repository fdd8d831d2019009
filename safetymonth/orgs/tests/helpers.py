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

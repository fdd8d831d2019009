"""Bulk entry from the .xlsx template: the template, all or nothing, row-level errors (row, column,
Chinese message), the size limit, audit."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from safetymonth.audit.models import AuditEntry
from safetymonth.events.importing import COLUMNS
from safetymonth.events.models import Event
from safetymonth.reports.tests.helpers import published_2021

HEADERS = [c.header + ("*" if c.required else "") for c in COLUMNS]


def _xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("events.xlsx", out.getvalue())


def _post(client, cast, upload):
    campaign = published_2021(cast)
    client.force_login(cast.enterprise_staff)
    return client.post(reverse("events:import") + f"?campaign={campaign.public_id}", {"file": upload})


def test_template_has_types_and_a_drop_down(client, cast):
    campaign = published_2021(cast)
    client.force_login(cast.enterprise_staff)
    response = client.get(reverse("events:import_template"), {"campaign": campaign.public_id})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["活动记录"][1]] == HEADERS
    types = [r[0] for r in wb["活动类型"].iter_rows(min_row=2, values_only=True)]
    assert "灾害避险逃生、自救互救演练" in types and len(types) == 12
    assert wb["活动记录"].data_validations.dataValidation[0].formula1.startswith("'活动类型'!")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, summary="下载活动记录导入模板").exists()


def test_valid_file_imports_every_row(client, cast):
    rows = [
        ["灾害避险逃生、自救互救演练", "消防演练", "2021-06-10 09:00", "", "大厅", 35, "", "https://example.com/v"],
        ["lecture", "安全公开课", "2021/06/12 14:30", "2021/06/12 16:00", "", "80", "", ""],
        ["（示例）不导入", "（示例）不导入", "2021-06-16", "", "", "1", "", ""],
    ]
    rows[2][1] = "（示例）6月16日"
    response = _post(client, cast, _xlsx(rows))
    assert response.status_code == 302
    events = list(Event.objects.order_by("starts_at"))
    assert [(e.title, e.participants, e.event_type.code, e.org) for e in events] == [
        ("消防演练", 35, "drill", cast.enterprise),
        ("安全公开课", 80, "lecture", cast.enterprise),
    ]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, changes__count=2).exists()


def test_errors_are_per_row_and_nothing_is_imported(client, cast):
    rows = [
        ["灾害避险逃生、自救互救演练", "好的一行", "2021-06-10 09:00", "", "", 35, "", ""],
        ["不存在的类型", "", "明天", "", "", "-5", "", "ftp://x"],
        ["drill", "结束早于开始", "2021-06-10 09:00", "2021-06-10 08:00", "", "abc", "", ""],
    ]
    response = _post(client, cast, _xlsx(rows))
    assert response.status_code == 400
    html = response.content.decode()
    assert not Event.objects.exists()
    assert "没有导入任何数据。" in html
    for row, column, message in [
        (3, "活动类型", "“不存在的类型”不是本活动的活动类型"),
        (3, "活动名称", "必须填写。"),
        (3, "开始时间", "“明天”不是有效的日期时间"),
        (3, "参与人次", "“-5”不是非负整数。"),
        (3, "媒体链接", "第1行“ftp://x”不是有效的链接"),
        (4, "结束时间", "结束时间不能早于开始时间。"),
        (4, "参与人次", "“abc”不是非负整数。"),
    ]:
        assert f'第 {row} 行</td><td class="text-nowrap">{column}</td><td>{message}' in html, (row, column)


def test_file_level_problems(client, cast, settings):
    response = _post(client, cast, _xlsx([["drill", "x", "2021-06-10", "", "", 1]], headers=["类型", "名称"]))
    assert response.status_code == 400 and "表头缺少必填列：开始时间、参与人次" in response.content.decode()
    response = _post(client, cast, SimpleUploadedFile("events.xlsx", b"not a zip"))
    assert "内容不是 Excel 文件" in response.content.decode()
    response = _post(client, cast, SimpleUploadedFile("events.csv", b"a,b"))
    assert "只能导入 .xlsx 文件" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 100
    response = _post(client, cast, _xlsx([["drill", "x", "2021-06-10", "", "", 1]]))
    assert "文件过大" in response.content.decode()
    assert not Event.objects.exists()


def test_shared_strings_bomb_refused_with_a_message(client, cast):
    from safetymonth.orgs.tests.helpers import with_huge_shared_strings

    upload = _xlsx([["lecture", "安全公开课", "2021-06-12 14:30", "", "", "80", "", ""]])
    bomb = SimpleUploadedFile("events.xlsx", with_huge_shared_strings(upload.read()))
    response = _post(client, cast, bomb)
    assert response.status_code == 400  # the form again, with the message at the file field
    assert "解压后过大" in response.content.decode()
    assert not Event.objects.exists()

"""The inspection package: layout, names, manifest, originals vs served copies, audit, headers,
and that it streams with flat memory."""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from safetymonth.audit.models import AuditEntry
from safetymonth.evidence import package as pkg
from safetymonth.evidence.models import Material, MaterialKind, ReviewState
from safetymonth.evidence.tests.factories_review import first_item, make_material, tmp_storage  # noqa: F401
from safetymonth.reports.tests.helpers import published_2021

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _manifest(zf: zipfile.ZipFile) -> list[dict[str, str]]:
    ws = load_workbook(io.BytesIO(zf.read(pkg.MANIFEST_NAME)), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, ["" if v is None else str(v) for v in row], strict=False)) for row in rows[1:]]


class TestNames:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("../../etc/passwd", "_.._etc_passwd"),  # one component: no separator left
            ("a/b\\c:d*e?f", "a_b_c_d_e_f"),
            ("  .hidden. ", "hidden"),
            ("CON", "_CON"),
            ("", "_"),
            ("\u202eevil\u200b名", "evil名"),
            ("消" * 200, "消" * 80),
        ],
    )
    def test_safe_component(self, raw, expected):
        assert pkg.safe_component(raw) == expected

    def test_unique_file_names(self):
        namer = pkg.Namer()
        assert namer.file_name("单位/项目", "照片", "jpg") == "单位/项目/照片-1.jpg"
        assert namer.file_name("单位/项目", "照片", "jpg") == "单位/项目/照片-2.jpg"
        assert namer.file_name("单位/项目", "照片", "mp4") == "单位/项目/照片-1.mp4"

    def test_same_org_name_gets_two_folders(self):
        namer = pkg.Namer()
        assert namer.org_dir(1, "示例") == "示例"
        assert namer.org_dir(2, "示例") == "示例~2"
        assert namer.org_dir(1, "示例") == "示例"

    def test_extension(self):
        assert pkg.extension_of("evidence/ab/cd.JPG", "image/jpeg") == "jpg"
        assert pkg.extension_of("evidence/ab/cd", "application/pdf") == "pdf"
        assert pkg.extension_of("x.weird-ext!", "nope/nope") == "bin"


class TestDownload:
    def test_section_subtree_zip_and_manifest(self, client, cast, tmp_storage):  # noqa: F811
        campaign = published_2021(cast)
        item = first_item(campaign)
        indicator = item.indicators.order_by("order").first()
        a = make_material(cast, cast.enterprise, title="消防演练", item=item, indicator=indicator)
        b = make_material(
            cast, cast.enterprise, title="消防演练", item=item, state=ReviewState.ACCEPTED, good_practice=True
        )
        c = make_material(
            cast, cast.enterprise2, title="../培训 签到表", kind=MaterialKind.DOCUMENT, data=b"%PDF-1.4 x"
        )
        make_material(cast, cast.other_enterprise, title="别的科室的")
        client.force_login(cast.office)
        response = client.get(reverse("evidence:package_org", args=[cast.section.public_id]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
        assert "%E5%B8%82%E5%9C%BA%E8%BF%90%E8%A1%8C%E7%A7%91" in disposition  # 市场运行科
        zf = _zip(response)
        assert zf.testzip() is None
        assert not any(zi.extra.startswith(b"\x01\x00") for zi in zf.infolist())  # no zip64 for small files
        assert all(zi.flag_bits & 0x800 for zi in zf.infolist() if not zi.filename.isascii())  # UTF-8 names
        names = set(zf.namelist())
        folder = f"大渡口示例加油站/{item.title}"
        assert f"{folder}/消防演练-1.jpg" in names and f"{folder}/消防演练-2.jpg" in names
        assert "大渡口示例超市/其他材料/_培训 签到表-1.pdf" in names
        assert not any(n.startswith("大渡口示例餐馆") for n in names)
        rows = _manifest(zf)
        assert len(rows) == 3
        by_sha = {r["SHA-256"]: r for r in rows}
        assert set(by_sha) == {a.sha256, b.sha256, c.sha256}
        for m in (a, b, c):
            row = by_sha[m.sha256]
            assert row["包内文件名"] in names
            assert zf.read(row["包内文件名"]) == default_storage.open(m.file.name).read()
            assert row["大小（字节）"] == str(m.size)
            assert row["标题"] == m.title
        assert by_sha[a.sha256]["指标"] == indicator.label
        assert by_sha[b.sha256]["审核状态"] == "已采纳" and by_sha[b.sha256]["好的做法"] == "是"
        assert by_sha[a.sha256]["上传时间"].startswith(
            a.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
        )
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_id=cast.section.public_id)
        assert entry.changes["materials"] == 3 and entry.changes["originals"] is True

    def _with_distinct_served(self, cast):
        m = make_material(cast, cast.enterprise, title="带位置的照片")
        served = default_storage.save("evidence/test/stripped.jpg", ContentFile(b"stripped copy"))
        Material.objects.filter(pk=m.pk).update(served_file=served)
        return m

    def test_reviewers_get_originals_others_served_copies(self, client, cast, tmp_storage):  # noqa: F811
        m = self._with_distinct_served(cast)
        original = default_storage.open(m.file.name).read()
        url = reverse("evidence:package_org", args=[cast.section.public_id])
        client.force_login(cast.section_staff)
        zf = _zip(client.get(url))
        [path] = [n for n in zf.namelist() if n != pkg.MANIFEST_NAME]
        assert zf.read(path) == original
        client.force_login(cast.leader)
        zf = _zip(client.get(url))
        [path] = [n for n in zf.namelist() if n != pkg.MANIFEST_NAME]
        assert zf.read(path) == b"stripped copy"
        assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, changes__originals=False).count() == 1

    def test_campaign_and_item_filters(self, client, cast, tmp_storage):  # noqa: F811
        campaign = published_2021(cast)
        item = first_item(campaign)
        make_material(cast, cast.enterprise, title="在项目下", item=item)
        make_material(cast, cast.enterprise, title="不在")
        client.force_login(cast.section_staff)
        url = reverse("evidence:package_org", args=[cast.section.public_id])
        rows = _manifest(_zip(client.get(url, {"campaign": campaign.public_id, "item": item.code})))
        assert [r["标题"] for r in rows] == ["在项目下"]
        assert client.get(url, {"campaign": "nosuch"}).status_code == 404

    def test_missing_file_is_listed_not_fatal(self, client, cast, tmp_storage):  # noqa: F811
        make_material(cast, cast.enterprise, title="文件丢了", with_files=False)
        client.force_login(cast.office)
        zf = _zip(client.get(reverse("evidence:package_org", args=[cast.enterprise.public_id])))
        assert zf.namelist() == [pkg.MANIFEST_NAME]
        [row] = _manifest(zf)
        assert row["备注"] == "文件缺失" and row["包内文件名"] == ""

    def test_written_in_chinese_whatever_the_users_language(self, client, cast, settings, tmp_storage):  # noqa: F811
        make_material(cast, cast.enterprise, title="照片")
        client.force_login(cast.office)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(reverse("evidence:package_org", args=[cast.enterprise.public_id]))
        zf = _zip(response)
        assert list(_manifest(zf)[0])[:2] == ["单位", "活动项目"]
        assert any(n.startswith("大渡口示例加油站/其他材料/") for n in zf.namelist())

    def test_package_page_redirects_to_the_download(self, client, cast):
        client.force_login(cast.office)
        page = client.get(reverse("evidence:package"))
        assert page.status_code == 200 and cast.section.public_id in page.content.decode()
        response = client.get(reverse("evidence:package"), {"org": cast.section.public_id})
        assert response.status_code == 302
        assert response["Location"] == reverse("evidence:package_org", args=[cast.section.public_id])
        bad = client.get(reverse("evidence:package"), {"org": cast.other_enterprise.public_id + "x"})
        assert bad.status_code == 200 and "单位不存在或无权查看" in bad.content.decode()


class TestStreaming:
    def test_large_set_streams_chunk_by_chunk_with_flat_memory(self, cast, tmp_storage, monkeypatch):  # noqa: F811
        campaign = published_2021(cast)
        n_files, size = 24, 1024 * 1024  # 24 MB in all
        for _ in range(n_files):
            make_material(cast, cast.enterprise, campaign=campaign, data=os.urandom(size))
        opened: list[str] = []
        real = pkg.read_chunks

        def counting(name):
            opened.append(name)
            yield from real(name)

        monkeypatch.setattr(pkg, "read_chunks", counting)
        stream = pkg.stream_package(Material.objects.all(), originals=True, batch=5)
        first = next(stream)
        assert len(first) <= pkg.CHUNK + 1024
        assert len(opened) <= 1  # the first chunk did not read every file
        tracemalloc.start()
        total, chunks, biggest = len(first), 1, len(first)
        for chunk in stream:
            total += len(chunk)
            chunks += 1
            biggest = max(biggest, len(chunk))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert len(opened) == n_files
        assert total > n_files * size
        assert chunks > n_files * (size // pkg.CHUNK) // 2
        assert biggest < 1024 * 1024  # never a whole file in one piece
        assert peak < 8 * 1024 * 1024, peak  # 24 MB went through; memory stayed flat

"""The resumable upload protocol over HTTP: start, chunks at an offset (409 with the right one),
resume, finish, dedupe, refusals with nothing stored, CSRF, audit."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from safetymonth.audit.models import AuditEntry
from safetymonth.evidence import services
from safetymonth.evidence.models import Material, UploadSession, UploadStatus
from safetymonth.evidence.tests.upload_helpers import http_upload, jpeg, mp4, place, start
from tests.lib.test_filetypes import ATTACKS, docx

pytestmark = pytest.mark.django_db


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _partials() -> list[Path]:
    root = Path(settings.UPLOAD_PARTIAL_DIR)
    return list(root.iterdir()) if root.exists() else []


@pytest.fixture
def client_ent(client, cast):
    client.force_login(cast.enterprise_staff)
    return client


def test_upload_in_chunks_creates_material_and_audit(client_ent, cast):
    data = jpeg()
    res = http_upload(client_ent, cast, data, "现场照片.jpg", chunk=300, title="消防演练现场")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["duplicate"] is False
    m = Material.objects.get(public_id=body["material"]["id"])
    assert m.sha256 == hashlib.sha256(data).hexdigest()
    assert m.org == cast.enterprise and m.uploaded_by == cast.enterprise_staff
    assert m.title == "消防演练现场" and m.original_name == "现场照片.jpg"
    assert m.kind == "image" and m.content_type == "image/jpeg"
    assert m.file.name.startswith(f"evidence/{m.campaign.code}/{cast.enterprise.public_id}/")
    assert m.file.name.endswith(".jpg") and "现场" not in m.file.name
    assert m.served_file and m.thumbnail and m.width == 64 and m.height == 48
    assert AuditEntry.objects.filter(action="create", object_id=m.public_id).exists()
    assert _partials() == []  # partial file and work folder gone
    session = UploadSession.objects.get()
    assert session.status == UploadStatus.COMPLETE and session.material == m


def test_wrong_offset_answers_409_with_current_offset_and_resume_completes(client_ent, cast):
    data = mp4(mdat=bytes(range(256)) * 40)
    p = place(cast)
    res = client_ent.post(
        reverse("evidence:upload_start"),
        {
            "campaign": p.campaign.public_id,
            "org": p.org.public_id,
            "item": p.item.code,
            "name": "v.mp4",
            "size": len(data),
        },
    )
    assert res.status_code == 201
    url, finish = res.json()["url"], res.json()["finish_url"]
    put = lambda off, part: client_ent.put(  # noqa: E731
        url, part, content_type="application/octet-stream", headers={"Upload-Offset": str(off)}
    )
    assert put(0, data[:4000]).json()["offset"] == 4000
    # the client lost the answer and sends the first chunk again: 409 with where to carry on
    again = put(0, data[:4000])
    assert again.status_code == 409 and again.json()["offset"] == 4000 and again.json()["code"] == "offset"
    # a gap is refused too
    assert put(6000, data[6000:7000]).status_code == 409
    # asking where the upload stands after a dropped connection
    assert client_ent.get(url).json()["offset"] == 4000
    # finishing early is refused
    early = client_ent.post(finish)
    assert early.status_code == 409 and "没有传完" in early.json()["error"]
    assert put(4000, data[4000:]).json()["offset"] == len(data)
    done = client_ent.post(finish)
    assert done.status_code == 201
    m = Material.objects.get(public_id=done.json()["material"]["id"])
    assert m.sha256 == hashlib.sha256(data).hexdigest()
    assert (m.kind, m.duration_seconds, m.width, m.height) == ("video", 12.5, 1280, 720)
    # finishing again (the answer was lost) returns the same material
    assert client_ent.post(finish).json()["material"]["id"] == m.public_id


class _Dropping(io.BytesIO):
    """A request body whose connection drops after ``keep`` bytes."""

    def __init__(self, data: bytes, keep: int):
        super().__init__(data)
        self.keep = keep

    def read(self, n=-1):
        if self.tell() >= self.keep:
            raise OSError("connection reset")
        return super().read(min(n, self.keep - self.tell()))


def test_interrupted_chunk_keeps_what_arrived(cast):
    data = jpeg()
    session = start(cast, data)
    offset = services.append_chunk(session, 0, _Dropping(data, 500), len(data))
    assert offset == 500
    session.refresh_from_db()
    assert session.received == 500
    with pytest.raises(services.OffsetMismatch) as exc:
        services.append_chunk(session, 0, io.BytesIO(data), len(data))
    assert exc.value.offset == 500
    services.append_chunk(session, 500, io.BytesIO(data[500:]), len(data) - 500)
    material, dup = services.finish_upload(cast.enterprise_staff, session)
    assert not dup and material.sha256 == hashlib.sha256(data).hexdigest()


def test_same_file_same_place_is_recognised_not_stored_twice(client_ent, cast):
    data = jpeg()
    first = http_upload(client_ent, cast, data, "a.jpg")
    files_after_first = sorted(_stored_files())
    second = http_upload(client_ent, cast, data, "copy-of-a.jpg")
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["material"]["id"] == first.json()["material"]["id"]
    assert "已经上传过" in second.json()["message"]
    assert Material.objects.count() == 1
    assert sorted(_stored_files()) == files_after_first


def test_same_file_at_another_place_is_a_new_material(cast):
    from safetymonth.evidence.tests.upload_helpers import upload

    data = jpeg()
    a = upload(cast, data)
    p = place(cast)
    session = services.start_upload(
        cast.enterprise_staff,
        services.Place(campaign=p.campaign, org=p.org, item=p.campaign.forms.first().items.order_by("order")[1]),
        title="t",
        description="",
        original_name="a.jpg",
        size=len(data),
    )
    services.append_chunk(session, 0, io.BytesIO(data), len(data))
    b, dup = services.finish_upload(cast.enterprise_staff, session)
    assert not dup and a.pk != b.pk


@pytest.mark.parametrize("case", sorted(k for k in ATTACKS if k != "empty"))
def test_attack_corpus_refused_with_reason_and_nothing_stored(client_ent, cast, case):
    data, _code = ATTACKS[case]
    res = http_upload(client_ent, cast, data, "photo.jpg")
    assert res.status_code == 422, res.content
    assert res.json()["error"]
    assert Material.objects.count() == 0
    assert _stored_files() == []
    assert not list(Path(settings.UPLOAD_PARTIAL_DIR).glob("*"))
    session = UploadSession.objects.get()
    assert session.status == UploadStatus.FAILED and session.error == res.json()["error"]


def test_zip_bomb_docx_refused(client_ent, cast, tmp_path):
    import zipfile

    from safetymonth.lib import filetypes

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", filetypes.DOCX_MAIN)
        zf.writestr("word/document.xml", "<x/>")
        zf.writestr("word/media/zeros.bin", b"\x00" * (50 * 1024 * 1024))
    res = http_upload(client_ent, cast, path.read_bytes(), "报告.docx", chunk=1024 * 1024)
    assert res.status_code == 422
    assert "恶意压缩包" in res.json()["error"]
    assert _stored_files() == []


def test_docx_accepted(client_ent, cast):
    res = http_upload(client_ent, cast, docx(), "总结.docx")
    assert res.status_code == 201
    m = Material.objects.get()
    assert m.kind == "document" and m.file.name.endswith(".docx") and not m.served_file and not m.thumbnail


def test_empty_file_refused_up_front(client_ent, cast):
    res = http_upload(client_ent, cast, b"", "empty.jpg")
    assert res.status_code == 400
    assert "空的" in res.json()["error"]
    assert UploadSession.objects.count() == 0


def test_oversize_refused_up_front_by_declared_size(client_ent, cast, settings):
    settings.EVIDENCE_MAX_IMAGE_BYTES = 1000
    p = place(cast)
    res = client_ent.post(
        reverse("evidence:upload_start"),
        {"campaign": p.campaign.public_id, "org": p.org.public_id, "name": "big.jpg", "size": 5000},
    )
    assert res.status_code == 413
    assert "文件太大" in res.json()["error"] and "图片" in res.json()["error"]


def test_oversize_by_real_kind_refused_at_finish(client_ent, cast, settings):
    """Named .txt (documents: 50 MB) but really a JPEG above the image limit."""
    data = jpeg(size=(400, 300))
    settings.EVIDENCE_MAX_IMAGE_BYTES = len(data) - 1
    res = http_upload(client_ent, cast, data, "notes.txt")
    assert res.status_code == 413
    assert _stored_files() == []


def test_chunk_beyond_declared_size_refused(client_ent, cast):
    p = place(cast)
    res = client_ent.post(
        reverse("evidence:upload_start"),
        {"campaign": p.campaign.public_id, "org": p.org.public_id, "name": "a.txt", "size": 10},
    )
    r = client_ent.put(
        res.json()["url"], b"x" * 20, content_type="application/octet-stream", headers={"Upload-Offset": "0"}
    )
    assert r.status_code == 413


def test_names_are_sanitised(client_ent, cast):
    res = http_upload(client_ent, cast, jpeg(), "../../etc/\u202epasswd\x00.jpg")
    assert res.status_code == 201
    m = Material.objects.get()
    assert m.original_name == "passwd.jpg"
    assert "etc" not in m.file.name and ".." not in m.file.name


def test_csrf_required():
    from tests.factories import build_cast

    cast = build_cast()
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.enterprise_staff)
    p = place(cast)
    res = client.post(
        reverse("evidence:upload_start"),
        {"campaign": p.campaign.public_id, "org": p.org.public_id, "name": "a.jpg", "size": 10},
    )
    assert res.status_code == 403
    session = start(cast, b"0123456789", "a.txt")
    put = client.put(
        reverse("evidence:upload_session", args=[session.public_id]),
        b"0123456789",
        content_type="application/octet-stream",
        headers={"Upload-Offset": "0"},
    )
    assert put.status_code == 403


def test_section_cannot_upload_for_its_enterprise(client, cast):
    client.force_login(cast.section_staff)
    p = place(cast)
    res = client.post(
        reverse("evidence:upload_start"),
        {"campaign": p.campaign.public_id, "org": cast.enterprise.public_id, "name": "a.jpg", "size": 10},
    )
    assert res.status_code == 403


def test_cancel_removes_partial_file(client_ent, cast):
    session = start(cast, b"0123456789", "a.txt")
    url = reverse("evidence:upload_session", args=[session.public_id])
    assert services.partial_path(session).exists()
    assert client_ent.delete(url).status_code == 204
    assert not services.partial_path(session).exists()
    session.refresh_from_db()
    assert session.status == UploadStatus.FAILED


def test_storage_failure_leaves_no_row_and_no_file(cast, monkeypatch):
    data = jpeg()
    session = start(cast, data)
    services.append_chunk(session, 0, io.BytesIO(data), len(data))
    calls = {"n": 0}
    real = services.storage.save_path

    def flaky(name, path, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # served copy and thumbnail stored, the original fails
            raise OSError("disk full")
        return real(name, path, **kwargs)

    monkeypatch.setattr(services.storage, "save_path", flaky)
    with pytest.raises(OSError):
        services.finish_upload(cast.enterprise_staff, session)
    assert Material.objects.count() == 0
    assert _stored_files() == []
    # the received bytes are kept: finishing again once storage is back works
    monkeypatch.setattr(services.storage, "save_path", real)
    material, _dup = services.finish_upload(cast.enterprise_staff, session)
    assert material.file.storage.exists(material.file.name)


def test_local_original_is_moved_not_copied(cast):
    data = mp4()
    session = start(cast, data, "v.mp4")
    services.append_chunk(session, 0, io.BytesIO(data), len(data))
    inode = services.partial_path(session).stat().st_ino
    material, _dup = services.finish_upload(cast.enterprise_staff, session)
    assert Path(material.file.path).stat().st_ino == inode
    assert oct(Path(material.file.path).stat().st_mode & 0o777) == oct(settings.FILE_UPLOAD_PERMISSIONS)


def test_failure_after_the_original_is_stored_can_be_retried(cast, monkeypatch):
    """Once the original was moved away from the partial folder, such a failure used to fail the
    upload for good (“请重新上传”); the original is now a hard link and the partial file stays
    until the row is committed (issue 11, item 5), so the upload stays receiving and finishes on
    retry, with nothing left in storage from the failed attempt."""
    data = jpeg()
    session = start(cast, data)
    services.append_chunk(session, 0, io.BytesIO(data), len(data))

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "log_event", broken)
    with pytest.raises(RuntimeError):
        services.finish_upload(cast.enterprise_staff, session)
    assert Material.objects.count() == 0 and _stored_files() == []
    session.refresh_from_db()
    assert session.status == UploadStatus.RECEIVING and session.material_id is None
    assert services.partial_path(session).read_bytes() == data
    monkeypatch.undo()
    material, _dup = services.finish_upload(cast.enterprise_staff, session)
    assert material.file.open("rb").read() == data and len(_stored_files()) == 3


def test_truncated_photo_refused(client_ent, cast):
    data = jpeg(size=(200, 150))
    res = http_upload(client_ent, cast, data[: len(data) // 2], "cut.jpg")
    assert res.status_code == 422
    assert "图片已损坏" in res.json()["error"]
    assert _stored_files() == []

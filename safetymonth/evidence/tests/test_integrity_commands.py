"""manage.py verify_storage and sweep_uploads."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from safetymonth.evidence import services
from safetymonth.evidence.models import UploadSession, UploadStatus
from safetymonth.evidence.tests.upload_helpers import jpeg, start, upload

pytestmark = pytest.mark.django_db


def test_verify_storage_ok(cast):
    upload(cast, jpeg())
    out = io.StringIO()
    call_command("verify_storage", stdout=out)
    assert "storage ok" in out.getvalue()


def test_verify_storage_reports_missing_and_orphans(cast):
    m = upload(cast, jpeg())
    default_storage.delete(m.served_file.name)
    default_storage.save("evidence/x/y/orphan.jpg", ContentFile(b"x"))
    default_storage.save("other/not-evidence.txt", ContentFile(b"x"))  # outside the prefix: ignored
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_storage", stdout=out)
    assert exc.value.returncode == 1
    text = out.getvalue()
    assert f"missing\t{m.public_id}\tserved_file\t{m.served_file.name}" in text
    assert "orphan\tevidence/x/y/orphan.jpg" in text
    assert "not-evidence" not in text


def _age(session: UploadSession, hours: int) -> None:
    UploadSession.objects.filter(pk=session.pk).update(updated_at=timezone.now() - dt.timedelta(hours=hours))
    old = time.time() - hours * 3600
    path = services.partial_path(session)
    if path.exists():
        os.utime(path, (old, old))


def test_sweep_uploads(cast):
    fresh = start(cast, b"0123456789", "a.txt")
    stale = start(cast, b"0123456789", "b.txt")
    services.append_chunk(stale, 0, io.BytesIO(b"01234"), 5)
    failed = start(cast, b"0123456789", "c.txt")
    services.abort_upload(cast.enterprise_staff, failed)
    done = start(cast, jpeg(n=5), "d.jpg")
    _age(stale, 72)
    _age(failed, 72)
    orphan = Path(settings.UPLOAD_PARTIAL_DIR) / "nobody.part"
    orphan.write_bytes(b"x")
    os.utime(orphan, (time.time() - 72 * 3600,) * 2)
    young_orphan = Path(settings.UPLOAD_PARTIAL_DIR) / "young.part"
    young_orphan.write_bytes(b"x")
    UploadSession.objects.filter(pk=done.pk).update(status=UploadStatus.COMPLETE)
    _age(done, 72)

    out = io.StringIO()
    call_command("sweep_uploads", stdout=out)
    # stray: nobody.part, and the completed session's left-over partial file
    assert "removed 2 upload session(s) and 2 stray partial file(s)" in out.getvalue()
    assert not services.partial_path(done).exists()
    assert set(UploadSession.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}
    assert not services.partial_path(stale).exists()
    assert services.partial_path(fresh).exists()
    assert not orphan.exists() and young_orphan.exists()

    call_command("sweep_uploads", "--older-than", "0", stdout=io.StringIO())
    assert set(UploadSession.objects.values_list("pk", flat=True)) == {done.pk}


class Killed(BaseException):
    """Stands for the worker being killed: no except clause of the application runs for it."""


@pytest.mark.parametrize("crash_after", [1, 3], ids=["after-the-served-copy", "after-the-original"])
def test_crash_during_finish_leaves_a_retry_and_orphans_the_sweep_removes(cast, monkeypatch, crash_after):
    """A kill during finish once left three orphan objects (one an original with GPS), an upload
    whose retry said the file was empty, and verify_storage failing for ever."""
    data = jpeg()
    session = start(cast, data)
    services.append_chunk(session, 0, io.BytesIO(data), len(data))
    real_save = services.storage.save_path
    saved: list[str] = []

    def save_then_die(name, path, **kwargs):
        saved.append(real_save(name, path, **kwargs))
        if len(saved) == crash_after:
            raise Killed
        return saved[-1]

    monkeypatch.setattr(services.storage, "save_path", save_then_die)
    monkeypatch.setattr(services.storage, "delete_quietly", lambda *names: None)  # a kill cleans nothing
    with pytest.raises(Killed):
        services.finish_upload(cast.enterprise_staff, session)
    monkeypatch.undo()

    session.refresh_from_db()
    assert session.status == UploadStatus.RECEIVING and session.material_id is None
    assert services.partial_path(session).stat().st_size == len(data)  # every byte still there
    assert set(services.verify_storage().orphans) == set(saved)

    material, duplicate = services.finish_upload(cast.enterprise_staff, session)  # the retry
    assert not duplicate
    assert material.file.open("rb").read() == data
    assert not services.partial_path(session).exists()
    report = services.verify_storage()
    assert set(report.orphans) == set(saved) and not report.missing

    # the sweep leaves young orphans alone (a finish may be writing them), removes old ones
    assert services.sweep_uploads().orphan_objects == 0
    later = timezone.now() + dt.timedelta(hours=settings.EVIDENCE_ORPHAN_GRACE_HOURS + 1)
    assert services.sweep_uploads(now=later).orphan_objects == len(saved)
    assert services.verify_storage().ok
    assert material.file.storage.exists(material.file.name)
    assert material.served_file.storage.exists(material.served_file.name)


def test_sweep_command_reports_orphan_objects(cast):
    stray = default_storage.save("evidence/x/y/stray.jpg", ContentFile(b"x"))
    old = time.time() - 48 * 3600
    os.utime(default_storage.path(stray), (old, old))
    out = io.StringIO()
    call_command("sweep_uploads", stdout=out)
    assert "1 orphan stored object(s)" in out.getvalue()
    assert not default_storage.exists(stray)
    call_command("verify_storage", stdout=io.StringIO())


def test_open_uploads_quota(cast, settings):
    settings.EVIDENCE_MAX_OPEN_UPLOADS = 2
    start(cast, b"a" * 10, "a.txt")
    start(cast, b"b" * 10, "b.txt")
    with pytest.raises(services.UploadRefused) as exc:
        start(cast, b"c" * 10, "c.txt")
    assert exc.value.code == "quota_uploads" and exc.value.status == 429
    assert "最多 2 个" in exc.value.message


def test_open_upload_bytes_quota(cast, settings, client):
    settings.EVIDENCE_MAX_OPEN_UPLOAD_BYTES = 1024 * 1024
    first = start(cast, b"a" * 700 * 1024, "a.txt")
    with pytest.raises(services.UploadRefused) as exc:
        start(cast, b"b" * 400 * 1024, "b.txt")
    assert exc.value.code == "quota_bytes" and "1.0 MB" in exc.value.message
    services.abort_upload(cast.enterprise_staff, first)  # a cancelled upload frees its share
    start(cast, b"b" * 400 * 1024, "b.txt")

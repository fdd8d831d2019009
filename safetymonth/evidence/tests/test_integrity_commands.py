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

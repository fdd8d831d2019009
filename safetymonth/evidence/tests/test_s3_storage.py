"""The S3-compatible backend (django-storages) against moto's S3 server: upload, dedupe, serve
(whole and ranged, streamed from the object body, never through S3Storage.open()), verify_storage, delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetymonth.evidence import services, storage
from safetymonth.evidence.models import Material
from safetymonth.evidence.tests.conftest import S3_BUCKET
from safetymonth.evidence.tests.upload_helpers import jpeg, mp4, upload

pytestmark = pytest.mark.django_db

BUCKET = S3_BUCKET


def _keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_round_trip(s3, client, cast, monkeypatch):
    assert storage.local_path("x") is None  # S3: no local path, X-Accel is not used
    photo = upload(cast, jpeg())
    video = upload(cast, mp4(mdat=bytes(range(256)) * 50), "v.mp4")
    keys = _keys(s3)
    assert photo.file.name in keys and photo.served_file.name in keys and photo.thumbnail.name in keys
    assert video.file.name in keys
    assert all(k.startswith("evidence/") for k in keys)

    # dedupe: nothing new in the bucket
    again = upload(cast, jpeg(n=999))
    same = upload(cast, jpeg(n=999))
    assert same.pk == again.pk
    assert len(_keys(s3)) == len(keys) + 3

    client.force_login(cast.enterprise_staff)
    # served by streaming the object's body: django-storages' open() would hold the whole file in memory
    from storages.backends.s3 import S3Storage

    def no_open(*args, **kwargs):
        raise AssertionError("S3Storage.open() reads the whole object into memory")

    monkeypatch.setattr(S3Storage, "open", no_open)
    r = client.get(reverse("evidence:file", args=[video.public_id]))
    body = b"".join(r.streaming_content)
    assert r.status_code == 200 and len(body) == video.size
    part = client.get(reverse("evidence:file", args=[video.public_id]), headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and b"".join(part.streaming_content) == body[10:20]
    assert part["Content-Range"] == f"bytes 10-19/{video.size}"
    tail = client.get(reverse("evidence:file", args=[video.public_id]), headers={"Range": "bytes=-5"})
    assert b"".join(tail.streaming_content) == body[-5:]
    monkeypatch.undo()

    assert services.verify_storage().ok
    s3.delete_object(Bucket=BUCKET, Key=photo.thumbnail.name)
    s3.put_object(Bucket=BUCKET, Key="evidence/stray/file.bin", Body=b"x")
    report = services.verify_storage()
    assert report.missing == [(photo.public_id, "thumbnail", photo.thumbnail.name)]
    assert report.orphans == ["evidence/stray/file.bin"]

    # delete: the files go with the row
    names = [photo.file.name, photo.served_file.name]
    storage.delete_quietly(*names)
    Material.objects.filter(pk=photo.pk).delete()
    assert not set(names) & set(_keys(s3))

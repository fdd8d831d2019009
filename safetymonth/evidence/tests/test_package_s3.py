"""The inspection package from the S3-compatible backend (moto's server): files are streamed from
the object's body in chunks, never downloaded whole, and the zip holds them intact."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from safetymonth.evidence import package as pkg
from safetymonth.evidence.models import Material
from safetymonth.evidence.tests.conftest import S3_BUCKET
from safetymonth.evidence.tests.factories_review import make_material

pytestmark = pytest.mark.django_db

BUCKET = S3_BUCKET


def test_package_streams_objects_from_s3(cast, s3, monkeypatch):
    data = os.urandom(3 * pkg.CHUNK + 17)
    m = make_material(cast, cast.enterprise, title="视频", kind="video", data=data)
    other = default_storage.save("evidence/test/stripped.mp4", ContentFile(b"served copy"))
    Material.objects.filter(pk=m.pk).update(served_file=other)

    def no_whole_download(*args, **kwargs):  # storage.open() would fetch the whole object
        raise AssertionError("the package must not open() S3 files")

    from storages.backends.s3 import S3Storage

    monkeypatch.setattr(S3Storage, "_open", no_whole_download)
    chunks = list(pkg.read_chunks(m.file.name))
    assert len(chunks) == 4 and b"".join(chunks) == data

    zf = zipfile.ZipFile(io.BytesIO(b"".join(pkg.stream_package(Material.objects.all(), originals=True))))
    [name] = [n for n in zf.namelist() if n != pkg.MANIFEST_NAME]
    assert hashlib.sha256(zf.read(name)).hexdigest() == m.sha256
    zf = zipfile.ZipFile(io.BytesIO(b"".join(pkg.stream_package(Material.objects.all(), originals=False))))
    [name] = [n for n in zf.namelist() if n != pkg.MANIFEST_NAME]
    assert zf.read(name) == b"served copy"

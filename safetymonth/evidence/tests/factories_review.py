"""Materials for the review, gallery and package tests, made directly (no upload pipeline):
small Pillow JPEGs saved through default_storage, or rows without files for the access rows."""

from __future__ import annotations

import hashlib
import io
import itertools
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from safetymonth.evidence.models import Material, MaterialKind, ReviewState
from safetymonth.reports.tests.helpers import published_2021

_seq = itertools.count(1)


@pytest.fixture
def tmp_storage(settings, tmp_path):
    """Files of the test go to a temporary folder (default_storage is reset by the setting change)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        },
    }
    return tmp_path / "media"


def jpeg_bytes(n: int | None = None, size: tuple[int, int] = (32, 24)) -> bytes:
    """A small JPEG, different for every n (so SHA-256s differ)."""
    n = next(_seq) if n is None else n
    buf = io.BytesIO()
    Image.new("RGB", size, ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def campaign_2021(cast: Any):
    return published_2021(cast)


def first_item(campaign):
    return campaign.forms.first().items.order_by("order").first()


def make_material(
    cast: Any,
    org,
    *,
    title: str | None = None,
    campaign=None,
    item=None,
    indicator=None,
    event=None,
    kind: str = MaterialKind.IMAGE,
    with_files: bool = True,
    data: bytes | None = None,
    state: str = ReviewState.PENDING,
    reason: str = "",
    good_practice: bool = False,
    uploaded_by=None,
    captured_outside_period: bool = False,
    served: bool = True,
    **fields: Any,
) -> Material:
    campaign = campaign or published_2021(cast)
    n = next(_seq)
    data = data if data is not None else jpeg_bytes(n)
    ext = {"image": "jpg", "video": "mp4", "document": "pdf"}[kind]
    content_type = {"image": "image/jpeg", "video": "video/mp4", "document": "application/pdf"}[kind]
    if with_files:
        name = default_storage.save(f"evidence/test/{n:06d}.{ext}", ContentFile(data))
        served_name = default_storage.save(f"evidence/test/{n:06d}-served.{ext}", ContentFile(data)) if served else ""
        thumb_name = default_storage.save(f"evidence/test/{n:06d}-thumb.jpg", ContentFile(jpeg_bytes(n)))
    else:
        name, served_name, thumb_name = f"evidence/missing/{n:06d}.{ext}", "", ""
    return Material.objects.create(
        campaign=campaign,
        org=org,
        item=item,
        indicator=indicator,
        event=event,
        title=title or f"材料{n}",
        kind=kind,
        content_type=content_type,
        original_name=f"IMG_{n}.{ext}",
        file=name,
        served_file=served_name,
        thumbnail=thumb_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        review_state=state,
        review_reason=reason or ("不清晰" if state == ReviewState.REJECTED else ""),
        is_good_practice=good_practice,
        uploaded_by=uploaded_by or cast.enterprise_staff,
        captured_outside_period=captured_outside_period,
        **fields,
    )

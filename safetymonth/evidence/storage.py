"""Evidence files in Django's storage (local folder outside the web root, or S3-compatible).

Names are generated: ``evidence/<campaign code>/<org public id>/<random>.<ext>`` for the original,
``…-served.<ext>`` for the copy shown to users and ``…-thumb.jpg`` for the thumbnail. Nothing of
the client's file name reaches storage.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage

PREFIX = "evidence"
# Bytes read from storage at a time when a file is streamed to a client or into a zip.
CHUNK = 64 * 1024


def storage() -> Storage:
    """The storage Material's FileFields use (the default storage)."""
    return default_storage


def base_name(campaign_code: str, org_public_id: str) -> str:
    """A fresh stem under the evidence prefix (no extension)."""
    return f"{PREFIX}/{campaign_code}/{org_public_id}/{secrets.token_urlsafe(18)}"


class _MovableFile(File):
    """A local file the file-system storage may move into place (as it does with Django's
    temporary uploads) instead of copying it: a 2 GB video is renamed, not rewritten."""

    def __init__(self, fh, name: str, path: Path | str) -> None:
        super().__init__(fh, name=name)
        self._path = str(path)

    def temporary_file_path(self) -> str:
        return self._path


def save_path(name: str, path: Path | str, *, move: bool = False) -> str:
    """Put a local file into storage under ``name``; the name stored. Copied in chunks, or with
    ``move`` (local storage only) moved; S3 streams it either way."""
    with open(path, "rb") as fh:
        content = _MovableFile(fh, Path(name).name, path) if move else File(fh, name=Path(name).name)
        return storage().save(name, content)


def delete_quietly(*names: str) -> None:
    """Remove stored files, ignoring missing ones (cleanup after a failure)."""
    for name in names:
        if not name:
            continue
        # best effort cleanup after a failure; verify_storage reports anything left behind
        with contextlib.suppress(Exception):
            storage().delete(name)


def local_path(name: str) -> str | None:
    """The file's path on this machine for a local storage, else None (S3)."""
    try:
        return storage().path(name)
    except NotImplementedError:
        return None


def walk(prefix: str = PREFIX) -> Iterator[str]:
    """Every stored name under ``prefix`` (recursively, through ``listdir``)."""
    st = storage()
    try:
        dirs, files = st.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for f in files:
        yield f"{prefix}/{f}"
    for d in dirs:
        yield from walk(f"{prefix}/{d}")


def _s3_object(name: str) -> Any:
    """The boto3 object behind ``name`` with the S3 backend, else None."""
    st: Any = storage()
    if getattr(st, "bucket", None) is None or not hasattr(st, "_normalize_name"):
        return None
    from storages.utils import clean_name

    return st.bucket.Object(st._normalize_name(clean_name(name)))


def stream(name: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    """The stored file (or ``length`` bytes of it from ``start``), chunk by chunk, never whole in
    memory. django-storages' S3 ``open()`` downloads the whole object into an in-memory spooled
    file (no size limit by default) — a 2 GB video would be 2 GB of RAM — so on S3 the object's
    body is streamed instead, with an HTTP Range for a part."""
    obj = _s3_object(name)
    if obj is not None:
        kwargs = {}
        if start or length is not None:
            last = "" if length is None else str(start + length - 1)
            kwargs["Range"] = f"bytes={start}-{last}"
        body = obj.get(**kwargs)["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()
        return
    with storage().open(name, "rb") as fh:
        fh.seek(start)
        left = length
        while left is None or left > 0:
            block = fh.read(CHUNK if left is None else min(CHUNK, left))
            if not block:
                break
            if left is not None:
                left -= len(block)
            yield block

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

from django.core.files import File
from django.core.files.storage import Storage, default_storage

PREFIX = "evidence"


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

"""Backup manifests, without Django: the SHA-256 of every file under a folder, and the check that a
folder still holds exactly those files with those contents."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

MANIFEST = "manifest.json"
_CHUNK = 1024 * 1024


def sha256_stream(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return sha256_stream(fh)


def files_under(root: Path) -> Iterator[str]:
    """Relative POSIX paths of the regular files under ``root`` (the manifest itself excluded), sorted."""
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(root).as_posix()
        if rel != MANIFEST:
            yield rel


def write_manifest(root: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """Hash every file under ``root`` and write ``manifest.json`` next to them; returns the manifest."""
    manifest = {**meta, "files": {rel: sha256_file(root / rel) for rel in files_under(root)}}
    (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def read_manifest(root: Path) -> dict[str, Any]:
    """The manifest of the backup in ``root``; ValueError when it is missing or unreadable."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ValueError("no file list")
    return manifest


def check_files(root: Path, manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(problem, relative path) for every file missing, changed, or not listed; empty when all match."""
    listed: dict[str, str] = manifest["files"]
    present = set(files_under(root))
    problems = [("missing", rel) for rel in sorted(set(listed) - present)]
    problems += [("unexpected", rel) for rel in sorted(present - set(listed))]
    problems += [("changed", rel) for rel in sorted(present & set(listed)) if sha256_file(root / rel) != listed[rel]]
    return problems

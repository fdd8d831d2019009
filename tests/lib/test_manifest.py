"""Backup manifests without Django: every file hashed; missing, changed and unlisted files found."""

from __future__ import annotations

import pytest

from safetymonth.lib.manifest import check_files, read_manifest, write_manifest


def test_manifest_round_trip_and_problems(tmp_path):
    (tmp_path / "media" / "a").mkdir(parents=True)
    (tmp_path / "media" / "a" / "x.jpg").write_bytes(b"x")
    (tmp_path / "db").write_bytes(b"db")
    manifest = write_manifest(tmp_path, {"format": 1})
    assert set(manifest["files"]) == {"media/a/x.jpg", "db"}
    assert read_manifest(tmp_path) == manifest and check_files(tmp_path, manifest) == []

    (tmp_path / "db").write_bytes(b"DB")
    (tmp_path / "media" / "a" / "x.jpg").unlink()
    (tmp_path / "new").write_bytes(b"")
    assert check_files(tmp_path, manifest) == [("missing", "media/a/x.jpg"), ("unexpected", "new"), ("changed", "db")]

    (tmp_path / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError):
        read_manifest(tmp_path)

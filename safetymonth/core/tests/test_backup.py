"""manage.py backup and restore: the round trip restores every table and every file; a backup that
does not match its manifest is refused before anything is touched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import verify_audit
from safetymonth.evidence.models import Material
from safetymonth.evidence.tests.conftest import S3_BUCKET, s3  # noqa: F401 (the fixture)
from safetymonth.evidence.tests.upload_helpers import jpeg, upload
from safetymonth.lib.manifest import read_manifest
from tests.factories import build_cast

CHAIN_TABLES = {"audit_auditentry", "audit_auditchainhead"}


@pytest.fixture(autouse=True)
def _pg_client_tools():
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed (install the PostgreSQL client of the server's version)")


def _tables() -> dict[str, tuple[int, str]]:
    """Every table: its row count and a hash of its rows (in a stable order)."""
    out = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor, include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected names)
            rows = sorted(repr(tuple(str(v) for v in row)) for row in cursor.fetchall())
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def _files(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def site(settings, tmp_path):
    """A small site with stored evidence files and an audit archive file, in temporary folders."""
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    settings.AUDIT_ARCHIVE_DIR.mkdir()
    (settings.AUDIT_ARCHIVE_DIR / "audit-1-9.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    cast = build_cast()
    upload(cast, jpeg())
    upload(cast, jpeg(n=7), "second.jpg")
    return cast


def _media() -> Path:
    return Path(storages["default"].location)


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_table_and_file(site, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=open("/dev/null", "w"))  # noqa: SIM115
    tables, media, archive = _tables(), _files(_media()), _files(settings.AUDIT_ARCHIVE_DIR)
    assert Material.objects.exists() and len(media) >= 4 and archive
    manifest = read_manifest(backup)
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert manifest["engine"] == connection.vendor and dump in manifest["files"]
    assert {f"media/{rel}" for rel in media} | {f"audit-archive/{rel}" for rel in archive} | {dump} == set(
        manifest["files"]
    )

    # wipe: every table emptied, every file gone
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(_media())
    shutil.rmtree(settings.AUDIT_ARCHIVE_DIR)
    assert not Material.objects.exists()

    call_command("restore", str(backup), stdout=open("/dev/null", "w"))  # noqa: SIM115

    restored = _tables()
    assert set(restored) == set(tables)
    for table in set(tables) - CHAIN_TABLES:
        assert restored[table] == tables[table], table
    # the audit log: everything backed up, plus the restore's own entry, and the chain intact
    assert restored["audit_auditentry"][0] == tables["audit_auditentry"][0] + 1
    assert AuditEntry.objects.order_by("-pk").first().actor_name == "manage.py restore"
    assert verify_audit().ok
    assert _files(_media()) == media
    assert _files(settings.AUDIT_ARCHIVE_DIR) == archive


def _backup(tmp_path) -> Path:
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=open("/dev/null", "w"))  # noqa: SIM115
    return backup


def _refused(backup: Path) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("restore", str(backup))
    assert exc.value.returncode == 2
    return str(exc.value)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_that_does_not_match_its_manifest(site, tmp_path):
    backup = _backup(tmp_path)
    entries = AuditEntry.objects.count()
    a_file = next(p for p in (backup / "media").rglob("*") if p.is_file())

    a_file.write_bytes(a_file.read_bytes() + b"x")
    assert "内容不符：media/" in _refused(backup)
    a_file.unlink()
    assert "缺少：media/" in _refused(backup)
    (backup / "extra.txt").write_text("?")
    assert "清单外：extra.txt" in _refused(backup)
    (backup / "manifest.json").unlink()
    assert "manifest.json" in _refused(backup)
    assert AuditEntry.objects.count() == entries  # nothing restored, nothing logged


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_another_engine_and_check_only(site, tmp_path):
    backup = _backup(tmp_path)
    call_command("restore", str(backup), "--check", stdout=open("/dev/null", "w"))  # noqa: SIM115
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["engine"] = "oracle"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    assert "oracle" in _refused(backup)


def test_backup_wants_an_empty_folder(db, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(tmp_path / "old"))


@pytest.mark.django_db(transaction=True)
def test_s3_backup_lists_every_object_with_its_hash_and_restore_checks_the_bucket(s3, tmp_path, settings):  # noqa: F811
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "no-archive"
    cast = build_cast()
    material = upload(cast, jpeg())
    backup = _backup(tmp_path)
    listing = json.loads((backup / "media-listing.json").read_text())
    objects = {o["key"]: o for o in listing["objects"]}
    body = s3.get_object(Bucket=S3_BUCKET, Key=material.file.name)["Body"].read()
    assert objects[material.file.name]["sha256"] == hashlib.sha256(body).hexdigest()
    assert set(objects) == {o["Key"] for o in s3.list_objects_v2(Bucket=S3_BUCKET)["Contents"]}
    assert not (backup / "media").exists()

    call_command("restore", str(backup), stdout=open("/dev/null", "w"))  # noqa: SIM115
    s3.delete_object(Bucket=S3_BUCKET, Key=material.file.name)
    assert material.file.name in _refused(backup)

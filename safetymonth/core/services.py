"""Whole-site backup and restore (docs/operations.md, "Backups").

A backup is a folder: the database in its engine's own format (PostgreSQL: ``pg_dump`` custom
format; SQLite: a copy made with SQLite's online backup API), the stored files (local storage: the
folder copied; S3: a listing of the bucket's keys with each object's SHA-256), the audit archive
folder, and ``manifest.json`` with the SHA-256 of every file. A restore checks the manifest first and
refuses on any mismatch, then restores the database and the files.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.lib.manifest import check_files, read_manifest, sha256_stream, write_manifest

FORMAT = 1
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media"
S3_LISTING = "media-listing.json"
AUDIT_ARCHIVE = "audit-archive"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (in the site's language)."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    engine: str
    files: int


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database (no password on the command line)."""
    db = connection.settings_dict
    env = {**os.environ}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _run(args: list[str]) -> None:
    try:
        result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True)  # noqa: S603 (fixed tools)
    except FileNotFoundError as exc:
        raise BackupError(
            _("找不到 %(tool)s：请安装与数据库服务器同版本的 PostgreSQL 客户端。") % {"tool": args[0]}
        ) from exc
    if result.returncode != 0:
        raise BackupError(_("%(tool)s 失败：%(error)s") % {"tool": args[0], "error": result.stderr.strip()[-2000:]})


def _local_root() -> Path | None:
    """The folder of the default storage when it is on this machine, else None (S3)."""
    location = getattr(storages["default"], "location", None)
    return Path(location) if location and not hasattr(storages["default"], "bucket") else None


def _s3_listing() -> dict[str, Any]:
    st: Any = storages["default"]
    objects = []
    for summary in st.bucket.objects.filter(Prefix=st.location or ""):
        body = summary.get()["Body"]
        try:
            digest = sha256_stream(body)
        finally:
            body.close()
        objects.append({"key": summary.key, "size": summary.size, "sha256": digest})
    return {"bucket": st.bucket_name, "objects": objects}


def backup_site(dest: Path) -> BackupSummary:
    """Write a complete backup into ``dest`` (a new or empty folder)."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(_("备份目录 %(path)s 不是空的：请指定新的目录。") % {"path": dest})
    dest.mkdir(parents=True, exist_ok=True)
    engine = connection.vendor
    # Logged first, so that the backup holds the record of its own making.
    log_event(
        None,
        AuditEntry.Action.EXPORT,
        None,
        actor_name="manage.py backup",
        summary=_("整站备份到 %(path)s") % {"path": dest},
        changes={"engine": engine},
    )
    if engine == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dest / PG_DUMP)])
    elif engine == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(dest / SQLITE_COPY)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(_("不支持的数据库：%(engine)s") % {"engine": engine})

    root = _local_root()
    if root is not None:
        if root.is_dir():
            shutil.copytree(root, dest / MEDIA, symlinks=False)
        else:
            (dest / MEDIA).mkdir()
        storage_kind = "local"
    else:
        (dest / S3_LISTING).write_text(json.dumps(_s3_listing(), indent=1), encoding="utf-8")
        storage_kind = "s3"
    archive_dir = Path(settings.AUDIT_ARCHIVE_DIR)
    if archive_dir.is_dir():
        shutil.copytree(archive_dir, dest / AUDIT_ARCHIVE)

    manifest = write_manifest(
        dest,
        {"format": FORMAT, "created": timezone.now().isoformat(), "engine": engine, "storage": storage_kind},
    )
    return BackupSummary(dest, engine, len(manifest["files"]))


def check_backup(src: Path) -> dict[str, Any]:
    """The backup's manifest, once every file has been checked against it; BackupError otherwise."""
    try:
        manifest = read_manifest(src)
    except ValueError as exc:
        raise BackupError(
            _("%(path)s 中没有可读的备份清单（manifest.json）：%(error)s") % {"path": src, "error": exc}
        ) from exc
    problems = check_files(src, manifest)
    if problems:
        labels = {"missing": _("缺少"), "changed": _("内容不符"), "unexpected": _("清单外")}
        lines = [f"{labels[kind]}：{rel}" for kind, rel in problems[:50]]
        raise BackupError(_("备份与清单不符（%(n)d 处），拒绝恢复：") % {"n": len(problems)} + "\n" + "\n".join(lines))
    if manifest.get("format") != FORMAT:
        raise BackupError(_("不认识的备份格式：%(format)s") % {"format": manifest.get("format")})
    if manifest.get("engine") != connection.vendor:
        raise BackupError(
            _("这是 %(backup)s 数据库的备份，当前数据库是 %(current)s，拒绝恢复。")
            % {"backup": manifest.get("engine"), "current": connection.vendor}
        )
    return manifest


def _missing_objects(listing: dict[str, Any]) -> list[str]:
    """Keys of the listing that the bucket no longer holds with the same content."""
    st: Any = storages["default"]
    missing = []
    for item in listing["objects"]:
        try:
            body = st.bucket.Object(item["key"]).get()["Body"]
        except Exception:  # noqa: BLE001 - any failure to read the object counts as missing
            missing.append(item["key"])
            continue
        try:
            if sha256_stream(body) != item["sha256"]:
                missing.append(item["key"])
        finally:
            body.close()
    return missing


def _swap_in(copy_from: Path, target: Path, stamp: str) -> Path | None:
    """Replace ``target`` by a copy of ``copy_from``; the old folder is kept aside (returned)."""
    staging = target.with_name(f"{target.name}.restoring-{stamp}")
    shutil.copytree(copy_from, staging)
    kept = None
    if target.exists():
        kept = target.with_name(f"{target.name}.before-restore-{stamp}")
        target.rename(kept)
    staging.rename(target)
    return kept


def restore_site(src: Path) -> list[Path]:
    """Check the backup in ``src``, then restore the database and the files. Returns the folders the
    restore moved aside (the files as they were before)."""
    manifest = check_backup(src)
    storage_kind = manifest.get("storage")
    if storage_kind == "s3":
        if _local_root() is not None:
            raise BackupError(_("这是对象存储（S3）的备份，当前使用本地存储，拒绝恢复。"))
        missing = _missing_objects(json.loads((src / S3_LISTING).read_text(encoding="utf-8")))
        if missing:
            raise BackupError(
                _("对象存储中有 %(n)d 个文件缺失或已改变（先用存储桶的版本功能找回）：") % {"n": len(missing)}
                + "\n"
                + "\n".join(missing[:50])
            )
    elif _local_root() is None:
        raise BackupError(_("这是本地存储的备份，当前使用对象存储（S3），拒绝恢复。"))

    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(src / PG_DUMP),
            ]
        )
    else:
        copy = sqlite3.connect(src / SQLITE_COPY)
        try:
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(_("备份中的 SQLite 数据库已损坏，拒绝恢复。"))
            connection.ensure_connection()
            copy.backup(connection.connection)
        finally:
            copy.close()

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    kept: list[Path | None] = []
    root = _local_root()
    if storage_kind == "local" and root is not None:
        kept.append(_swap_in(src / MEDIA, root, stamp))
    if (src / AUDIT_ARCHIVE).is_dir():
        kept.append(_swap_in(src / AUDIT_ARCHIVE, Path(settings.AUDIT_ARCHIVE_DIR), stamp))
    log_event(
        None,
        AuditEntry.Action.IMPORT,
        None,
        actor_name="manage.py restore",
        summary=_("从备份 %(path)s 恢复整站（备份时间 %(created)s）")
        % {"path": src, "created": manifest.get("created")},
        changes={"engine": connection.vendor, "storage": storage_kind, "files": len(manifest["files"])},
    )
    return [p for p in kept if p is not None]

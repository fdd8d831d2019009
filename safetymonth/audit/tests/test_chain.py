"""The tamper-evident audit log: the chain, verify_audit, the database's refusals, archive_audit."""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from safetymonth.audit.models import AuditArchive, AuditChainHead, AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.lib.auditchain import content_of, entry_hash
from tests.factories import make_user

migration = importlib.import_module("safetymonth.audit.migrations.0003_hash_chain_and_append_only_triggers")


@contextmanager
def _dated(when: datetime) -> Iterator[None]:
    with mock.patch.object(AuditEntry._meta.get_field("at"), "_get_default", lambda: when):
        yield


def _check_deferred_now(cursor) -> None:
    """PostgreSQL refuses ALTER TABLE and TRUNCATE while the test's transaction has deferred foreign
    key checks pending on the table: run them now."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def _triggers_off() -> Iterator[None]:
    """What an attacker with the database's owner rights could do: switch the guards off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _check_deferred_now(cursor)
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            for name in ("no_relink", "no_update", "no_delete"):
                cursor.execute(f"DROP TRIGGER audit_auditentry_{name}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _check_deferred_now(cursor)
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
        else:
            for sql in migration.SQLITE_FORWARD[2:]:
                cursor.execute(sql)


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify() -> tuple[int, str]:
    out = []
    try:
        call_command("verify_audit", stdout=_Sink(out))
    except CommandError as exc:
        return exc.returncode, "".join(out)
    return 0, "".join(out)


class _Sink:
    def __init__(self, out: list[str]):
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)

    def flush(self) -> None:
        pass


@pytest.fixture
def five(cast) -> list[AuditEntry]:
    return [log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary=f"第{i}条") for i in range(5)]


def test_entries_are_linked_and_verify(five):
    for prev, entry in zip(five, five[1:], strict=False):
        fresh = AuditEntry.objects.get(pk=entry.pk)  # the hash is recomputed from what the database gives back
        assert fresh.prev_hash == prev.chain_hash
        assert entry_hash(content_of(fresh), fresh.prev_hash) == fresh.chain_hash
    assert AuditChainHead.objects.get().last_id == five[-1].pk
    code, out = _verify()
    assert code == 0 and "审计链完整" in out


def test_awkward_values_hash_as_they_read_back(cast):
    entry = log_event(
        cast.office,
        AuditEntry.Action.EXPORT,
        cast.section,
        summary="导出 'x' \"y\" \\ 😀",
        changes={1: (1.5, None), "b": {"z": [True]}},
    )
    assert AuditEntry.objects.get(pk=entry.pk).chain_hash == entry.chain_hash
    assert _verify()[0] == 0


def test_an_edit_is_found(five):
    with _triggers_off():
        _raw("UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["改过", five[2].pk])
    code, out = _verify()
    assert code == 1
    assert f"changed\t{five[2].pk}\t" in out and "被修改" in out


def test_a_deletion_is_found(five):
    with _triggers_off():
        _raw("DELETE FROM audit_auditentry WHERE id = %s", [five[2].pk])
    code, out = _verify()
    assert code == 1
    assert f"removed\t{five[3].pk}\t" in out and f"第 {five[1].pk} 条与第 {five[3].pk} 条记录之间断链" in out


def test_deleting_the_end_is_found(five):
    with _triggers_off():
        _raw("DELETE FROM audit_auditentry WHERE id = %s", [five[-1].pk])
    code, out = _verify()
    assert code == 1 and f"removed_end\t{five[-1].pk}\t" in out


def test_an_insertion_is_found_even_when_correctly_linked(cast, five):
    forged = AuditEntry(actor_name="office", action="login", summary="伪造", org_path=cast.section.path)
    forged.prev_hash = five[-1].chain_hash
    forged.chain_hash = entry_hash(content_of(forged), forged.prev_hash)
    # INSERT around the model's save (triggers do not guard inserts): it does not take the chain's head.
    AuditEntry._base_manager.bulk_create([forged])
    forged_pk = AuditEntry._base_manager.get(summary="伪造").pk
    code, out = _verify()
    assert code == 1 and f"inserted\t{forged_pk}\t" in out  # beyond the head

    with _triggers_off():  # a clumsier forger: a wrong hash too — still one insertion, said once
        _raw("UPDATE audit_auditentry SET chain_hash = %s WHERE id = %s", ["f" * 64, forged_pk])
    code, out = _verify()
    assert code == 1 and out == f"inserted\t{forged_pk}\t第 {forged_pk} 条记录是插入的：不在审计写入的链上。\n"
    with _triggers_off():
        _raw("UPDATE audit_auditentry SET chain_hash = %s WHERE id = %s", [forged.chain_hash, forged_pk])

    log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="之后")  # links past it
    code, out = _verify()
    assert code == 1 and f"inserted\t{forged_pk}\t" in out and out.count("\n") == 1


def test_the_database_refuses_update_delete_and_truncate(five):
    statements = [
        ("UPDATE audit_auditentry SET summary = 'x' WHERE id = %s", [five[0].pk]),
        ("UPDATE audit_auditentry SET actor_id = NULL, summary = 'x' WHERE id = %s", [five[0].pk]),
        ("UPDATE audit_auditentry SET org_id = %s WHERE id = %s", [five[0].org_id + 1, five[0].pk]),
        ("DELETE FROM audit_auditentry WHERE id = %s", [five[0].pk]),
        ("DELETE FROM audit_auditentry", []),
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _check_deferred_now(cursor)
        statements.append(("TRUNCATE audit_auditentry", []))
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(sql, params)
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in five]).count() == 5 and _verify()[0] == 0


def test_deleting_a_user_keeps_the_entries_and_the_chain(cast):
    user = make_user("leaving", cast.section, "section_staff")
    entry = log_event(user, AuditEntry.Action.UPDATE, cast.section, summary="离职前")
    user.delete()
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert fresh.actor_id is None and fresh.actor_name == "leaving"
    assert _verify()[0] == 0


def _archive(before: str, dest) -> tuple[int, str]:
    out: list[str] = []
    try:
        call_command("archive_audit", "--before", before, "--dest", str(dest), stdout=_Sink(out))
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, "".join(out)


def _entry(summary: str) -> AuditEntry:
    return log_event(None, AuditEntry.Action.LOGIN_FAILED, None, actor_name="someone", summary=summary)


def test_archive_exports_verifies_then_removes(db, tmp_path):
    now = timezone.now()
    old = []
    for i in range(4):
        with _dated(now - timedelta(days=400 - i)):
            old.append(_entry(f"旧{i}"))
    with _dated(now - timedelta(days=100)):
        recent = _entry("新")
    cutoff = timezone.localdate() - timedelta(days=300)

    code, out = _archive(cutoff.isoformat(), tmp_path)
    assert code == 0, out

    archive = AuditArchive.objects.get()
    assert (archive.first_id, archive.last_id, archive.count) == (old[0].pk, old[-1].pk, 4)
    lines = [json.loads(line) for line in (tmp_path / archive.file_name).read_text(encoding="utf-8").splitlines()]
    assert [r["summary"] for r in lines] == ["旧0", "旧1", "旧2", "旧3"]
    assert lines[-1]["chain_hash"] == archive.last_hash == AuditChainHead.objects.get().anchor_hash
    assert not AuditEntry.objects.filter(pk__lte=old[-1].pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ARCHIVE, changes__rows=4).exists()
    assert _verify()[0] == 0  # from the anchor

    # A second run finds nothing older; and a deletion right after the anchor is still found.
    assert _archive(cutoff.isoformat(), tmp_path)[0] == 2
    with _triggers_off():
        _raw("DELETE FROM audit_auditentry WHERE id = %s", [recent.pk])
    assert _verify()[0] == 1


def test_archive_keeps_six_months(db, tmp_path):
    with _dated(timezone.now() - timedelta(days=400)):
        _entry("旧")
    too_young = (timezone.localdate() - timedelta(days=150)).isoformat()
    code, message = _archive(too_young, tmp_path)
    assert code == 2 and "至少保留 6 个月" in message
    assert _archive("2021-13-01", tmp_path)[1].startswith("日期格式")
    assert AuditEntry.objects.filter(summary="旧").exists() and not list(tmp_path.iterdir())


def test_archive_removes_nothing_when_its_file_does_not_verify(db, tmp_path):
    with _dated(timezone.now() - timedelta(days=400)):
        _entry("旧")
    real_open = Path.open

    def damaging_open(self, mode="r", *args, **kwargs):  # the file is damaged as it is written
        fh = real_open(self, mode, *args, **kwargs)
        if "w" in mode:
            fh.write('{"id": 0}\n')
        return fh

    with mock.patch.object(Path, "open", damaging_open):
        code, message = _archive((timezone.localdate() - timedelta(days=200)).isoformat(), tmp_path)
    assert code == 2 and "校验未通过，未删除任何记录" in message
    assert AuditEntry.objects.filter(summary="旧").exists() and not AuditArchive.objects.exists()


def test_archive_refuses_a_broken_chain(db, tmp_path):
    with _dated(timezone.now() - timedelta(days=400)):
        entries = [_entry(str(i)) for i in range(3)]
    with _triggers_off():
        _raw("UPDATE audit_auditentry SET summary = 'x' WHERE id = %s", [entries[1].pk])
    code, message = _archive((timezone.localdate() - timedelta(days=200)).isoformat(), tmp_path)
    assert code == 2 and "校验未通过" in message
    assert AuditEntry.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_flush_gets_through_the_gate_and_the_chain_starts_again():
    """pytest-django flushes after transactional tests (DELETE on SQLite, TRUNCATE on PostgreSQL)."""
    log_event(None, AuditEntry.Action.LOGIN_FAILED, None, actor_name="x")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists() and not AuditChainHead.objects.exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        log_event(None, AuditEntry.Action.LOGIN_FAILED, None, actor_name="y")
        _raw("DELETE FROM audit_auditentry")  # the gate closed again
    log_event(None, AuditEntry.Action.LOGIN_FAILED, None, actor_name="z")
    assert _verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself (BEGIN IMMEDIATE); the row lock matters on PostgreSQL")
    log_event(None, AuditEntry.Action.LOGIN_FAILED, None, actor_name="start")
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    log_event(None, AuditEntry.Action.LOGIN_FAILED, None, actor_name=f"w{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEntry.objects.count() == 1 + 6 * 15
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) == len(prevs)  # no two entries link to the same predecessor
    assert _verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_migration_links_the_entries_written_before_it():
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("audit", "0002_auditentry_public_id")], [("audit", "0003_hash_chain_and_append_only_triggers")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("audit", "AuditEntry")
    for i in range(3):
        old.objects.create(action="login", actor_name=f"old{i}", summary="写于哈希链之前", changes={"n": i})
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    last = AuditEntry.objects.order_by("pk").last()
    assert AuditEntry.objects.count() == 3 and AuditChainHead.objects.get().last_id == last.pk
    assert _verify()[0] == 0
    log_event(None, AuditEntry.Action.LOGIN_FAILED, None, actor_name="new")
    assert _verify()[0] == 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("DELETE FROM audit_auditentry")
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest, whatever comes after 0003

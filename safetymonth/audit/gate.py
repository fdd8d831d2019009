"""The one sanctioned way past the audit table's append-only triggers (migration 0003).

Inside an open transaction, ``archive_gate()`` lets DELETE (and, on PostgreSQL, TRUNCATE) through
until the block ends: PostgreSQL reads a transaction-local setting, SQLite a one-row table flipped
back before the transaction commits. Used by archive_audit (after exporting and verifying) and by
flush (which empties every table, the audit log included, as TRUNCATE does on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


@contextmanager
def archive_gate(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("the audit archive gate opens only inside a transaction")
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET LOCAL safetymonth.audit_archive = 'on'")
        elif vendor == "sqlite":
            cursor.execute("UPDATE audit_archive_gate SET open = 1")
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                if vendor == "postgresql":
                    cursor.execute("SET LOCAL safetymonth.audit_archive = 'off'")
                elif vendor == "sqlite":
                    cursor.execute("UPDATE audit_archive_gate SET open = 0")

"""``manage.py flush`` with the audit table's gate open: flush empties every table, the audit log
included (on PostgreSQL with TRUNCATE, on SQLite with DELETE), and the append-only triggers would
otherwise refuse it. The test suite flushes between transactional tests."""

from __future__ import annotations

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from safetymonth.audit.gate import archive_gate


class Command(FlushCommand):
    def handle(self, **options):
        using = options.get("database") or DEFAULT_DB_ALIAS
        with transaction.atomic(using=using), archive_gate(using):
            return super().handle(**options)

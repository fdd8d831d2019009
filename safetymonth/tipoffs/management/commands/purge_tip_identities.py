"""Erase the reporter's identity of tips closed longer than TIP_IDENTITY_RETENTION_DAYS. Safe from
cron (each tip is purged once; a second run finds nothing):

    15 3 * * * cd /srv/safetymonth && .venv/bin/python manage.py purge_tip_identities
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safetymonth.tipoffs.services import purge_identities


class Command(BaseCommand):
    help = "Purge name, phone and ID number of closed tip-offs past the retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"tip identities purged: {purge_identities()}")

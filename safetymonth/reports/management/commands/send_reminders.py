"""Deadline reminders: 3 days before, 1 day before and overdue, each once per (round, org, kind).

Run from cron every few minutes (several runs at once are safe):

    */10 * * * * cd /srv/safetymonth && .venv/bin/python manage.py send_reminders
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safetymonth.reports.services import send_reminders


class Command(BaseCommand):
    help = "Send due deadline reminders (3 days, 1 day, overdue) exactly once each."

    def handle(self, *args: Any, **options: Any) -> None:
        n = send_reminders()
        self.stdout.write(f"reminders sent: {n}")

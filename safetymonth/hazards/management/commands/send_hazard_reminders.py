"""Overdue hazard reminders: once per hazard and deadline (a new deadline re-arms it).

Run from cron with send_reminders (several runs at once are safe):

    */10 * * * * cd /srv/safetymonth && .venv/bin/python manage.py send_hazard_reminders
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safetymonth.hazards.services import send_hazard_reminders


class Command(BaseCommand):
    help = "Remind the orgs of overdue hazards (deadline passed, not closed), exactly once each."

    def handle(self, *args: Any, **options: Any) -> None:
        n = send_hazard_reminders()
        self.stdout.write(f"hazard reminders sent: {n}")

"""Tip-off clock reminders: once per tip and clock (acknowledge, verify, feedback). Safe from cron:

*/10 * * * * cd /srv/safetymonth && .venv/bin/python manage.py send_tip_reminders
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safetymonth.tipoffs.services import send_tip_reminders


class Command(BaseCommand):
    help = "Remind the tip handlers of tip-offs past a clock (acknowledge, verify, feedback), once each."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"tip reminders sent: {send_tip_reminders()}")

"""Re-seal every tip-off's sealed fields with the first key of TIP_ENCRYPTION_KEYS (docs/tipoffs.md,
key rotation): put the new key first, keep the old one after it, run this, then drop the old key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safetymonth.tipoffs.services import rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt tip-off identities and texts with the newest TIP_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"tips re-sealed: {rotate_keys()}")

"""``manage.py sweep_uploads [--older-than HOURS]``: remove abandoned uploads (receiving or failed
sessions untouched for the grace period) and their partial files, and stray partial files."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from safetymonth.evidence.services import sweep_uploads


class Command(BaseCommand):
    help = (
        "Delete abandoned upload sessions and partial files older than the grace period, and stored "
        "evidence objects no material points to (older than EVIDENCE_ORPHAN_GRACE_HOURS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.EVIDENCE_UPLOAD_GRACE_HOURS,
            metavar="HOURS",
            help="grace period in hours (default EVIDENCE_UPLOAD_GRACE_HOURS, %(default)s)",
        )

    def handle(self, *args, **options):
        result = sweep_uploads(options["older_than"])
        self.stdout.write(
            f"removed {result.sessions} upload session(s) and {result.orphan_files} stray partial file(s); "
            f"{result.orphan_objects} orphan stored object(s)"
        )

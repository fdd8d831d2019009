"""``manage.py verify_storage``: evidence rows whose file is missing, files no row points to.
Exits 1 when there is a problem (for cron and monitoring)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safetymonth.evidence.services import verify_storage


class Command(BaseCommand):
    help = "Report materials whose stored files are missing and stored evidence files no material points to."

    def handle(self, *args, **options):
        report = verify_storage()
        for public_id, field, name in report.missing:
            self.stdout.write(f"missing\t{public_id}\t{field}\t{name}")
        for name in report.orphans:
            self.stdout.write(f"orphan\t{name}")
        summary = f"{len(report.missing)} missing file(s), {len(report.orphans)} orphan file(s)"
        if not report.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(f"storage ok: {summary}"))

"""``manage.py backup DEST``: the database in its engine's own format, the stored files (or the S3
bucket's listing with hashes), the audit archive, and a manifest of SHA-256 sums, in the new folder
DEST. See docs/operations.md, "Backups"."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safetymonth.core.services import BackupError, backup_site


class Command(BaseCommand):
    help = "Back up the database, the stored files and the audit archive into a new folder, with a SHA-256 manifest."

    def add_arguments(self, parser):
        parser.add_argument("dest", help="a new (or empty) folder")

    def handle(self, *args, **options):
        try:
            summary = backup_site(Path(options["dest"]))
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("备份完成：%(path)s（%(engine)s，%(n)d 个文件，见 manifest.json）。")
                % {"path": summary.path, "engine": summary.engine, "n": summary.files}
            )
        )

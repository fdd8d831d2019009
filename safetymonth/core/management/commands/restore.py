"""``manage.py restore SRC``: check the backup in SRC against its manifest (refuse on any mismatch),
then restore the database and the files. Stop the app servers and workers first. See
docs/operations.md, "Backups"."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safetymonth.core.services import BackupError, check_backup, restore_site


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` after checking every file against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("src", help="the backup folder")
        parser.add_argument("--check", action="store_true", help="only check the backup against its manifest")

    def handle(self, *args, **options):
        src = Path(options["src"])
        try:
            if options["check"]:
                manifest = check_backup(src)
                self.stdout.write(
                    self.style.SUCCESS(_("备份完好：%(n)d 个文件与清单一致。") % {"n": len(manifest["files"])})
                )
                return
            kept = restore_site(src)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for path in kept:
            self.stdout.write(_("原有文件已移到 %(path)s（确认无误后可删除）。") % {"path": path})
        self.stdout.write(self.style.SUCCESS(_("已从 %(path)s 恢复数据库和文件。") % {"path": src}))

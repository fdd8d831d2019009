"""``manage.py archive_audit --before DATE``: export the audit entries older than DATE to a
JSON-lines file (with their chain hashes), check the file, then remove them. DATE must be at
least six months ago (网络安全法 Art. 21). See docs/security.md, "Audit log"."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from safetymonth.audit.services import ArchiveRefused, archive_audit


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": value}) from exc


class Command(BaseCommand):
    help = "Archive audit entries older than --before (at least six months old) to a verified file, then remove them."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="cutoff date YYYY-MM-DD (site time zone)")
        parser.add_argument("--dest", default=str(settings.AUDIT_ARCHIVE_DIR), help="folder for the archive file")

    def handle(self, *args, **options):
        cutoff = timezone.make_aware(datetime.combine(_date(options["before"]), time.min))
        try:
            archive = archive_audit(None, cutoff, Path(options["dest"]))
        except ArchiveRefused as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("已归档 %(n)d 条审计记录（第 %(first)d–%(last)d 条）到 %(file)s，SHA-256 %(sha)s；链锚 %(anchor)s。")
                % {
                    "n": archive.count,
                    "first": archive.first_id,
                    "last": archive.last_id,
                    "file": Path(options["dest"]) / archive.file_name,
                    "sha": archive.file_sha256,
                    "anchor": archive.last_hash,
                }
            )
        )

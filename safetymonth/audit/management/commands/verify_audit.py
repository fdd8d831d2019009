"""``manage.py verify_audit``: walk the audit log's hash chain; report every changed, removed or
inserted entry. Exits 1 when there is a problem (for cron and monitoring)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safetymonth.audit.services import describe_problem, verify_audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain: find changed, removed and inserted entries."

    def handle(self, *args, **options):
        report = verify_audit()
        for problem in report.problems:
            self.stdout.write(f"{problem.kind}\t{problem.entry_id or ''}\t{describe_problem(problem)}")
        if not report.ok:
            raise CommandError(
                _("审计链校验未通过：%(checked)d 条记录，%(n)d 处问题。")
                % {"checked": report.checked, "n": len(report.problems)},
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("审计链完整：%(checked)d 条记录，链尾哈希 %(hash)s。")
                % {"checked": report.checked, "hash": report.last_hash}
            )
        )

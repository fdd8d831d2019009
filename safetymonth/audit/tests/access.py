"""Access rows for every audit URL (see tests/access.py): the office reads its subtree's log."""

from safetymonth.audit.models import AuditEntry
from tests.access import Row, only

MANAGERS = ["office", "other_office"]


def _entry(c):
    return [AuditEntry.objects.filter(org=c.section).first().public_id]


ACCESS = [
    Row("audit:list", only(MANAGERS)),
    Row("audit:list", only(MANAGERS), query="?action=login_failed&date_from=2021-13-01", note="bad date"),
    Row("audit:export", only(MANAGERS)),
    Row("audit:detail", only(["office"], other_office=404), args=_entry),
]

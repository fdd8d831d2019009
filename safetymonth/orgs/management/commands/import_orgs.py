"""manage.py import_orgs FILE --user USERNAME [--dry-run]: import enterprises from .xlsx or .csv.

Prints the same report as the web page; exits with status 1 when anything is wrong (then nothing
has been imported)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from safetymonth.accounts.models import User
from safetymonth.orgs.services import import_enterprises


class Command(BaseCommand):
    help = "Import enterprises (企业) from an .xlsx or .csv file, all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the .xlsx or .csv file")
        parser.add_argument("--user", required=True, help="username of the office user who imports")
        parser.add_argument("--dry-run", action="store_true", help="check the file only; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("没有这个用户，或该用户已停用：%(name)s") % {"name": options["user"]})
        with path.open("rb") as fh:
            try:
                result = import_enterprises(user, fh, path.name, dry_run=options["dry_run"])
            except PermissionDenied as exc:
                raise CommandError(_("用户 %(name)s 没有导入企业的权限。") % {"name": user.username}) from exc
        if result.errors:
            self.stdout.write(_("行号\t列\t填写的内容\t问题"))
            for e in result.errors:
                self.stdout.write(f"{e.row}\t{e.column}\t{e.value}\t{e.message}")
        if not result.ok:
            raise CommandError(result.summary(), returncode=1)
        self.stdout.write(self.style.SUCCESS(result.summary()))

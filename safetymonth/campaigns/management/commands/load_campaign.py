"""``manage.py load_campaign FILE [--user USERNAME]``: validate a campaign definition file and create
or update the campaign it describes (by its code). Errors are printed with their line numbers and
the command exits with status 1; nothing is changed then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from safetymonth.accounts.models import User
from safetymonth.campaigns.definition import DefinitionError
from safetymonth.campaigns.services import load_campaign


class Command(BaseCommand):
    help = "Load a campaign definition (YAML); see docs/campaign-definition.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the definition file (YAML)")
        parser.add_argument("--user", help="username recorded in the audit log as the one who loaded it")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(_("找不到文件：%(path)s") % {"path": path}) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(_("文件不是 UTF-8 编码：%(path)s") % {"path": path}) from exc
        actor = None
        if options.get("user"):
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(_("用户“%(name)s”不存在或已停用。") % {"name": options["user"]})
        try:
            result = load_campaign(text, actor)
        except DefinitionError as exc:
            self.stderr.write(_("%(path)s：有 %(n)d 处错误，未作任何修改。") % {"path": path, "n": len(exc.problems)})
            for problem in exc.problems:
                self.stderr.write(f"{path}:{problem.line or '-'}:{problem.column or '-'}: {problem}")
            raise SystemExit(1) from exc
        campaign = result.campaign
        if result.created:
            message = _("已创建活动“%(code)s”（%(title)s）。")
        elif result.changes:
            message = _("已更新活动“%(code)s”（%(title)s）：%(n)d 处修改。")
        else:
            message = _("活动“%(code)s”（%(title)s）没有变化。")
        self.stdout.write(
            self.style.SUCCESS(message % {"code": campaign.code, "title": campaign.title, "n": len(result.changes)})
        )
        checklist = result.checklist
        if checklist is not None and (checklist.errors or checklist.warnings):
            # the publish checklist of the notice: loading a draft is allowed, publishing it is not
            self.stdout.write(
                _("发布前检查：%(e)d 项须修改，%(w)d 项提示。")
                % {"e": len(checklist.errors), "w": len(checklist.warnings)}
            )
            for line in checklist.errors:
                self.stdout.write(self.style.ERROR(_("须修改：") + line))
            for line in checklist.warnings:
                self.stdout.write(self.style.WARNING(_("提示：") + line))
        if options["verbosity"] > 1:
            for change in result.changes:
                self.stdout.write("  " + change.describe())

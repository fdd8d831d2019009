"""``manage.py dump_campaign CODE [-o FILE]``: write a campaign's definition file (YAML). Loading the
file with ``load_campaign`` gives the same campaign back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from safetymonth.campaigns.models import Campaign
from safetymonth.campaigns.services import dump_campaign


class Command(BaseCommand):
    help = "Write a campaign's definition (YAML) to standard output or a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the campaign's code, e.g. dadukou-commerce-2021")
        parser.add_argument("-o", "--output", help="write to this file instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(code=options["code"]).first()
        if campaign is None:
            codes = ", ".join(Campaign.objects.order_by("code").values_list("code", flat=True)) or "-"
            raise CommandError(
                _("活动“%(code)s”不存在。现有活动：%(codes)s") % {"code": options["code"], "codes": codes}
            )
        text = dump_campaign(campaign)
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(_("已写入 %(path)s") % {"path": options["output"]})
        else:
            self.stdout.write(text, ending="")

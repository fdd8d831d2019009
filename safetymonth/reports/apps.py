from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "safetymonth.reports"
    label = "reports"
    verbose_name = _("进展填报")

    def ready(self) -> None:
        from safetymonth.reports import signals  # noqa: F401

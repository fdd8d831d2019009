from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safetymonth.audit"
    label = "audit"

    def ready(self) -> None:
        from safetymonth.audit import signals  # noqa: F401

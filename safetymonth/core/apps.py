from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safetymonth.core"
    label = "core"

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safetymonth.api"
    label = "api"

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "safetymonth.orgs"
    label = "orgs"

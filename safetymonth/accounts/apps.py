from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safetymonth.accounts"
    label = "accounts"

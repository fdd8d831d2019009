from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safetymonth.accounts"
    label = "accounts"

    def ready(self) -> None:
        from safetymonth.accounts import signals  # noqa: F401

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ankommen.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ankommen.accounts import signals  # noqa: F401

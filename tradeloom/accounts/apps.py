from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tradeloom.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from tradeloom.accounts import schema, signals  # noqa: F401  (OpenAPI auth scheme; logout audit)

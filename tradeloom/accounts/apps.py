from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tradeloom.accounts"
    label = "accounts"
    verbose_name = "Accounts"

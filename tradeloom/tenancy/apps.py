from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tradeloom.tenancy"
    label = "tenancy"
    verbose_name = "Organisations"

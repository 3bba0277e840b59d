from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "tradeloom.sales"
    label = "sales"
    verbose_name = "Sales orders"

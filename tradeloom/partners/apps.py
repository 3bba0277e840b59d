from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "tradeloom.partners"
    label = "partners"
    verbose_name = "Partners"

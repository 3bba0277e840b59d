from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation ``make run`` sets up (``manage.py demo_setup``): the top floor, it uses every app."""

    name = "tradeloom.demo"
    label = "demo"
    verbose_name = "Demo data"

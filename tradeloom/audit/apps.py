from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "tradeloom.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Every app's catalogue of audit actions and domain events (``<app>/events.py``), before the first request.
        autodiscover_modules("events")

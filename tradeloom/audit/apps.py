from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tradeloom.audit"
    label = "audit"
    verbose_name = "Audit log"

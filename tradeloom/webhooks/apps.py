from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "tradeloom.webhooks"
    label = "webhooks"
    verbose_name = "Outbound webhooks"

    def ready(self) -> None:
        """Where webhooks plugs into the floors below it (docs/modules.md, docs/webhooks.md)."""
        from datetime import timedelta

        from django.db.models import F, Value
        from django.db.models.functions import Coalesce, NullIf

        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel
        from tradeloom.audit.services import audit_listen
        from tradeloom.core.metrics import READINGS
        from tradeloom.core.periodic import PERIODIC_TASKS, Periodic
        from tradeloom.notifications.kinds import NOTIFICATION_KINDS, NotificationKind
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink
        from tradeloom.webhooks import catalogue, metrics, subscriptions
        from tradeloom.webhooks.capabilities import WEBHOOKS_MANAGE
        from tradeloom.webhooks.models import Endpoint

        catalogue.register()
        READINGS.register("webhooks", metrics.deliveries_reading)
        audit_listen(subscriptions.on_audit_recorded)
        PERIODIC_TASKS.register("webhooks.sweep", Periodic(task="webhooks.sweep", every=timedelta(minutes=1)))
        PERIODIC_TASKS.register("webhooks.purge", Periodic(task="webhooks.purge", every=timedelta(hours=1)))
        NOTIFICATION_KINDS.register(
            "webhooks.endpoint_disabled",
            NotificationKind(
                "webhooks.endpoint_disabled",
                "Webhook endpoint disabled",
                description="An endpoint kept failing and was disabled; its failed deliveries can be replayed.",
            ),
        )
        RECORD_LABELS.register(
            "webhooks.endpoint",
            RecordLabel(Endpoint, text=Coalesce(NullIf(F("description"), Value("")), F("url"))),
        )
        NAVIGATION.register(
            "webhooks",
            NavLink(
                "Organisation",
                "Webhooks",
                "webhooks:endpoints",
                "icons/arrow-path.svg",
                capability=WEBHOOKS_MANAGE,
                order=80,
            ),
        )

from django.apps import AppConfig


class ProformasConfig(AppConfig):
    name = "tradeloom.proformas"
    label = "proformas"
    verbose_name = "Proforma invoices"

    def ready(self) -> None:
        """Where proformas plugs into the floors below it (docs/modules.md)."""
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.proformas import alerts, timeline, webhooks
        from tradeloom.proformas.capabilities import PROFORMAS_VIEW
        from tradeloom.sales.extensions import ORDER_TIMELINE
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        # the alert kind (docs/alerts.md) and the PI actions webhooks may carry (docs/webhooks.md)
        alerts.register()
        webhooks.register()
        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:  # the PIs of an order, every revision
            ORDER_TIMELINE.register(source.target_type, source)
        NAVIGATION.register(
            "proformas",
            NavLink(
                "Finance",
                "Proforma invoices",
                "proformas:proformas",
                "proformas/icons/document.svg",
                capability=PROFORMAS_VIEW,
                order=10,
            ),
        )

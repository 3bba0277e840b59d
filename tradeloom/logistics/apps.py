from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "tradeloom.logistics"
    label = "logistics"
    verbose_name = "Shipments"

    def ready(self) -> None:
        """Where logistics plugs into the floors below it (docs/modules.md)."""
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.core.events import subscribe
        from tradeloom.logistics import alerts, subscribers, timeline, webhooks
        from tradeloom.logistics.capabilities import SHIPMENTS_VIEW
        from tradeloom.logistics.events import ShipmentDelivered
        from tradeloom.sales.extensions import ORDER_TABS, ORDER_TIMELINE, OrderTab
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        subscribe(ShipmentDelivered, subscribers.record_buyer_delivery)
        # the shipment alert kinds (docs/alerts.md; logistics comes before the alerts app, whose ready() gives each
        # kind its notification kind) and the shipment actions webhooks may carry (docs/webhooks.md)
        alerts.register()
        webhooks.register()
        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:  # the shipments of an order, their documents and files
            ORDER_TIMELINE.register(source.target_type, source)
        # the sidebar, and the order page's Shipments tab (loaded from ``logistics:order-panel``)
        NAVIGATION.register(
            "shipments",
            NavLink(
                "Workspace",
                "Shipments",
                "logistics:shipments",
                "logistics/icons/truck.svg",
                capability=SHIPMENTS_VIEW,
                order=30,
            ),
        )
        ORDER_TABS.register("shipments", OrderTab("shipments", "Shipments", "logistics:order-panel"))

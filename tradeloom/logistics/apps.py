from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "tradeloom.logistics"
    label = "logistics"
    verbose_name = "Shipments"

    def ready(self) -> None:
        """Where logistics plugs into the floors below it (docs/modules.md)."""
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.core.events import subscribe
        from tradeloom.logistics import subscribers, timeline
        from tradeloom.logistics.events import ShipmentDelivered
        from tradeloom.sales.extensions import ORDER_TIMELINE

        subscribe(ShipmentDelivered, subscribers.record_buyer_delivery)
        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:  # the shipments of an order, their documents and files
            ORDER_TIMELINE.register(source.target_type, source)

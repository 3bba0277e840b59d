from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "tradeloom.invoicing"
    label = "invoicing"
    verbose_name = "Invoices"

    def ready(self) -> None:
        """Where invoicing plugs into the floors below it (docs/modules.md)."""
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.core.events import subscribe
        from tradeloom.invoicing import alerts, subscribers, timeline, webhooks
        from tradeloom.invoicing.capabilities import INVOICES_MANAGE, INVOICES_VIEW
        from tradeloom.logistics.events import ShipmentArrived, ShipmentDeparted
        from tradeloom.logistics.extensions import SHIPMENT_ACTIONS, ShipmentAction
        from tradeloom.sales.extensions import ORDER_TIMELINE
        from tradeloom.tenancy.navigation import NAVIGATION, SECTIONS, NavLink

        # a shipment's B/L date or arrival fills the due dates counted from it (in the moving transaction)
        subscribe(ShipmentDeparted, subscribers.due_dates_on_shipment_event)
        subscribe(ShipmentArrived, subscribers.due_dates_on_shipment_event)
        alerts.register()
        webhooks.register()
        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:  # the invoices that bill an order's lines, and their credit notes
            ORDER_TIMELINE.register(source.target_type, source)
        # the shipment page's "Invoice this shipment" (logistics owns the page; it renders its registry)
        SHIPMENT_ACTIONS.register(
            "invoice",
            ShipmentAction("invoice", "Invoice this shipment", "invoicing:invoice-new-shipment", INVOICES_MANAGE),
        )
        NAVIGATION.register(
            "invoices",
            NavLink(
                "Finance" if "Finance" in SECTIONS else "Workspace",
                "Invoices",
                "invoicing:invoices",
                "invoicing/icons/document-currency.svg",
                capability=INVOICES_VIEW,
                order=60,
            ),
        )

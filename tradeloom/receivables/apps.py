from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "tradeloom.receivables"
    label = "receivables"
    verbose_name = "Receivables"

    def ready(self) -> None:
        """Where receivables plugs into the floors below it (docs/modules.md)."""
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.core.events import subscribe
        from tradeloom.invoicing.extensions import INVOICE_PANELS, InvoicePanel
        from tradeloom.receivables import panels, subscribers, timeline, webhooks
        from tradeloom.receivables.capabilities import PAYMENTS_VIEW
        from tradeloom.sales.events import OrderConfirming
        from tradeloom.sales.extensions import ORDER_TABS, ORDER_TIMELINE, OrderTab
        from tradeloom.tenancy.navigation import NAVIGATION, SECTIONS, NavLink

        # the credit-limit check, in the confirming transaction (it may refuse: nothing is written then)
        subscribe(OrderConfirming, subscribers.order_confirming)
        webhooks.register()
        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:  # the payments allocated to an order's invoices
            ORDER_TIMELINE.register(source.target_type, source)
        # the sidebar's finance section ("Workspace" until tenancy has a "Finance" section)
        section = "Finance" if "Finance" in SECTIONS else "Workspace"
        NAVIGATION.register(
            "payments",
            NavLink(
                section,
                "Payments",
                "receivables:payments",
                "receivables/icons/banknotes.svg",
                capability=PAYMENTS_VIEW,
                order=64,
            ),
        )
        NAVIGATION.register(
            "receivables",
            NavLink(
                section,
                "Receivables",
                "receivables:ageing",
                "receivables/icons/scale.svg",
                capability=PAYMENTS_VIEW,
                order=65,
            ),
        )
        # the order page's Finance tab (loaded from ``receivables:order-panel``) and the invoice page's payments card
        ORDER_TABS.register("finance", OrderTab("finance", "Finance", "receivables:order-panel"))
        INVOICE_PANELS.register(
            "payments",
            InvoicePanel(
                "payments",
                "Payments",
                "receivables/_invoice_panel.html",
                panels.invoice_payments,
                position=50,
            ),
        )

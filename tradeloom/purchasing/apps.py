from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "tradeloom.purchasing"
    label = "purchasing"
    verbose_name = "Purchasing"

    def ready(self) -> None:
        """Where purchasing plugs into the floors below it (docs/modules.md)."""
        from tradeloom.audit.labels import RECORD_LABELS
        from tradeloom.purchasing import states, timeline, webhooks
        from tradeloom.purchasing.capabilities import PURCHASING_APPROVE, PURCHASING_VIEW
        from tradeloom.purchasing.models import PurchaseOrder
        from tradeloom.sales.extensions import ORDER_TABS, ORDER_TIMELINE, OrderTab
        from tradeloom.tenancy.navigation import NAV_COUNTERS, NAVIGATION, NavLink, count_of

        webhooks.register()
        for kind, label in timeline.LABELS.items():
            RECORD_LABELS.register(kind, label)
        for source in timeline.SOURCES:  # the POs raised from an order or buying for its lines
            ORDER_TIMELINE.register(source.target_type, source)
        # the order page's Purchasing tab: its POs and each line's ordered / purchased / received / delivered
        ORDER_TABS.register("purchasing", OrderTab("purchasing", "Purchasing", "purchasing:order-panel"))
        NAV_COUNTERS.register(
            "purchase_order_approvals", lambda: count_of(PurchaseOrder.objects.filter(status=states.SUBMITTED))
        )
        section = "Purchasing"
        NAVIGATION.register(
            "purchase_orders",
            NavLink(
                section,
                "Purchase orders",
                "purchasing:purchase-orders",
                "purchasing/icons/truck.svg",
                capability=PURCHASING_VIEW,
                order=70,
            ),
        )
        NAVIGATION.register(
            "purchase_order_approvals",
            NavLink(
                section,
                "PO approvals",
                "purchasing:approvals",
                "purchasing/icons/check-badge.svg",
                capability=PURCHASING_APPROVE,
                counter="purchase_order_approvals",
                counter_title="Purchase orders waiting for approval",
                order=71,
            ),
        )

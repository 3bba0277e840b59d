from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "tradeloom.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        """Where inventory plugs into the floors below it (docs/modules.md)."""
        from django.db.models import F, Value

        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel, concat
        from tradeloom.core.events import subscribe
        from tradeloom.inventory import events, models, subscribers  # noqa: F401  (events: the sentences)
        from tradeloom.inventory.capabilities import INVENTORY_VIEW
        from tradeloom.logistics.events import ShipmentCancelled, ShipmentDeparted, ShipmentReturned
        from tradeloom.logistics.extensions import SHIPMENT_ACTIONS, ShipmentAction
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        # a departure issues the shipment's items from its warehouse (refused when there is not enough stock); a
        # return or cancellation reverses that
        subscribe(ShipmentDeparted, subscribers.stock_on_shipment_departed)
        subscribe(ShipmentReturned, subscribers.stock_on_shipment_back)
        subscribe(ShipmentCancelled, subscribers.stock_on_shipment_back)
        RECORD_LABELS.register(
            "inventory.warehouse",
            RecordLabel(models.Warehouse, text=concat(F("code"), Value(" "), F("name"))),
        )
        RECORD_LABELS.register(
            "inventory.stockmove",
            RecordLabel(models.StockMove, text=concat(F("kind"), Value(" "), F("item__code"))),
        )
        RECORD_LABELS.register(
            "inventory.shipmentwarehouse",
            RecordLabel(models.ShipmentWarehouse, text=F("shipment__number")),
        )
        section = "Inventory"
        for key, label, url_name, icon, order in (
            ("stock", "Stock on hand", "inventory:stock", "cube", 70),
            ("stock-moves", "Stock ledger", "inventory:moves", "queue-list", 71),
            ("warehouses", "Warehouses", "inventory:warehouses-list", "building-storefront", 72),
        ):
            NAVIGATION.register(
                key,
                NavLink(
                    section, label, url_name, f"inventory/icons/{icon}.svg", capability=INVENTORY_VIEW, order=order
                ),
            )
        SHIPMENT_ACTIONS.register(
            "ship-from-warehouse",
            ShipmentAction(
                "ship-from-warehouse", "Ships from warehouse", "inventory:shipment-warehouse", INVENTORY_VIEW
            ),
        )

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.inventory.models import ShipmentWarehouse, StockBalance, StockMove, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(ReadOnlyOperatorAdmin):
    list_display = ("code", "name", "kind", "organization", "archived_at")
    search_fields = ("code", "name")


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyOperatorAdmin):
    list_display = ("item", "warehouse", "lot", "quantity", "value", "average_unit_cost", "organization")


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyOperatorAdmin):
    list_display = ("created_at", "kind", "item", "warehouse", "quantity", "value", "reference", "organization")
    list_filter = ("kind",)


@admin.register(ShipmentWarehouse)
class ShipmentWarehouseAdmin(ReadOnlyOperatorAdmin):
    list_display = ("shipment", "warehouse", "organization")

from django.urls import path

from tradeloom.inventory import views
from tradeloom.inventory.pages import ALL

app_name = "inventory"
urlpatterns = [
    path("stock/", views.stock_view, name="stock"),
    path("stock/moves/", views.moves_view, name="moves"),
    path("stock/items/<uuid:item_id>/", views.item_ledger_view, name="item-ledger"),
    path("stock/transfer/", views.transfer_view, name="transfer"),
    path("stock/adjust/", views.adjustment_view, name="adjust"),
    path("shipments/<uuid:shipment_id>/warehouse/", views.shipment_warehouse_view, name="shipment-warehouse"),
    *[pattern for pages in ALL for pattern in pages.urls(namespace=app_name)],
]

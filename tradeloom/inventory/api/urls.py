from django.urls import path
from rest_framework.routers import SimpleRouter

from tradeloom.inventory.api import views

router = SimpleRouter(use_regex_path=False)
router.register("warehouses", views.WarehouseViewSet, basename="warehouse")

MOVE = "stock/moves/<uuid:stock_move_id>/"

ROUTE_PRIORITY = 55  # see config/urls.py

urlpatterns = [
    path("stock/balances/", views.StockBalancesApi.as_view(), name="stock-balances"),
    path("stock/moves/", views.StockMovesApi.as_view(), name="stock-moves"),
    path(MOVE, views.StockMoveApi.as_view(), name="stock-move"),
    path(f"{MOVE}reverse/", views.StockMoveReverseApi.as_view(), name="stock-move-reverse"),
    path("stock/transfers/", views.StockTransferApi.as_view(), name="stock-transfers"),
    path("stock/adjustments/", views.StockAdjustmentApi.as_view(), name="stock-adjustments"),
    path("shipments/<uuid:shipment_id>/warehouse/", views.ShipmentWarehouseApi.as_view(), name="shipment-warehouse"),
    *router.urls,
]

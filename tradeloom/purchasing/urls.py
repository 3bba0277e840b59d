from django.urls import path

from tradeloom.purchasing import views

app_name = "purchasing"

PO = "purchase-orders/<uuid:purchase_order_id>/"
ORDER = "orders/<uuid:order_id>/purchasing/"

urlpatterns = [
    path("purchase-orders/", views.purchase_order_list_view, name="purchase-orders"),
    path("purchase-orders/new/", views.purchase_order_create_view, name="purchase-order-new"),
    path("purchase-orders/approvals/", views.approvals_view, name="approvals"),
    path(PO, views.purchase_order_detail_view, name="purchase-order"),
    path(f"{PO}edit/", views.purchase_order_edit_view, name="purchase-order-edit"),
    path(f"{PO}amend/", views.purchase_order_amend_view, name="purchase-order-amend"),
    path(f"{PO}move/", views.purchase_order_move_view, name="purchase-order-move"),
    path(f"{PO}receipts/new/", views.receipt_create_view, name="receipt-new"),
    path(f"{PO}receipts/<uuid:receipt_id>/cancel/", views.receipt_cancel_view, name="receipt-cancel"),
    path(ORDER, views.order_panel_view, name="order-panel"),
    path(f"{ORDER}back-to-back/", views.back_to_back_view, name="back-to-back"),
]

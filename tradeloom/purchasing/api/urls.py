from django.urls import path

from tradeloom.purchasing.api import views

PO = "purchase-orders/<uuid:purchase_order_id>/"

ROUTE_PRIORITY = 45  # see config/urls.py

urlpatterns = [
    path("purchase-orders/", views.PurchaseOrdersApi.as_view(), name="purchase-orders"),
    path("purchase-orders/approvals/", views.ApprovalQueueApi.as_view(), name="purchase-order-approvals"),
    path(PO, views.PurchaseOrderApi.as_view(), name="purchase-order"),
    path(f"{PO}submit/", views.PurchaseOrderSubmitApi.as_view(), name="purchase-order-submit"),
    path(f"{PO}approve/", views.PurchaseOrderApproveApi.as_view(), name="purchase-order-approve"),
    path(f"{PO}reject/", views.PurchaseOrderRejectApi.as_view(), name="purchase-order-reject"),
    path(f"{PO}cancel/", views.PurchaseOrderCancelApi.as_view(), name="purchase-order-cancel"),
    path(f"{PO}amend/", views.PurchaseOrderAmendApi.as_view(), name="purchase-order-amend"),
    path(f"{PO}receipts/", views.PurchaseOrderReceiptsApi.as_view(), name="purchase-order-receipts"),
    path(
        f"{PO}receipts/<uuid:receipt_id>/cancel/",
        views.ReceiptCancelApi.as_view(),
        name="purchase-order-receipt-cancel",
    ),
    path(
        "orders/<uuid:order_id>/purchase-orders/", views.OrderPurchaseOrdersApi.as_view(), name="order-purchase-orders"
    ),
]

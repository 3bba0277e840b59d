from django.urls import path

from tradeloom.receivables.api import views

PAYMENT = "payments/<uuid:payment_id>/"

ROUTE_PRIORITY = 50  # see config/urls.py

urlpatterns = [
    path("payments/", views.PaymentsApi.as_view(), name="payments"),
    path(PAYMENT, views.PaymentApi.as_view(), name="payment"),
    path(f"{PAYMENT}allocate/", views.PaymentAllocateApi.as_view(), name="payment-allocate"),
    path(f"{PAYMENT}unallocate/", views.PaymentUnallocateApi.as_view(), name="payment-unallocate"),
    path(f"{PAYMENT}void/", views.PaymentVoidApi.as_view(), name="payment-void"),
    path("receivables/ageing/", views.AgeingApi.as_view(), name="receivables-ageing"),
    path("customers/<uuid:customer_id>/statement/", views.CustomerStatementApi.as_view(), name="customer-statement"),
    path("orders/<uuid:order_id>/finance/", views.OrderFinanceApi.as_view(), name="order-finance"),
]

from django.urls import path

from tradeloom.receivables import form_views, views

app_name = "receivables"

PAYMENT = "payments/<uuid:payment_id>/"

urlpatterns = [
    path("payments/", views.payment_list_view, name="payments"),
    path("payments/new/", form_views.payment_create_view, name="payment-new"),
    path(PAYMENT, views.payment_detail_view, name="payment"),
    path(f"{PAYMENT}edit/", form_views.payment_edit_view, name="payment-edit"),
    path(f"{PAYMENT}allocate/", form_views.payment_allocate_view, name="payment-allocate"),
    path(f"{PAYMENT}unallocate/", form_views.payment_unallocate_view, name="payment-unallocate"),
    path(f"{PAYMENT}void/", form_views.payment_void_view, name="payment-void"),
    path("receivables/ageing/", views.ageing_view, name="ageing"),
    path("receivables/statement/", views.statement_view, name="statement"),
    path("orders/<uuid:order_id>/finance/", views.order_panel_view, name="order-panel"),
]

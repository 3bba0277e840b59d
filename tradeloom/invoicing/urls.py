from django.urls import path

from tradeloom.invoicing import views

app_name = "invoicing"

INVOICE = "invoices/<uuid:invoice_id>/"

urlpatterns = [
    path("invoices/", views.invoice_list_view, name="invoices"),
    path("shipments/<uuid:shipment_id>/invoice/", views.invoice_new_shipment_view, name="invoice-new-shipment"),
    path("orders/<uuid:order_id>/invoice/", views.invoice_new_order_view, name="invoice-new-order"),
    path(INVOICE, views.invoice_detail_view, name="invoice"),
    path(f"{INVOICE}edit/", views.invoice_edit_view, name="invoice-edit"),
    path(f"{INVOICE}move/", views.invoice_move_view, name="invoice-move"),
    path(f"{INVOICE}credit-notes/", views.credit_note_new_view, name="credit-note-new"),
    path(f"{INVOICE}credit-notes/<uuid:credit_note_id>/void/", views.credit_note_void_view, name="credit-note-void"),
]

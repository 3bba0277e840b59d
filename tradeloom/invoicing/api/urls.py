from django.urls import path

from tradeloom.invoicing.api import views

INVOICE = "invoices/<uuid:invoice_id>/"

ROUTE_PRIORITY = 40  # see config/urls.py

urlpatterns = [
    path("invoices/", views.InvoicesApi.as_view(), name="invoices"),
    path(INVOICE, views.InvoiceApi.as_view(), name="invoice"),
    path(f"{INVOICE}issue/", views.InvoiceIssueApi.as_view(), name="invoice-issue"),
    path(f"{INVOICE}void/", views.InvoiceVoidApi.as_view(), name="invoice-void"),
    path(f"{INVOICE}credit-notes/", views.CreditNotesApi.as_view(), name="invoice-credit-notes"),
    path(
        f"{INVOICE}credit-notes/<uuid:credit_note_id>/void/",
        views.CreditNoteVoidApi.as_view(),
        name="invoice-credit-note-void",
    ),
]

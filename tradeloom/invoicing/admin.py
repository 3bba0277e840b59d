from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.invoicing.models import CreditNote, Invoice


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyOperatorAdmin):
    list_display = ("number", "organization", "customer", "status", "currency", "total", "due_date")
    search_fields = ("number",)


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyOperatorAdmin):
    list_display = ("number", "organization", "invoice", "status", "amount", "issue_date")
    search_fields = ("number",)

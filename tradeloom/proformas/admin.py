"""Operators' admin (superusers only): proforma invoices across organisations, read-only — changes go through the
organisation's own pages and API, which check their rules and audit them."""

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.proformas.models import ProformaInvoice


@admin.register(ProformaInvoice)
class ProformaInvoiceAdmin(ReadOnlyOperatorAdmin):
    list_display = ("number", "revision", "status", "pi_date", "currency", "total", "organization", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "organization__slug")
    list_select_related = ("organization",)

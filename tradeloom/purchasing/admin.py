"""Operators' admin (superusers only): purchase orders across organisations, read-only — changes go through the
organisation's own pages and API, which check their rules and audit them."""

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.purchasing.models import PurchaseOrder


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyOperatorAdmin):
    list_display = ("number", "revision", "status", "po_date", "currency", "total", "organization", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "organization__slug")
    list_select_related = ("organization",)

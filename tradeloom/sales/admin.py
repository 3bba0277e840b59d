"""Operators' admin (superusers only): orders across organisations, read-only — changes go through the
organisation's own pages and API, which check their rules and audit them."""

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.sales.models import Order


@admin.register(Order)
class OrderAdmin(ReadOnlyOperatorAdmin):
    list_display = ("number", "po_number", "customer", "status", "stage", "organization", "created_at")
    list_filter = ("status", "order_type")
    search_fields = ("number", "po_number", "organization__slug")
    list_select_related = ("organization", "customer")
    raw_id_fields = ("customer", "merchandiser", "confirmed_by")

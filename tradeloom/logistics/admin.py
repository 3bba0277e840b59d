"""Operators' admin (superusers only): shipments across organisations, read-only — changes go through the
organisation's own pages and API, which check their rules and audit them."""

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.logistics.models import Shipment


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyOperatorAdmin):
    list_display = ("number", "mode", "status", "etd", "eta", "organization", "created_at")
    list_filter = ("mode", "status")
    search_fields = ("number", "transport_document_key", "organization__slug")
    list_select_related = ("organization",)

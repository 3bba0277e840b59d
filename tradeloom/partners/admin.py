"""Operators' admin (superusers only): partners across organisations, read-only — changes go through the
organisation's own pages and API, which validate and audit them."""

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.partners.models import Carrier, Customer, Plant, Supplier


@admin.register(Customer)
class CustomerAdmin(ReadOnlyOperatorAdmin):
    list_display = ("code", "legal_name", "country", "organization", "archived_at")
    search_fields = ("code", "legal_name", "trade_name", "organization__slug")
    list_select_related = ("organization",)
    exclude = ("search_trigrams", "search_document", "search_vector")


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyOperatorAdmin):
    list_display = ("code", "legal_name", "kind", "country", "organization", "archived_at")
    list_filter = ("kind",)
    search_fields = ("code", "legal_name", "trade_name", "organization__slug")
    list_select_related = ("organization",)
    exclude = ("search_trigrams", "search_document", "search_vector")


@admin.register(Plant)
class PlantAdmin(ReadOnlyOperatorAdmin):
    list_display = ("code", "name", "supplier", "country", "organization")
    search_fields = ("code", "name", "organization__slug")
    list_select_related = ("organization", "supplier")


@admin.register(Carrier)
class CarrierAdmin(ReadOnlyOperatorAdmin):
    list_display = ("code", "name", "mode", "organization")
    list_filter = ("mode",)
    search_fields = ("code", "name", "organization__slug")
    list_select_related = ("organization",)

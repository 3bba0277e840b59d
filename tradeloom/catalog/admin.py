"""Operators' admin (superusers only): the catalog across organisations, read-only — changes go through the
organisation's own pages and API, which validate and audit them."""

from django.contrib import admin

from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure
from tradeloom.core.admin import ReadOnlyOperatorAdmin


@admin.register(UnitOfMeasure)
class UnitAdmin(ReadOnlyOperatorAdmin):
    list_display = ("code", "name", "dimension", "factor", "organization", "archived_at")
    list_filter = ("dimension",)
    search_fields = ("code", "name", "organization__slug")
    list_select_related = ("organization",)


@admin.register(Item)
class ItemAdmin(ReadOnlyOperatorAdmin):
    list_display = ("code", "name", "kind", "organization", "archived_at")
    list_filter = ("kind",)
    search_fields = ("code", "name", "organization__slug")
    list_select_related = ("organization",)


@admin.register(PaymentTerms)
class PaymentTermsAdmin(ReadOnlyOperatorAdmin):
    list_display = ("name", "organization", "archived_at")
    search_fields = ("name", "organization__slug")
    list_select_related = ("organization",)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyOperatorAdmin):
    list_display = ("date", "from_currency", "to_currency", "rate", "organization")
    search_fields = ("from_currency", "to_currency", "organization__slug")
    list_select_related = ("organization",)

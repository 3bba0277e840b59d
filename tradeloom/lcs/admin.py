"""Operators' admin (superusers only): letters of credit across organisations, read-only — changes go through the
organisation's own pages and API, which check their rules and audit them."""

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.lcs.models import LetterOfCredit


@admin.register(LetterOfCredit)
class LetterOfCreditAdmin(ReadOnlyOperatorAdmin):
    list_display = ("number", "issuing_bank", "currency", "amount", "status", "expiry_date", "organization")
    list_filter = ("status",)
    search_fields = ("number", "issuing_bank")
    list_select_related = ("organization",)

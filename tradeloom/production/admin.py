"""Operators' admin (superusers only): work orders across organisations, read-only — changes go through the
organisation's own pages and API, which check their rules and audit them."""

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.production.models import WorkOrder


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyOperatorAdmin):
    list_display = (
        "number",
        "status",
        "priority",
        "due_date",
        "quantity",
        "progress_percent",
        "is_late",
        "organization",
    )
    list_filter = ("status", "priority", "is_late")
    search_fields = ("number", "product_name", "organization__slug")
    list_select_related = ("organization",)

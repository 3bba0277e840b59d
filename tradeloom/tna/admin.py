"""Operators' admin (superusers only): T&A templates and plans across organisations, read-only — changes go through
the organisation's own pages and API, which check their rules and audit them."""

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.tna.models import Plan, Template


@admin.register(Template)
class TemplateAdmin(ReadOnlyOperatorAdmin):
    list_display = ("name", "product_type", "uses_working_days", "is_default", "organization", "archived_at")
    list_filter = ("is_default", "uses_working_days")
    search_fields = ("name", "organization__slug")
    list_select_related = ("organization",)


@admin.register(Plan)
class PlanAdmin(ReadOnlyOperatorAdmin):
    list_display = ("order", "line", "template_name", "etd", "uses_working_days", "version", "organization")
    search_fields = ("order__number", "template_name", "organization__slug")
    list_select_related = ("organization", "order", "line")

"""Operators' admin (superusers only): gates and gating rules across organisations, read-only — changes go through
the organisation's own pages and API, which check their rules and audit them."""

from django.contrib import admin

from tradeloom.approvals.models import Gate, GateRule
from tradeloom.core.admin import ReadOnlyOperatorAdmin


@admin.register(Gate)
class GateAdmin(ReadOnlyOperatorAdmin):
    list_display = ("code", "name", "is_standard", "applies_by_default", "organization", "archived_at")
    list_filter = ("is_standard", "applies_by_default")
    search_fields = ("code", "name", "organization__slug")
    list_select_related = ("organization",)


@admin.register(GateRule)
class GateRuleAdmin(ReadOnlyOperatorAdmin):
    list_display = ("kind", "gate", "line_status", "requires", "organization")
    list_filter = ("kind",)
    list_select_related = ("organization", "gate")

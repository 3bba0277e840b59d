from django.contrib import admin

from tradeloom.alerts.models import Alert, AlertRule
from tradeloom.core.admin import ReadOnlyOperatorAdmin


@admin.register(AlertRule)
class AlertRuleAdmin(ReadOnlyOperatorAdmin):
    list_display = ("kind", "organization", "enabled", "days", "notify_merchandiser", "updated_at")
    list_filter = ("kind", "enabled")
    list_select_related = ("organization",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyOperatorAdmin):
    list_display = ("kind", "label", "organization", "fired_at", "resolved_at", "notified_at")
    list_filter = ("kind",)
    list_select_related = ("organization",)

from django.contrib import admin

from tradeloom.audit.models import AuditEvent
from tradeloom.core.admin import ReadOnlyOperatorAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyOperatorAdmin):
    list_display = ("created_at", "action", "organization", "actor", "target_type", "target_id")
    list_filter = ("action",)
    search_fields = ("action", "target_id", "request_id")
    list_select_related = ("organization", "actor")

"""The operators' admin of webhooks: endpoints (never their secrets) and deliveries, read-only."""

from __future__ import annotations

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyOperatorAdmin):
    list_display = ("url", "description", "is_active", "consecutive_failures", "disabled_at", "organization")
    list_filter = ("is_active",)
    list_select_related = ("organization",)
    exclude = ("secret", "previous_secret")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyOperatorAdmin):
    list_display = ("event_type", "status", "attempts", "last_status_code", "next_attempt_at", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("endpoint", "message")

from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.notifications.models import DigestRecord, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyOperatorAdmin):
    list_display = ("title", "kind", "severity", "channel", "recipient", "read_at", "created_at", "organization")
    list_filter = ("severity", "channel")
    search_fields = ("title", "kind")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyOperatorAdmin):
    list_display = ("membership", "kind", "channel", "organization")


@admin.register(DigestRecord)
class DigestRecordAdmin(ReadOnlyOperatorAdmin):
    list_display = ("membership", "last_sent_on", "last_sent_at", "organization")

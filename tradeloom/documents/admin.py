from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.documents.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyOperatorAdmin):
    list_display = ("name", "target_type", "version", "size", "content_type", "created_at", "archived_at")
    list_filter = ("target_type", "source")

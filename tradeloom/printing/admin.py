from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.printing.models import PrintedDocument, PrintProfile


@admin.register(PrintProfile)
class PrintProfileAdmin(ReadOnlyOperatorAdmin):
    list_display = ("company_name", "organization", "version", "updated_at")


@admin.register(PrintedDocument)
class PrintedDocumentAdmin(ReadOnlyOperatorAdmin):
    list_display = ("kind", "target_type", "target_id", "generated_count", "updated_at")
    list_filter = ("kind",)

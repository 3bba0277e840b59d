from django.contrib import admin

from tradeloom.core.admin import ReadOnlyOperatorAdmin
from tradeloom.imports.models import ImportMapping, ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyOperatorAdmin):
    list_display = ("filename", "entity", "status", "row_count", "organization", "created_at")
    list_filter = ("status", "entity")
    exclude = ("content",)


@admin.register(ImportMapping)
class ImportMappingAdmin(ReadOnlyOperatorAdmin):
    list_display = ("entity", "organization", "created_at")

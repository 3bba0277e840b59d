from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.imports.files import ENCODINGS
from tradeloom.imports.models import ImportRun

ERRORS_SHOWN = 200


class ImportFieldOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    required = serializers.BooleanField()  # type: ignore[assignment]
    aliases = serializers.ListField(child=serializers.CharField())
    help = serializers.CharField()


class ImportPresetOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    columns = serializers.DictField(child=serializers.CharField(), help_text="Source header → field name.")
    ignore = serializers.ListField(child=serializers.CharField(), help_text="Source headers deliberately left out.")


class ImportEntityOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    key = serializers.ListField(child=serializers.CharField(), help_text="The natural key's field names.")
    fields = ImportFieldOutput(many=True)  # type: ignore[assignment]
    presets = ImportPresetOutput(many=True)


class ImportRowErrorOutput(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in the file (the header is row 1).")
    column = serializers.CharField(help_text="The source column's header (empty for the row as a whole).")
    field = serializers.CharField(help_text="The field's label (empty for the row as a whole).")
    value = serializers.CharField()
    message = serializers.CharField()


class ImportCountsOutput(serializers.Serializer):
    created = serializers.IntegerField(default=0)
    updated = serializers.IntegerField(default=0)
    unchanged = serializers.IntegerField(default=0)
    errors = serializers.IntegerField(default=0, help_text="Rows with at least one error.")  # type: ignore[assignment]


class ImportRunOutput(serializers.Serializer):
    id = serializers.UUIDField()
    entity = serializers.CharField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    file_format = serializers.CharField(help_text="`csv` or `xlsx`, read from the content.")
    sheet = serializers.CharField()
    encoding = serializers.CharField()
    headers = serializers.ListField(child=serializers.CharField())
    row_count = serializers.IntegerField()
    mapping = serializers.DictField(child=serializers.CharField(), help_text="Source header → field name.")
    preset = serializers.CharField()
    status = serializers.CharField(
        help_text="`uploaded` → `checked` (a dry run of this mapping without errors) → `committing` → `committed`, or "
        "`failed` (nothing was written)."
    )
    checked = serializers.BooleanField(
        source="checked_ok", help_text="The last dry run was of this mapping and found no error: it may be committed."
    )
    checked_at = serializers.DateTimeField(allow_null=True)
    counts = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField(help_text=f"The first {ERRORS_SHOWN} messages (all: `errors.csv`).")  # type: ignore[assignment]
    job_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    created_by_id = serializers.UUIDField(allow_null=True)
    committed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()

    @extend_schema_field(ImportCountsOutput)
    def get_counts(self, run: ImportRun) -> dict[str, int]:
        return dict(ImportCountsOutput({k: run.count(k) for k in ("created", "updated", "unchanged", "errors")}).data)

    @extend_schema_field(ImportRowErrorOutput(many=True))
    def get_errors(self, run: ImportRun) -> list[dict[str, Any]]:
        return list(ImportRowErrorOutput(run.errors[:ERRORS_SHOWN], many=True).data)


class ImportRunListOutput(ImportRunOutput):
    errors = None  # type: ignore[assignment]


class ImportUploadInput(serializers.Serializer):
    entity = serializers.CharField(max_length=40, help_text="What the file holds: an entity's `code` (`entities/`).")
    file = serializers.FileField(allow_empty_file=True, max_length=255, help_text="CSV or XLSX, headers in row 1.")
    encoding = serializers.ChoiceField(
        choices=list(ENCODINGS.items()), required=False, allow_blank=True, help_text="A CSV's, when not UTF-8."
    )
    sheet = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Default: the first.")


class ImportMappingInput(serializers.Serializer):
    columns = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=60),
        required=False,
        help_text='Source header → field name (`""`: not imported). Without it, `preset` gives the columns.',
    )
    preset = serializers.CharField(required=False, allow_blank=True, max_length=60)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "columns" not in attrs and not attrs.get("preset"):
            raise serializers.ValidationError({"columns": ["Give the columns, or a preset."]})
        if len(attrs.get("columns", {})) > 500:
            raise serializers.ValidationError({"columns": ["At most 500 columns."]})
        return attrs

"""The attachments API's inputs and outputs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from tradeloom.documents.content import ALLOWED
from tradeloom.documents.models import Attachment
from tradeloom.documents.targets import TARGETS

TARGET_TYPES = [(t.key, t.label.capitalize()) for t in TARGETS]
_TYPES = ", ".join(f"`{t.key}`" for t in TARGETS)
MEDIA_TYPES = tuple(ALLOWED)


class RecordFileTargetQuery(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=TARGET_TYPES, help_text=f"The kind of record: {_TYPES}.")
    target_id = serializers.UUIDField(help_text="The record's id.")


class RecordFileUploadInput(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=TARGET_TYPES, help_text=f"The kind of record: {_TYPES}.")
    target_id = serializers.UUIDField(help_text="The record's id.")
    file = serializers.FileField(
        allow_empty_file=True,  # refused as `empty_file`, with its own code
        max_length=1000,
        help_text="A PDF, an image, an Office document or a text/CSV file; its type is read from its content.",
    )
    supersedes = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The id of a document's current version on the same record: the upload becomes its next version.",
    )


class RecordFileOutput(serializers.Serializer):
    id = serializers.UUIDField()
    target_type = serializers.ChoiceField(choices=TARGET_TYPES)
    target_id = serializers.UUIDField()
    document_id = serializers.UUIDField(help_text="Shared by every version of one document (the first one's id).")
    version = serializers.IntegerField(min_value=1)
    supersedes = serializers.UUIDField(source="supersedes_id", allow_null=True, help_text="The version it replaced.")
    is_latest = serializers.BooleanField(help_text="The document's current version.")
    source = serializers.ChoiceField(choices=Attachment.Source.choices)  # type: ignore[assignment]
    name = serializers.CharField(help_text="The file's name as kept (cleaned; its extension is its type's).")
    size = serializers.IntegerField(min_value=1, help_text="Bytes.")
    content_type = serializers.CharField(help_text="The type read from the content.")
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    def get_created_by(self, attachment: Attachment) -> str | None:
        return str(attachment.created_by) if attachment.created_by_id else None

    def get_download_url(self, attachment: Attachment) -> str:
        kwargs: dict[str, Any] = {"org_slug": self.context["org_slug"], "record_file_id": attachment.pk}
        return reverse("api:tenant-api:attachment-download", kwargs=kwargs)

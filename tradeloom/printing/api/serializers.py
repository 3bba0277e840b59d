"""The printing API's inputs and outputs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.documents.api.serializers import RecordFileOutput
from tradeloom.printing.models import PrintProfile
from tradeloom.tenancy.api.serializers import JobOutput


class PrintProfileOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(read_only=True, allow_null=True, help_text="Empty while the organisation has none.")
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    logo_url = serializers.SerializerMethodField(help_text="Where the logo is read (empty: none).")

    class Meta:
        model = PrintProfile
        fields = ("id", *PrintProfile.Shape.editable, "logo_url", "version", "updated_at")

    def get_logo_url(self, profile: PrintProfile) -> str | None:
        if not profile.logo:
            return None
        return reverse("api:tenant-api:print-profile-logo", kwargs={"org_slug": self.context["org_slug"]})


class PrintProfileInput(serializers.ModelSerializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you edited: a stale one is refused (`profile_changed`)."
    )

    class Meta:
        model = PrintProfile
        fields = (*PrintProfile.Shape.editable, "version")
        extra_kwargs = {name: {"required": False} for name in PrintProfile.Shape.editable}


class LogoInput(serializers.Serializer):
    logo = serializers.FileField(allow_empty_file=True, help_text="A PNG or JPEG image of at most 1 MB.")


class PdfJobOutput(JobOutput):
    """A PDF being made, or made: ``attachment`` is the stored PDF once it succeeded."""

    document_kind = serializers.SerializerMethodField()
    target_type = serializers.SerializerMethodField()
    target_id = serializers.SerializerMethodField()
    attachment = serializers.SerializerMethodField()

    def get_document_kind(self, job: Any) -> str:
        return str(job.parameters.get("kind", ""))

    def get_target_type(self, job: Any) -> str:
        return str(job.parameters.get("target_type", ""))

    def get_target_id(self, job: Any) -> str:
        return str(job.parameters.get("target_id", ""))

    @extend_schema_field(RecordFileOutput(allow_null=True))
    def get_attachment(self, job: Any) -> dict[str, Any] | None:
        attachment = self.context.get("attachments", {}).get(job.pk)
        if attachment is None:
            return None
        attachment.is_latest = attachment.pk == self.context.get("latest_id")
        return RecordFileOutput(attachment, context={"org_slug": self.context["org_slug"]}).data


class PdfStatusOutput(serializers.Serializer):
    """A record's PDF of one kind: its current version (if any) and the PDF being made (if one is)."""

    document_kind = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.UUIDField()
    latest = RecordFileOutput(allow_null=True, help_text="The current version (empty: never made, or archived).")
    pending = PdfJobOutput(allow_null=True, help_text="The PDF being made now, if one is.")
    download_url = serializers.CharField(allow_null=True, help_text="The current version's PDF.")

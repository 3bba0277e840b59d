"""Attachments: files kept on any record (an order, a PO, a shipment, an LC, an invoice, a customer, a supplier).

One generic table: a row names its record by ``target_type`` (``"sales.order"``, a key of ``documents.targets``)
and ``target_id``. A document may have versions: each new version is a row with the same ``document_id`` (the first
version's id), the next ``version`` number and ``supersedes`` pointing at the version it replaces; older versions
stay readable. Archiving hides a version from lists and downloads and frees its bytes (the row stays, with its
name, size and digest, as the record of what was there).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tradeloom.core.models import TenantModel


def attachment_key(instance: Attachment, filename: str) -> str:
    """Where the bytes are stored: by organisation and month, named by the attachment's id (never by what the
    uploader called the file: that is only a display name)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.organization_id}/{timezone.now():%Y/%m}/{instance.pk}.{extension}"


class Attachment(TenantModel):
    """A file on a record, one version of one document."""

    audit_prefix = "attachment"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        GENERATED = "generated", "Generated"  # a PDF made by the app from the record (purchase order, invoice …)

    target_type = models.CharField(max_length=40)
    target_id = models.UUIDField()
    document_id = models.UUIDField(help_text="The first version's id: every version of a document shares it.")
    version = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.UPLOAD)
    file = models.FileField(upload_to=attachment_key, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    class Shape:
        read = (
            "id",
            "target_type",
            "target_id",
            "document_id",
            "version",
            "supersedes_id",
            "source",
            "name",
            "size",
            "content_type",
            "sha256",
            "created_at",
            "created_by_id",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="documents_attachment_org_id_key"),
            models.UniqueConstraint(
                fields=["organization", "document_id", "version"], name="documents_attachment_version_once"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="documents_attachment_version_positive"),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True) | Q(version__gt=1, supersedes__isnull=False),
                name="documents_attachment_versions_chain",
            ),
        ]
        indexes = [
            # a record's files, newest first (the panel, the API list)
            models.Index(
                fields=["organization", "target_type", "target_id", "-created_at"], name="attachment_target_idx"
            ),
            models.Index(fields=["supersedes"], name="attachment_supersedes_idx"),
            models.Index(fields=["archived_by"], name="attachment_archived_by_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

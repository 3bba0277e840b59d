"""Imports: a file uploaded to be read into one entity (``registry.ENTITIES``), its column mapping, the dry run's
report and the commit; and the mappings an organisation saved, pre-filled for its next file with the same headers.

The uploaded bytes are kept in the run's own row (``content``, at most ``IMPORT_MAX_BYTES``): a refused upload
stores nothing, the worker reads exactly what the member checked, and a run's file goes with its row.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models

from tradeloom.core.models import TenantModel


def header_signature(headers: list[str] | tuple[str, ...]) -> str:
    """What identifies a file's layout for a saved mapping: its headers (lower-cased, stripped), in any order."""
    normal = sorted({header.strip().lower() for header in headers})
    return hashlib.sha256("\x1f".join(normal).encode()).hexdigest()


class ImportRun(TenantModel):
    """One file being imported: uploaded → checked (a dry run with no errors done) → committing → committed, or
    failed (the commit found errors: nothing was written). A dry run with errors leaves it uploaded; a large file's
    dry run runs in the background (checking)."""

    audit_prefix = "import_run"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked"
        COMMITTING = "committing", "Committing"
        COMMITTED = "committed", "Committed"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    entity = models.CharField(max_length=40)
    filename = models.CharField(max_length=255)
    content = models.BinaryField(editable=False)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=10, choices=Format.choices)
    sheet = models.CharField(max_length=100, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    headers = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True, help_text="Source header → field name.")
    preset = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    checked_mapping = models.JSONField(
        null=True, blank=True, help_text="The mapping of the last dry run (a commit needs it to be the current one)."
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    job_id = models.UUIDField(null=True, blank=True, help_text="The core Job of its background dry run or commit.")
    committed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="imports_run_org_id_key")]
        indexes = [models.Index(fields=["organization", "-created_at", "-id"], name="imports_run_org_created_idx")]

    def __str__(self) -> str:
        return self.filename

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.COMMITTED, self.Status.FAILED)

    @property
    def error_count(self) -> int:
        return int((self.counts or {}).get("errors", 0))

    def count(self, outcome: str) -> int:
        return int((self.counts or {}).get(outcome, 0))

    @property
    def checked_ok(self) -> bool:
        """The last dry run was of the current mapping and found no error."""
        return self.checked_mapping is not None and self.checked_mapping == self.mapping and self.error_count == 0

    def file_bytes(self) -> bytes:
        value: Any = self.content
        return bytes(value)


class ImportMapping(TenantModel):
    """A mapping an organisation saved for one entity and one layout of file (its headers' signature)."""

    audit_prefix = "import_mapping"

    entity = models.CharField(max_length=40)
    signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    columns = models.JSONField(default=dict, help_text="Source header → field name.")
    preset = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="imports_mapping_org_id_key"),
            models.UniqueConstraint(fields=["organization", "entity", "signature"], name="imports_mapping_layout_key"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} ({len(self.columns)} columns)"

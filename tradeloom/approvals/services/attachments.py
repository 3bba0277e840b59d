"""Files on gate entries and samples (photos of a lab dip, the buyer's comments sheet …): size and type checked."""

from __future__ import annotations

import re
from typing import Any

from tradeloom.approvals.events import (
    AttachmentAction,
)
from tradeloom.approvals.models import Attachment, GateEntry, Sample
from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import field_error

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# The media types a file may have; a download answers with the one it was uploaded as (the API documents each).
ATTACHMENT_MEDIA_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heic",
    "application/pdf",
    "text/plain",
    "text/csv",
)
ATTACHMENT_TYPES = re.compile("^(" + "|".join(re.escape(t) for t in ATTACHMENT_MEDIA_TYPES) + ")$")


def upload_checked(upload: Any, *, field: str) -> str:
    """The media type of an uploaded file (images, PDF, text; at most 10 MB), or a refusal on ``field``. Every
    upload of the product passes here (approvals' attachments, shipment documents' files)."""
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise field_error(field, f"{upload.name} is larger than 10 MB.")
    if not ATTACHMENT_TYPES.match(content_type):
        raise field_error(field, f"{upload.name}: only images, PDF and text files are accepted.")
    return content_type


def attachment_add(*, by: Any, upload: Any, entry: GateEntry | None = None, sample: Sample | None = None) -> Attachment:
    """Keep an uploaded file (images, PDF, text; at most 10 MB) on an entry or a sample."""
    owner = entry or sample
    if owner is None:
        raise field_error("file", "An attachment belongs to an entry or a sample.")
    content_type = upload_checked(upload, field="attachments")
    attachment = Attachment.objects.create(
        organization_id=owner.organization_id,
        created_by_id=by.user_id,
        entry=entry,
        sample=sample,
        file=upload,
        name=str(upload.name)[:200],
        size=upload.size,
        content_type=content_type,
    )
    audit_record(actor=by, action=AttachmentAction.ADDED, target=attachment, changes={"name": [None, attachment.name]})
    return attachment

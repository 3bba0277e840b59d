"""Every write of attachments: upload (a first version or a new version of a document) and archive.

An upload is checked before anything is stored: the member may attach to that record (its own capability, and
they must see it), the file is not empty and not larger than ``ATTACHMENT_MAX_BYTES``, its type read from its
content is one Tradeloom keeps (``documents.content``), and the organisation's stored files stay within
``ATTACHMENT_QUOTA_BYTES``. Uploads of one organisation take a transaction-level advisory lock, so two at once cannot
both squeeze under the quota; a new version locks its document's versions, so two new versions of one document get
two numbers, in order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.ids import new_id
from tradeloom.core.outbox import outbox_enqueue
from tradeloom.documents import content
from tradeloom.documents.events import AttachmentAction
from tradeloom.documents.models import Attachment
from tradeloom.documents.selectors import TargetRecord
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import role_has

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MiB
DEFAULT_QUOTA_BYTES = 1024 * MiB
REMOVE_TASK = "documents.remove_stored_file"


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def quota_bytes(organization: Any) -> int:
    return int(getattr(settings, "ATTACHMENT_QUOTA_BYTES", DEFAULT_QUOTA_BYTES))


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size = size / 1024  # type: ignore[assignment]
    return str(size)


def too_large(size: int | None = None) -> ApplicationError:
    limit = max_bytes()
    error = field_error("file", f"The file is larger than {human_size(limit)}.", code="upload_too_large")
    error.status = 413
    error.extra["max_bytes"] = limit
    if size is not None:
        error.extra["size"] = size
    return error


def attach_allowed(*, membership: Membership, target: TargetRecord) -> bool:
    return role_has(membership.role, target.spec.attach)


@dataclass(frozen=True)
class _Read:
    sha256: str
    head: bytes
    size: int


def _read(upload: Any) -> _Read:
    digest = hashlib.sha256()
    head = b""
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        if len(head) < content.HEAD_BYTES:
            head += chunk[: content.HEAD_BYTES - len(head)]
        size += len(chunk)
    upload.seek(0)
    return _Read(digest.hexdigest(), head, size)


def _lock_quota(organization: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"documents.quota:{organization.pk}"])


def quota_used(*, organization: Any) -> int:
    """The bytes the organisation's files take (every version not archived)."""
    used = Attachment.objects.filter(organization=organization, archived_at__isnull=True).aggregate(s=Sum("size"))
    return int(used["s"] or 0)


@transaction.atomic
def attachment_upload(
    *,
    organization: Any,
    by: Membership,
    target: TargetRecord,
    upload: Any,
    supersedes: Attachment | None = None,
    source: str = Attachment.Source.UPLOAD,
) -> Attachment:
    """Keep ``upload`` on ``target``: a new document, or — with ``supersedes``, the current version of a document of
    the same record — its next version (the older versions stay readable)."""
    if source == Attachment.Source.UPLOAD and not attach_allowed(membership=by, target=target):
        raise ApplicationError(
            f"Your role may not attach files to this {target.spec.label}.", code="permission_denied", status=403
        )
    if upload is None:
        raise field_error("file", "Choose a file to upload.")
    declared = int(getattr(upload, "size", 0) or 0)
    if declared > max_bytes():
        raise too_large(declared)
    read = _read(upload)
    if read.size == 0:
        raise field_error("file", "The file is empty.", code="empty_file")
    if read.size > max_bytes():
        raise too_large(read.size)
    try:
        kind = content.content_kind(upload, head=read.head, size=read.size)
    except content.Refused as refused:
        raise field_error("file", str(refused), code="unsupported_file_type") from None
    name = content.clean_name(getattr(upload, "name", "") or "", kind)

    _lock_quota(organization)
    next_version = 1
    if supersedes is not None:
        supersedes, next_version = _current_version(target=target, supersedes=supersedes)
    used, quota = quota_used(organization=organization), quota_bytes(organization)
    if used + read.size > quota:
        raise ApplicationError(
            f"The organisation's files would take {human_size(used + read.size)}, beyond its quota of "
            f"{human_size(quota)}. Archive files it no longer needs, or ask for a larger quota.",
            code="quota_exceeded",
            status=409,
            extra={"quota_bytes": quota, "used_bytes": used, "size": read.size},
        )

    pk = new_id()
    attachment = Attachment(
        pk=pk,
        organization_id=organization.pk,
        created_by_id=by.user_id if by is not None else None,
        target_type=target.spec.key,
        target_id=target.record.pk,
        document_id=supersedes.document_id if supersedes else pk,
        version=next_version,
        supersedes=supersedes,
        source=source,
        name=name,
        size=read.size,
        content_type=kind.content_type,
        sha256=read.sha256,
    )
    attachment.file.save(f"{pk}.{kind.extension}", File(upload), save=False)
    try:
        attachment.save(force_insert=True)
        changes: dict[str, Any] = {
            "name": [None, name],
            "record": [None, f"{target.spec.label} {target.title}"],
            "size": [None, read.size],
            "content_type": [None, kind.content_type],
            "target_type": [None, target.spec.key],
            "target_id": [None, str(target.record.pk)],
        }
        if supersedes is not None:
            changes |= {"version": [supersedes.version, next_version], "supersedes": [None, str(supersedes.pk)]}
        action = AttachmentAction.VERSION_ADDED if supersedes else AttachmentAction.ATTACHED
        audit_record(actor=by, organization=organization, action=action, target=attachment, changes=changes)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name or "")  # nothing of a refused write stays in storage
        raise
    return attachment


def _current_version(*, target: TargetRecord, supersedes: Attachment) -> tuple[Attachment, int]:
    """``supersedes``, locked with its document's versions, when it is the current version of a document of
    ``target``, and the number the next version takes (after every version, archived ones too); a refusal
    otherwise."""
    if (
        supersedes.target_type != target.spec.key
        or supersedes.target_id != target.record.pk
        or supersedes.organization_id != target.record.organization_id
    ):
        raise field_error("supersedes", "That file is not attached to this record.")
    versions = list(
        Attachment.objects.select_for_update()
        .filter(organization_id=supersedes.organization_id, document_id=supersedes.document_id)
        .order_by("-version")
    )
    current = next((v for v in versions if v.archived_at is None), None)
    if current is None or current.pk != supersedes.pk:
        raise ApplicationError(
            "A newer version of this file exists: upload your version of that one.",
            code="not_latest_version",
            status=409,
            extra={"errors": {"supersedes": ["A newer version of this file exists."]}}
            | ({"latest_id": str(current.pk), "latest_version": current.version} if current else {}),
        )
    return current, versions[0].version + 1


@transaction.atomic
def attachment_archive(*, attachment: Attachment, target: TargetRecord, by: Membership) -> Attachment:
    """Archive one version: it leaves the lists and downloads and stops counting towards the quota; its bytes are
    removed from storage after the commit (the row stays: who uploaded what, when, its size and digest). When it was
    a document's current version, the one before becomes current again."""
    if not attach_allowed(membership=by, target=target):
        raise ApplicationError(
            f"Your role may not archive files of this {target.spec.label}.", code="permission_denied", status=403
        )
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.archived_at is not None:
        raise ApplicationError("This file is archived already.", code="already_archived", status=409)
    locked.archived_at = timezone.now()
    locked.archived_by_id = by.user_id
    locked.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit_record(
        actor=by,
        action=AttachmentAction.ARCHIVED,
        target=locked,
        changes={"record": [None, f"{target.spec.label} {target.title}"]},
    )
    outbox_enqueue(REMOVE_TASK, organization_id=locked.organization_id, attachment_id=str(locked.pk))
    return locked


def stored_file_remove(*, attachment: Attachment) -> bool:
    """Delete an archived attachment's bytes from storage (idempotent: a second run finds nothing to delete)."""
    name = attachment.file.name
    if attachment.archived_at is None or not name:
        return False
    attachment.file.storage.delete(name)
    return True

"""Every read of attachments: the record a request names (404 when the member may not see it), a record's files
grouped by document with their versions, one file the member may download, the organisation's quota."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from tradeloom.documents.models import Attachment
from tradeloom.documents.targets import Target, target_of
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import role_has


@dataclass(frozen=True)
class TargetRecord:
    spec: Target
    record: Any

    @property
    def title(self) -> str:
        return self.spec.title(self.record)


def target_resolve(*, organization: Any, membership: Membership, target_type: str, target_id: Any) -> TargetRecord:
    """The record ``target_type`` / ``target_id`` names, when the member's role may see its files and the member
    may see it; 404 otherwise (another organisation's record, another merchandiser's order, an unknown type)."""
    spec = target_of(str(target_type))
    if spec is None or not role_has(membership.role, spec.view):
        raise Http404("No such record.")
    try:
        pk = target_id if isinstance(target_id, uuid.UUID) else uuid.UUID(str(target_id))
    except ValueError:
        raise Http404("No such record.") from None
    record = spec.visible(organization, membership).filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    return TargetRecord(spec, record)


def _live() -> QuerySet[Attachment]:
    return Attachment.objects.filter(archived_at__isnull=True)


def _with_latest(qs: QuerySet[Attachment]) -> QuerySet[Attachment]:
    newer = Attachment.objects.filter(
        organization_id=OuterRef("organization_id"),
        document_id=OuterRef("document_id"),
        version__gt=OuterRef("version"),
        archived_at__isnull=True,
    )
    return qs.annotate(is_latest=~Exists(newer))


def attachment_list(*, organization: Any, target: TargetRecord) -> QuerySet[Attachment]:
    """The record's files (every version not archived), newest first, each with ``is_latest`` and its uploader: one
    statement."""
    qs = _live().filter(organization=organization, target_type=target.spec.key, target_id=target.record.pk)
    return _with_latest(qs).select_related("created_by").order_by("-created_at", "-id")


@dataclass
class Document:
    """A document as the panel shows it: its current version and the older ones, newest first."""

    current: Attachment
    older: list[Attachment] = field(default_factory=list)


def documents_of(*, organization: Any, target: TargetRecord) -> list[Document]:
    """The record's documents, the most recently changed first: the same one statement as ``attachment_list``."""
    documents: dict[Any, Document] = {}
    for attachment in sorted(attachment_list(organization=organization, target=target), key=lambda a: -a.version):
        found = documents.get(attachment.document_id)
        if found is None:
            documents[attachment.document_id] = Document(attachment)
        else:
            found.older.append(attachment)
    return sorted(documents.values(), key=lambda d: (d.current.created_at, str(d.current.pk)), reverse=True)


def attachment_visible_get(*, organization: Any, membership: Membership, pk: Any) -> tuple[Attachment, TargetRecord]:
    """A file (not archived) of a record the member may see, with that record; 404 otherwise."""
    attachment = _with_latest(_live().filter(organization=organization, pk=pk)).select_related("created_by").first()
    if attachment is None:
        raise Http404("No such file.")
    target = target_resolve(
        organization=organization,
        membership=membership,
        target_type=attachment.target_type,
        target_id=attachment.target_id,
    )
    return attachment, target


def attachment_of_target(*, organization: Any, target: TargetRecord, pk: Any) -> Attachment | None:
    """A file (not archived) of this record, or None (the ``supersedes`` of an upload)."""
    try:
        pk = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except ValueError:
        return None
    return (
        _live()
        .filter(organization=organization, target_type=target.spec.key, target_id=target.record.pk, pk=pk)
        .first()
    )

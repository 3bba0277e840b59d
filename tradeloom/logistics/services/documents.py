"""A shipment's documents checklist: the standard documents it starts with (``shipments.CHECKLIST``), others added
by name, each with a status, a due date and files (size and type checked like every upload)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from tradeloom.approvals.services.attachments import upload_checked
from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.logistics.events import DocumentAction, DocumentStatusChanged, FileAction
from tradeloom.logistics.models import DocumentFile, Shipment, ShipmentDocument
from tradeloom.logistics.services.shipments import invalid

CREATE = ("kind", "name", "status", "due_date", "note")
UPDATE = ("name", "status", "due_date", "note")


def _clean(document: ShipmentDocument) -> None:
    document.name = (document.name or "").strip()
    if document.kind == ShipmentDocument.Kind.OTHER and not document.name:
        raise field_error("name", "Name the document (e.g. “Fumigation certificate”).")
    if document.kind != ShipmentDocument.Kind.OTHER:
        document.name = ""
    try:
        document.full_clean(
            exclude=["organization", "created_by", "shipment"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict, "The document has invalid fields.") from exc


def _taken(document: ShipmentDocument) -> ApplicationError:
    what = f"“{document.name}”" if document.kind == ShipmentDocument.Kind.OTHER else document.get_kind_display()
    field = "name" if document.kind == ShipmentDocument.Kind.OTHER else "kind"
    return field_error(field, f"{what} is already on this shipment's checklist.", code="conflict")


@transaction.atomic
def document_add(*, shipment: Shipment, by: Any, data: dict[str, Any]) -> ShipmentDocument:
    """Add a document to the checklist: a standard kind it lacks, or another by name."""
    for field in data:
        if field not in CREATE:
            raise ApplicationError(f"“{field}” cannot be set.", code="field_not_editable")
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    top = ShipmentDocument.objects.filter(shipment=shipment).aggregate(top=Max("position"))["top"]
    document = ShipmentDocument(
        organization_id=shipment.organization_id,
        created_by_id=by.user_id,
        shipment=shipment,
        position=(top if top is not None else -1) + 1,
        **data,
    )
    _clean(document)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        raise _taken(document) from exc
    audit_record(
        actor=by,
        action=DocumentAction.ADDED,
        target=document,
        changes={
            "kind": [None, document.kind],
            "name": [None, document.name or None],
            "status": [None, document.status],
        },
    )
    return document


@transaction.atomic
def document_update(*, document: ShipmentDocument, by: Any, data: dict[str, Any]) -> ShipmentDocument:
    """Move a document's status (pending, drafted, sent, accepted, discrepant), due date, note or name."""
    document = ShipmentDocument.objects.select_for_update().get(pk=document.pk)
    before = {f: getattr(document, f) for f in UPDATE}
    for field, value in data.items():
        if field not in UPDATE:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(document, field, value)
    if document.kind != ShipmentDocument.Kind.OTHER and data.get("name"):
        raise field_error("name", "Only other documents have a name of their own.")
    _clean(document)
    changes = {
        f: [_plain(before[f]), _plain(getattr(document, f))] for f in UPDATE if before[f] != getattr(document, f)
    }
    if not changes:
        return document
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        raise _taken(document) from exc
    audit_record(actor=by, action=DocumentAction.CHANGED, target=document, changes=changes)
    if "status" in changes:
        publish(DocumentStatusChanged(document=document, previous_status=before["status"], by=by))
    return document


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def document_file_attach(*, document: ShipmentDocument, by: Any, upload: Any) -> DocumentFile:
    """Keep a file of a document (images, PDF, text; at most 10 MB)."""
    content_type = upload_checked(upload, field="file")
    attached = DocumentFile.objects.create(
        organization_id=document.organization_id,
        created_by_id=by.user_id,
        document=document,
        file=upload,
        name=str(upload.name)[:200],
        size=upload.size,
        content_type=content_type,
    )
    audit_record(actor=by, action=FileAction.ATTACHED, target=attached, changes={"name": [None, attached.name]})
    return attached

"""Background work of attachments: removing an archived file's bytes from storage after the archive commits."""

from __future__ import annotations

from tradeloom.core.context import tenant_context
from tradeloom.core.effects import effect_task
from tradeloom.documents import services
from tradeloom.documents.models import Attachment


@effect_task(services.REMOVE_TASK, once=False)
def remove_stored_file(*, organization_id: str, attachment_id: str) -> None:
    """Delete the bytes of an archived attachment (storage is outside the database: at least once, and deleting what
    is gone already is a no-op)."""
    with tenant_context(organization_id):
        attachment = Attachment.objects.filter(organization_id=organization_id, pk=attachment_id).first()
    if attachment is not None:
        services.stored_file_remove(attachment=attachment)

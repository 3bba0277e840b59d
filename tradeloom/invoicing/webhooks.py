"""What invoicing gives outbound webhooks (``core.webhook_events``): the invoice actions integrators may subscribe
to, and how an invoice reads in their payloads — as ``GET invoices/{id}/`` returns it. Registered from
``InvoicingConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from tradeloom.core.webhook_events import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_REPRESENTATIONS,
    WebhookEventType,
    WebhookRepresentation,
)
from tradeloom.invoicing.events import CreditNoteAction, InvoiceAction
from tradeloom.invoicing.models import CreditNote, Invoice, InvoiceLine

AREA = "Invoices"
EVENT_TYPES = [
    (InvoiceAction.CREATED, "Invoice drafted"),
    ("invoice.updated", "Draft invoice changed"),
    (InvoiceAction.ISSUED, "Invoice issued"),
    (InvoiceAction.VOIDED, "Invoice voided"),
    (InvoiceAction.DUE_DATE_SET, "Invoice's due date set by a shipment event"),
    (InvoiceAction.PAID_SET, "Invoice's paid amount changed"),
    (CreditNoteAction.CREATED, "Credit note raised"),
    (CreditNoteAction.VOIDED, "Credit note voided"),
]


def invoices_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """Invoices as ``GET invoices/{id}/`` returns them: three statements whatever the number of ids."""
    from tradeloom.invoicing.api.serializers import InvoiceDetailOutput

    ids = list(ids)
    invoices = (
        Invoice.objects.filter(organization=organization, pk__in=ids)
        .select_related("customer", "order", "shipment", "letter_of_credit")
        .order_by("pk")
    )
    lines: dict[Any, list[InvoiceLine]] = {}
    for line in InvoiceLine.objects.filter(invoice_id__in=ids).select_related("order").order_by("position", "id"):
        lines.setdefault(line.invoice_id, []).append(line)
    notes: dict[Any, list[CreditNote]] = {}
    for note in CreditNote.objects.filter(invoice_id__in=ids).order_by("issue_date", "created_at"):
        notes.setdefault(note.invoice_id, []).append(note)
    today = timezone.localdate()
    return {
        str(invoice.pk): InvoiceDetailOutput(
            invoice,
            context={"lines": lines.get(invoice.pk, []), "credit_notes": notes.get(invoice.pk, []), "today": today},
        ).data
        for invoice in invoices
    }


def credit_notes_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """Credit notes as their invoice's ``credit_notes`` show them (``CreditNoteOutput``): one statement."""
    from tradeloom.invoicing.api.serializers import CreditNoteOutput

    notes = CreditNote.objects.filter(organization=organization, pk__in=list(ids)).order_by("pk")
    return {str(note.pk): CreditNoteOutput(note).data for note in notes}


def register() -> None:
    for code, label in EVENT_TYPES:
        WEBHOOK_EVENT_TYPES.register(str(code), WebhookEventType(str(code), label, area=AREA))
    WEBHOOK_REPRESENTATIONS.register("invoicing.invoice", WebhookRepresentation(invoices_represent, "invoices/{id}/"))
    WEBHOOK_REPRESENTATIONS.register(
        "invoicing.creditnote",
        WebhookRepresentation(credit_notes_represent, "invoices/{invoice_id}/credit-notes/ (one of them)"),
    )

"""Credit notes: a correction of an issued invoice by an amount (tax included) up to what it still owes, with a
reason and a date (not before the invoice's). Raising one adds to the invoice's ``credited_amount`` and may settle
it (paid when nothing is outstanding); voiding one gives the amount back. Numbered ``CN-2026-00001`` by its date."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.money import cents
from tradeloom.core.numbering import number_allocate
from tradeloom.invoicing.events import CreditNoteAction, CreditNoteRaised, CreditNoteVoided, InvoiceSettled
from tradeloom.invoicing.models import CreditNote, Invoice
from tradeloom.invoicing.services.invoices import invoice_lock, today_of
from tradeloom.invoicing.services.settlement import settleable_check, settled_status


def _settle(invoice: Invoice, credited: Decimal) -> str:
    previous = invoice.status
    invoice.credited_amount = credited
    invoice.status = settled_status(invoice)
    invoice.version += 1
    invoice.save(update_fields=["credited_amount", "status", "version", "updated_at"])
    return previous


@transaction.atomic
def credit_note_create(
    *,
    organization: Any,
    by: Any,
    invoice: Invoice,
    amount: Decimal,
    reason: str,
    issue_date: datetime.date | None = None,
    expected_version: int | None = None,
) -> CreditNote:
    """Raise a credit note on an issued invoice: 0 < amount ≤ outstanding (409 ``credit_exceeds_outstanding``)."""
    invoice = invoice_lock(invoice, expected_version)
    if invoice.organization_id != organization.pk:
        raise ApplicationError("No such invoice.", code="not_found", status=404)
    settleable_check(invoice)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the invoice is credited.")
    amount = Decimal(amount)
    if not amount.is_finite() or amount <= 0 or cents(amount) != amount:
        raise field_error("amount", "The amount is above zero, in cents.")
    outstanding = invoice.outstanding
    if amount > outstanding:
        message = (
            f"{invoice.number} owes {invoice.currency} {outstanding:,.2f}; a credit note cannot take off {amount:,.2f}."
        )
        raise ApplicationError(
            message,
            code="credit_exceeds_outstanding",
            status=409,
            extra={"errors": {"amount": [message]}, "outstanding": str(outstanding)},
        )
    day = issue_date or today_of(organization)
    if day < invoice.issue_date:
        raise field_error("issue_date", f"It cannot be before the invoice's date ({invoice.issue_date:%d %b %Y}).")
    note = CreditNote(
        organization=organization,
        created_by_id=by.user_id,
        invoice=invoice,
        issue_date=day,
        amount=amount,
        reason=reason[:500],
        number=number_allocate(organization=organization, kind="credit_note", on=day),
    )
    note.save()
    previous = _settle(invoice, invoice.credited_amount + amount)
    audit_record(
        actor=by,
        action=CreditNoteAction.CREATED,
        target=note,
        changes={
            "number": [None, note.number],
            "invoice": [None, invoice.number],
            "amount": [None, str(amount)],
            "reason": [None, note.reason],
        },
    )
    publish(CreditNoteRaised(credit_note=note, by=by))
    publish(InvoiceSettled(invoice=invoice, previous_status=previous, by=by))
    return note


@transaction.atomic
def credit_note_void(*, credit_note: CreditNote, by: Any, reason: str) -> CreditNote:
    """Void an issued credit note, with a reason: its amount is owed on the invoice again. It keeps its number."""
    invoice = invoice_lock(credit_note.invoice)
    note = CreditNote.objects.select_for_update().get(pk=credit_note.pk)
    if note.status != CreditNote.Status.ISSUED:
        raise ApplicationError(f"{note.number} is void already.", code="invalid_transition", status=409)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the credit note is void.")
    note.status = CreditNote.Status.VOID
    note.void_reason = reason[:500]
    note.version += 1
    note.save()
    previous = _settle(invoice, invoice.credited_amount - note.amount)
    audit_record(
        actor=by,
        action=CreditNoteAction.VOIDED,
        target=note,
        changes={"status": [CreditNote.Status.ISSUED, CreditNote.Status.VOID], "reason": [None, note.void_reason]},
    )
    publish(CreditNoteVoided(credit_note=note, by=by))
    publish(InvoiceSettled(invoice=invoice, previous_status=previous, by=by))
    return note

"""An invoice's settlement: how much of it is paid (the receivables floor's allocations, through
``invoice_paid_set``) and credited (credit notes), and the status those figures give it:

    outstanding = total - paid - credited;  0 → paid;  else paid > 0 → partly_paid;  else issued

(``states``: partly_paid and paid are never chosen, only reached).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError
from tradeloom.invoicing import states
from tradeloom.invoicing.events import InvoiceAction, InvoiceSettled
from tradeloom.invoicing.models import Invoice

ZERO = Decimal(0)


def settled_status(invoice: Invoice) -> str:
    """The status an issued invoice's figures give it."""
    if invoice.total - invoice.paid_amount - invoice.credited_amount <= 0:
        return states.PAID
    if invoice.paid_amount > 0:
        return states.PARTLY_PAID
    return states.ISSUED


def _not_settleable(invoice: Invoice) -> ApplicationError:
    return ApplicationError(
        f"{invoice.number} is {invoice.get_status_display().lower()}: only an issued invoice takes payments and "
        "credit notes.",
        code="invoice_not_issued",
        status=409,
        extra={"invoice_status": invoice.status},
    )


def settleable_check(invoice: Invoice) -> None:
    if invoice.status not in states.SETTLEABLE:
        raise _not_settleable(invoice)


def invoice_paid_set(*, organization: Any, by: Any, invoice: Invoice, paid_amount: Decimal) -> Invoice:
    """Set what has been paid on ``invoice`` (the sum of its allocations; the caller has locked it with
    ``select_for_update`` in its transaction): 0 ≤ paid ≤ total - credited, else 409 ``over_allocation``; the status
    follows the figures (issued ↔ partly_paid ↔ paid). Audited as ``invoice.paid_set``; publishes
    ``InvoiceSettled``."""
    if invoice.organization_id != organization.pk:
        raise ApplicationError("No such invoice.", code="not_found", status=404)
    settleable_check(invoice)
    paid = Decimal(paid_amount)
    room = invoice.total - invoice.credited_amount
    if paid < 0 or paid > room:
        raise ApplicationError(
            f"{invoice.number} can take {invoice.currency} {room:,.2f} in payments (its total less its credit notes); "
            f"{paid:,.2f} is {'below zero' if paid < 0 else 'more'}.",
            code="over_allocation",
            status=409,
            extra={"invoice": str(invoice.pk), "payable": str(room), "paid_amount": str(paid)},
        )
    if paid == invoice.paid_amount:
        return invoice
    previous_status, previous_paid = invoice.status, invoice.paid_amount
    invoice.paid_amount = paid
    invoice.status = settled_status(invoice)
    invoice.version += 1
    invoice.save(update_fields=["paid_amount", "status", "version", "updated_at"])
    changes: dict[str, list[Any]] = {"paid_amount": [str(previous_paid), str(paid)]}
    if invoice.status != previous_status:
        changes["status"] = [previous_status, invoice.status]
    audit_record(actor=by, action=InvoiceAction.PAID_SET, target=invoice, changes=changes)
    publish(InvoiceSettled(invoice=invoice, previous_status=previous_status, by=by))
    return invoice

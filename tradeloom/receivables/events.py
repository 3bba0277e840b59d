"""What the receivables app records and announces: its audit actions and its domain events (docs/events.md).

A payment's own edits (date, rate, method, reference, charges, notes) are its record verb ``payment.updated``
(``records.services``' catalogue); its recording, allocations and voiding are the actions below, targeting the
payment. An owner's or admin's confirmation of an order beyond the customer's credit limit is audited on the order
(``sales_order.credit_limit_overridden``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.receivables.models import Allocation, Payment


class PaymentAction(Action):
    CREATED = "payment.created"
    ALLOCATED = "payment.allocated"
    UNALLOCATED = "payment.unallocated"
    VOIDED = "payment.voided"


class OrderCreditAction(Action):
    CREDIT_LIMIT_OVERRIDDEN = "sales_order.credit_limit_overridden"


def _created(t: Told) -> str:
    t.value("number")
    amount = f" of {t.value('currency')} {t.value('amount')}" if t.has("amount") and t.has("currency") else ""
    return f"{t.actor} recorded {t.target}{amount}"


def _allocated(verb: str, preposition: str) -> Any:
    def sentence(t: Told) -> str:
        amount = f" {t.value('amount')}" if t.has("amount") else ""
        invoice = f" {preposition} {t.value('invoice')}" if t.has("invoice") else ""
        return f"{t.actor} {verb}{amount} of {t.target}{invoice}"

    return sentence


def _voided(t: Told) -> str:
    reason = f": “{t.value('reason')}”" if t.has("reason") else ""
    return f"{t.actor} voided {t.target}{reason}"


def _overridden(t: Told) -> str:
    reason = f": “{t.value('reason')}”" if t.has("reason") else ""
    return f"{t.actor} confirmed {t.target} beyond the customer's credit limit{reason}"


sentences_register(
    {
        PaymentAction.CREATED: _created,
        PaymentAction.ALLOCATED: _allocated("allocated", "to"),
        PaymentAction.UNALLOCATED: _allocated("took back", "from"),
        PaymentAction.VOIDED: _voided,
        OrderCreditAction.CREDIT_LIMIT_OVERRIDDEN: _overridden,
    },
    fields={
        "reason": Field(label="Reason", plain=True),
        "invoice": Field(label="Invoice", plain=True),
        "amount": Field(label="Amount", number=True, plain=True),
        "currency": Field(label="Currency", plain=True),
        "exposure": Field(label="Exposure", number=True, plain=True),
        "limit": Field(label="Credit limit", number=True, plain=True),
        "fx_difference": Field(label="Exchange difference", number=True, plain=True),
        "allocated_amount": Field(label="Allocated", number=True, plain=True),
    },
)


# --- domain events ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PaymentRecorded(Event):
    """A payment was recorded (with the allocations made in the same request), in the recording transaction."""

    name = "receivables.payment_recorded"
    payment: Payment
    allocations: list[Allocation]
    by: Any


@dataclass(frozen=True, kw_only=True)
class PaymentAllocated(Event):
    """A payment's allocations changed (allocated or taken back): ``invoices`` are the invoices whose paid amounts
    moved, already saved through ``invoicing.services.settlement.invoice_paid_set``."""

    name = "receivables.payment_allocated"
    payment: Payment
    invoices: list[Any]
    by: Any


@dataclass(frozen=True, kw_only=True)
class PaymentVoided(Event):
    """A payment was voided: its allocations were given back to their invoices (``invoices``)."""

    name = "receivables.payment_voided"
    payment: Payment
    invoices: list[Any]
    by: Any

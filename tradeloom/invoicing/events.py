"""What the invoicing app records and announces: its audit actions and its domain events (docs/events.md).

A draft invoice's header edits are its record verb ``invoice.updated``; making it is ``invoice.created``; every other
change is one of the actions below, targeting the invoice (issue, void, its due date set by a shipment event, its
settlement) or a credit note (raised: the record verb ``credit_note.created``; voided).

The domain events are what later floors subscribe to (receivables: ageing and statements read the invoices; the
notifications and webhooks floors tell people).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.invoicing import states
from tradeloom.invoicing.models import CreditNote, Invoice


class InvoiceAction(Action):
    CREATED = "invoice.created"
    ISSUED = "invoice.issued"
    VOIDED = "invoice.voided"
    DUE_DATE_SET = "invoice.due_date_set"
    PAID_SET = "invoice.paid_set"


class CreditNoteAction(Action):
    CREATED = "credit_note.created"
    VOIDED = "credit_note.voided"


def _reason(t: Told) -> str:
    return f": “{t.value('reason')}”" if t.has("reason") else ""


def _created(t: Told) -> str:
    t.value("number")
    t.value("status")
    lines = t.raw("lines")
    what = f" of {lines} line{'s' if lines != 1 else ''}" if lines is not None else ""
    source = f" from {t.value('source')}" if t.has("source") else ""
    total = f" ({t.value('total')})" if t.has("total") else ""
    return f"{t.actor} drafted {t.target}{what}{source}{total}"


def _issued(t: Told) -> str:
    t.value("status")
    due = f", due {t.value('due_date')}" if t.has("due_date") else ""
    return f"{t.actor} issued {t.target}{due}"


def _voided(t: Told) -> str:
    t.value("status")
    return f"{t.actor} voided {t.target}{_reason(t)}"


def _due_date_set(t: Told) -> str:
    due = f" to {t.value('due_date')}" if t.has("due_date") else ""
    basis = f" (counted from {t.value('basis_date')})" if t.has("basis_date") else ""
    return f"{t.actor} set the due date of {t.target}{due}{basis}"


def _paid_set(t: Told) -> str:
    paid = f" to {t.value('paid_amount')}" if t.has("paid_amount") else ""
    return f"{t.actor} set the amount paid on {t.target}{paid}"


def _credit_created(t: Told) -> str:
    t.value("number")
    amount = f" of {t.value('amount')}" if t.has("amount") else ""
    invoice = f" on {t.value('invoice')}" if t.has("invoice") else ""
    return f"{t.actor} raised {t.target}{amount}{invoice}{_reason(t)}"


def _credit_voided(t: Told) -> str:
    t.value("status")
    return f"{t.actor} voided {t.target}{_reason(t)}"


sentences_register(
    {
        InvoiceAction.CREATED: _created,
        InvoiceAction.ISSUED: _issued,
        InvoiceAction.VOIDED: _voided,
        InvoiceAction.DUE_DATE_SET: _due_date_set,
        InvoiceAction.PAID_SET: _paid_set,
        CreditNoteAction.CREATED: _credit_created,
        CreditNoteAction.VOIDED: _credit_voided,
    },
    fields={
        "status": Field(values=states.LABELS),
        "reason": Field(label="Reason", plain=True),
        "source": Field(label="Made from", plain=True),
        "invoice": Field(label="Invoice", plain=True),
        "total": Field(label="Total", money=True),
        "amount": Field(label="Amount", money=True),
        "paid_amount": Field(label="Paid", money=True),
        "credited_amount": Field(label="Credited", money=True),
        "due_date": Field(label="Due date"),
        "basis_date": Field(label="Counted from"),
        "lines": Field(label="Lines", number=True),
        "utilisation": Field(hidden=True),
    },
)


# --- domain events ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class InvoiceIssued(Event):
    """An invoice was issued (its number, amounts, rate and due date are fixed), in the issuing transaction."""

    name = "invoicing.invoice_issued"
    invoice: Invoice
    by: Any


@dataclass(frozen=True, kw_only=True)
class InvoiceVoided(Event):
    """An invoice was voided (it keeps its number; ``invoice.status_reason`` says why)."""

    name = "invoicing.invoice_voided"
    invoice: Invoice
    previous_status: str
    by: Any


@dataclass(frozen=True, kw_only=True)
class InvoiceSettled(Event):
    """An invoice's paid or credited amount changed (a payment's allocation, a credit note raised or voided): its
    outstanding and maybe its status moved (``previous_status``)."""

    name = "invoicing.invoice_settled"
    invoice: Invoice
    previous_status: str
    by: Any


@dataclass(frozen=True, kw_only=True)
class CreditNoteRaised(Event):
    name = "invoicing.credit_note_raised"
    credit_note: CreditNote
    by: Any


@dataclass(frozen=True, kw_only=True)
class CreditNoteVoided(Event):
    name = "invoicing.credit_note_voided"
    credit_note: CreditNote
    by: Any

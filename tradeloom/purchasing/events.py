"""What the purchasing app records and announces: its audit actions and its domain events (docs/events.md).

Every change targets the purchase order it concerns (its timeline is the PO's events): a draft's edits are its record
verb ``purchase_order.updated``; making it is ``purchase_order.created``; its moves, amendments and receipts are the
actions below.

The domain events are what later floors subscribe to (notifications and webhooks tell people; documents print POs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.purchasing import states
from tradeloom.purchasing.models import Amendment, PurchaseOrder, Receipt


class PurchaseOrderAction(Action):
    CREATED = "purchase_order.created"
    SUBMITTED = "purchase_order.submitted"
    APPROVED = "purchase_order.approved"
    REJECTED = "purchase_order.rejected"
    CANCELLED = "purchase_order.cancelled"
    AMENDED = "purchase_order.amended"
    RECEIPT_RECORDED = "purchase_order.receipt_recorded"
    RECEIPT_CANCELLED = "purchase_order.receipt_cancelled"


# --- how the actions read (audit.sentences) -------------------------------------------------------------------------


def _reason(t: Told) -> str:
    return f": “{t.value('reason')}”" if t.has("reason") else ""


def _created(t: Told) -> str:
    t.value("number")
    t.value("status")
    lines = t.raw("lines")
    what = f" with {lines} line{'s' if lines != 1 else ''}" if lines is not None else ""
    source = f" from {t.value('source')}" if t.has("source") else ""
    total = f" ({t.value('total')})" if t.has("total") else ""
    return f"{t.actor} drafted {t.target}{what}{source}{total}"


def _submitted(t: Told) -> str:
    status = t.raw("status")
    base = f" ({t.value('base_total')} in the base currency)" if t.has("base_total") else ""
    if status == states.APPROVED:
        limit = f" of {t.value('limit')}" if t.has("limit") else ""
        return f"{t.actor} submitted {t.target}{base}; it was approved at once, within the approval limit{limit}"
    limit = f" above the approval limit of {t.value('limit')}" if t.has("limit") else ""
    return f"{t.actor} submitted {t.target} for approval{base}{limit}"


def _approved(t: Told) -> str:
    t.value("status")
    total = f" ({t.value('total')})" if t.has("total") else ""
    return f"{t.actor} approved {t.target}{total}"


def _rejected(t: Told) -> str:
    t.value("status")
    return f"{t.actor} sent {t.target} back to draft{_reason(t)}"


def _cancelled(t: Told) -> str:
    t.value("status")
    return f"{t.actor} cancelled {t.target}{_reason(t)}"


def _amended(t: Told) -> str:
    revision = f" (revision {t.value('revision')})" if t.has("revision") else ""
    total = f", total {t.value('total').old} → {t.value('total')}" if t.has("total") else ""
    again = "; it needs approval again" if t.raw("status") == states.SUBMITTED else ""
    return f"{t.actor} amended {t.target}{revision}{total}{again}{_reason(t)}"


def _receipt_recorded(t: Told) -> str:
    receipt = f" {t.value('receipt')}" if t.has("receipt") else ""
    quantity = (
        f" ({t.value('quantity')} over {t.raw('lines')} line{'s' if t.raw('lines') != 1 else ''})"
        if t.has("quantity")
        else ""
    )
    t.value("lines")
    t.value("status")
    return f"{t.actor} recorded the receipt{receipt} of goods on {t.target}{quantity}"


def _receipt_cancelled(t: Told) -> str:
    receipt = f" {t.value('receipt')}" if t.has("receipt") else ""
    t.value("status")
    return f"{t.actor} cancelled the receipt{receipt} on {t.target}; its stock was reversed{_reason(t)}"


sentences_register(
    {
        PurchaseOrderAction.CREATED: _created,
        PurchaseOrderAction.SUBMITTED: _submitted,
        PurchaseOrderAction.APPROVED: _approved,
        PurchaseOrderAction.REJECTED: _rejected,
        PurchaseOrderAction.CANCELLED: _cancelled,
        PurchaseOrderAction.AMENDED: _amended,
        PurchaseOrderAction.RECEIPT_RECORDED: _receipt_recorded,
        PurchaseOrderAction.RECEIPT_CANCELLED: _receipt_cancelled,
    },
    fields={
        "status": Field(values=states.LABELS),
        "reason": Field(label="Reason", plain=True),
        "source": Field(label="Raised from", plain=True),
        "revision": Field(label="Revision", number=True),
        "total": Field(label="Total", plain=True),
        "base_total": Field(label="Total in base currency", plain=True),
        "limit": Field(label="Approval limit", plain=True),
        "lines": Field(label="Lines", number=True),
        "line_changes": Field(label="Lines", plain=True),
        "receipt": Field(label="Receipt", plain=True),
        "quantity": Field(label="Quantity", number=True),
        "warehouse": Field(label="Warehouse", plain=True),
        "changes": Field(label="Changes", hidden=True),
    },
)


# --- domain events ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderCreated(Event):
    """A draft PO was made (by hand or back to back from sales-order lines), in the creating transaction."""

    name = "purchasing.purchase_order_created"
    purchase_order: PurchaseOrder
    by: Any


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderMoved(Event):
    """Base of a status move: the PO (with its new status), the status it left and who moved it."""

    name = "purchasing.purchase_order_moved"
    purchase_order: PurchaseOrder
    previous_status: str
    by: Any


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderSubmitted(PurchaseOrderMoved):
    """The PO was submitted: ``purchase_order.status`` is submitted (it waits for approval) or approved (within the
    limit)."""

    name = "purchasing.purchase_order_submitted"


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderApproved(PurchaseOrderMoved):
    """A manager, owner or admin approved the PO (``approved_by``): it may go to the supplier."""

    name = "purchasing.purchase_order_approved"


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderRejected(PurchaseOrderMoved):
    """The approver sent the PO back to draft (``status_reason`` says why)."""

    name = "purchasing.purchase_order_rejected"


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderCancelled(PurchaseOrderMoved):
    """The PO was cancelled (``status_reason`` says why)."""

    name = "purchasing.purchase_order_cancelled"


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderAmended(Event):
    """An approved PO was amended (``amendment``: revision, changes, reason); ``purchase_order.status`` is submitted
    when the new total needs approval again."""

    name = "purchasing.purchase_order_amended"
    purchase_order: PurchaseOrder
    amendment: Amendment
    previous_status: str
    by: Any


@dataclass(frozen=True, kw_only=True)
class GoodsReceived(Event):
    """Goods were received against the PO (``receipt`` and its lines; stock moves written for lines with an item)."""

    name = "purchasing.goods_received"
    purchase_order: PurchaseOrder
    receipt: Receipt
    by: Any


@dataclass(frozen=True, kw_only=True)
class ReceiptCancelled(Event):
    """A receipt was cancelled: its stock moves reversed, the PO's received quantities and status moved back."""

    name = "purchasing.receipt_cancelled"
    purchase_order: PurchaseOrder
    receipt: Receipt
    by: Any

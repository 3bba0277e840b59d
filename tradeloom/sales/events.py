"""What the sales app records and announces: its audit actions and its domain events (docs/events.md).

The orders' record verbs (``sales_order.updated`` …) come from ``records.services``; the actions below are the
order's own moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tradeloom.audit import formats
from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.sales.models import Line, Order, Task


class OrderAction(Action):
    CREATED = "sales_order.created"
    MERGED = "sales_order.merged"
    STAGE_CHANGED = "sales_order.stage_changed"
    DELETION_REQUESTED = "sales_order.deletion_requested"
    DELETION_APPROVED = "sales_order.deletion_approved"
    DELETION_DECLINED = "sales_order.deletion_declined"
    RESTORED = "sales_order.restored"
    CONFIRMED = "sales_order.confirmed"
    CANCELLED = "sales_order.cancelled"


class LineAction(Action):
    UPDATED = "sales_line.updated"
    STATUS_CHANGED = "sales_line.status_changed"
    DELIVERY_RECORDED = "sales_line.delivery_recorded"
    DELIVERY_CORRECTED = "sales_line.delivery_corrected"
    DELIVERY_REVERSED = "sales_line.delivery_reversed"
    OVER_DELIVERY_ALLOWED = "sales_line.over_delivery_allowed"
    OFFER_ACCEPTED = "sales_line.offer_accepted"


class MillOfferAction(Action):
    CREATED = "mill_offer.created"


class TaskAction(Action):
    CREATED = "sales_task.created"
    UPDATED = "sales_task.updated"
    ASSIGNED = "sales_task.assigned"


class NoteAction(Action):
    CREATED = "sales_note.created"
    EDITED = "sales_note.edited"


# --- how the actions read (audit.sentences) -------------------------------------------------------------------------


def _order_created(t: Told) -> str:
    t.value("number")
    po = f" (PO {t.value('po_number')})" if t.has("po_number") else ""
    status = t.raw("status")
    t.value("status")
    what = "a draft, " if status == "draft" else ""
    confirmed = f", confirmed{_worth(t)}{_reason(t)}" if status == "open" else ""
    if t.raw("styles") is None and t.raw("lines") is None:
        return f"{t.actor} created {what}{t.target}{po}{confirmed}"
    styles, lines = formats.count(t.raw("styles"), "style"), formats.count(t.raw("lines"), "line")
    return f"{t.actor} created {what}{t.target}{po} with {styles} and {lines}{confirmed}"


def _order_merged(t: Told) -> str:
    added = " and ".join(
        formats.count(t.raw(k), noun) for k, noun in (("styles_added", "style"), ("lines_added", "line"))
    )
    increased = t.raw("lines_increased")
    more = f", {formats.count(increased, 'line')} increased" if increased else ""
    if t.raw("styles_added") is None and t.raw("lines_added") is None:
        return f"{t.actor} merged a repeated PO into {t.target}"
    return f"{t.actor} merged a repeated PO into {t.target}: {added} added{more}"


def _worth(t: Told) -> str:
    """`` (USD 6,662.50)``: a confirmation's total incl. tax."""
    currency = t.raw("currency")
    return f" ({currency} {t.value('amount')})" if t.has("amount") and currency else ""


def _order_confirmed(t: Told) -> str:
    t.value("status")
    return f"{t.actor} confirmed the draft {t.target}{_worth(t)}{_reason(t)}"


def _moved(key: str, *, lower: bool = False) -> Callable[[Told], str]:
    """``Ann moved NAVY from upcoming to in development``."""

    def sentence(t: Told) -> str:
        value = t.value(key)
        old, new = (value.old.lower(), value.new.lower()) if lower else (value.old, value.new)
        if not new:
            return f"{t.actor} changed the {key} of {t.target}"
        return f"{t.actor} moved {t.target} " + (f"from {old} to {new}" if old else f"to {new}")

    return sentence


def _delivered(t: Told) -> str:
    value, unit = t.value("delivered_quantity"), t.part("unit")
    if not value:
        return ""
    return f": delivered {value.old or '0'} → {value.new}{' ' + unit if unit else ''}"


def _reason(t: Told) -> str:
    return f", because “{t.value('reason')}”" if t.has("reason") else ""


def _delivery(verb: str) -> Callable[[Told], str]:
    def sentence(t: Told) -> str:
        t.value("delivery")
        return f"{t.actor} {verb} a delivery for {t.target}{_delivered(t)}{_reason(t)}"

    return sentence


def _over_delivery(t: Told) -> str:
    unit = f" {t.part('unit')}" if t.part("unit") else ""
    delivered = f": {t.value('delivered_quantity').new}{unit}" if t.has("delivered_quantity") else ""
    limit = f" (the tolerance allows {t.value('limit')}{unit})" if t.has("limit") else ""
    return f"{t.actor} allowed {t.target} to be delivered beyond its tolerance{delivered}{limit}{_reason(t)}"


def _offer_accepted(t: Told) -> str:
    supplier, price = t.value("supplier"), t.value("mill_price")
    before = [part for part in (supplier.old, f"at {price.old}" if price.old else "") if part]
    was = f" (before: {' '.join(before)})" if before else ""
    at = f" at {price.new}" if price.new else ""
    return f"{t.actor} accepted {formats.possessive(supplier.new or 'a mill')} offer for {t.target}{at}{was}"


def _offer_created(t: Told) -> str:
    line = t.part("line", "a line")
    price = f" at {t.part('currency')} {t.value('price')}".replace("  ", " ") if t.has("price") else ""
    return (
        f"{t.actor} recorded {formats.possessive(t.value('supplier').new or 'a mill')} offer for {line}{t.place}{price}"
    )


def _task(verb: str) -> Callable[[Told], str]:
    def sentence(t: Told) -> str:
        if verb == "added" and t.has("title"):
            text = f"{t.actor} added the task “{t.value('title')}”{t.place}"
        else:
            text = f"{t.actor} {verb} {t.called('task', quoted=True)}{t.place}"
        if verb == "added" and t.has("assignee"):
            text += f", assigned to {t.value('assignee')}"
        return text

    return sentence


def _task_assigned(t: Told) -> str:
    assignee, task = t.value("assignee"), t.called("task", quoted=True)
    if not assignee.new:
        return f"{t.actor} unassigned {task}{t.place}" + (f" from {assignee.old}" if assignee.old else "")
    return f"{t.actor} assigned {task}{t.place} to {assignee.new}"


def _note_created(t: Told) -> str:
    category = t.value("category").new.lower() or "general"
    backdated = " (backdated)" if t.raw("backdated") else ""
    dated = f" dated {t.value('effective_date')}" if t.has("effective_date") else ""
    return f"{t.actor} added {formats.an(category)} note{t.place}{dated}{backdated}"


sentences_register(
    {
        OrderAction.CREATED: _order_created,
        OrderAction.MERGED: _order_merged,
        OrderAction.STAGE_CHANGED: _moved("stage"),
        OrderAction.DELETION_REQUESTED: lambda t: (
            f"{t.actor} asked to delete {t.target}" + (f": “{t.value('reason')}”" if t.has("reason") else "")
        ),
        OrderAction.DELETION_APPROVED: "{actor} approved deleting {target}",
        OrderAction.DELETION_DECLINED: "{actor} declined deleting {target}",
        OrderAction.RESTORED: "{actor} restored {target}",
        OrderAction.CONFIRMED: _order_confirmed,
        OrderAction.CANCELLED: "{actor} cancelled the draft {target}",
        LineAction.UPDATED: "{actor} changed {target}",
        LineAction.STATUS_CHANGED: _moved("status", lower=True),
        LineAction.DELIVERY_RECORDED: _delivery("recorded"),
        LineAction.DELIVERY_CORRECTED: _delivery("corrected"),
        LineAction.DELIVERY_REVERSED: _delivery("reversed"),
        LineAction.OVER_DELIVERY_ALLOWED: _over_delivery,
        LineAction.OFFER_ACCEPTED: _offer_accepted,
        MillOfferAction.CREATED: _offer_created,
        TaskAction.CREATED: _task("added"),
        TaskAction.UPDATED: _task("changed"),
        TaskAction.ASSIGNED: _task_assigned,
        NoteAction.CREATED: _note_created,
        NoteAction.EDITED: lambda t: f"{t.actor} edited a note{t.place}",
    },
    fields={
        "delivery": Field(refers_to="sales.delivery"),
        "unit": Field(label="Unit", plain=True),  # a delivery's unit, as its code
        "limit": Field(label="Tolerance limit", number=True),
        "reason": Field(label="Reason", plain=True),
        "note": Field(label="Note", plain=True),
        "decision_note": Field(label="Decision note", plain=True),
        "backdated": Field(hidden=True),
        "amount": Field(label="Amount", number=True),
        "warnings": Field(label="Warnings", plain=True),
    },
)


@dataclass(frozen=True, kw_only=True)
class LinesCreated(Event):
    """Lines were added to an order (a new order, or a merge), in the creating transaction."""

    name = "sales.lines_created"
    order: Order
    lines: list[Line]
    by: Any  # the acting Membership


@dataclass(frozen=True, kw_only=True)
class LineStatusChanging(Event):
    """Lines are about to move to ``status`` (all or nothing); a subscriber refuses the move by raising
    ``ApplicationError``. ``override_reason`` is what an owner or admin gave to pass a rule."""

    name = "sales.line_status_changing"
    lines: list[Line]
    status: str
    by: Any  # the acting Membership
    override_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderConfirming(Event):
    """An order is being confirmed — created as confirmed (``order_create``) or a draft confirmed
    (``order_confirm``) — in that transaction, before anything is audited. ``amount`` is its total incl. tax
    (``None`` when a line has no selling price), in ``currency``. A subscriber (receivables: the credit-limit check)
    appends to ``warnings`` what the member should read — the service returns them to the API and the page — or
    refuses by raising ``ApplicationError``: then nothing is written. ``override_reason`` is what an owner or admin
    gave to pass a rule."""

    name = "sales.order_confirming"
    order: Order
    amount: Decimal | None
    currency: str
    by: Any  # the acting Membership
    warnings: list[str] = field(default_factory=list)
    override_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class TaskAssigned(Event):
    """A task was given to a member (created with an assignee, or reassigned) by someone else: assigning yourself
    publishes nothing. In the assigning transaction."""

    name = "sales.task_assigned"
    task: Task
    assignee: Any  # the Membership now assigned
    by: Any  # the acting Membership

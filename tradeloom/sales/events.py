"""What the sales app records and announces: its audit actions and its domain events (docs/events.md).

The orders' record verbs (``sales_order.updated`` …) come from ``records.services``; the actions below are the
order's own moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.core.events import Event
from tradeloom.sales.models import Line, Order


class OrderAction(Action):
    CREATED = "sales_order.created"
    MERGED = "sales_order.merged"
    STAGE_CHANGED = "sales_order.stage_changed"
    DELETION_REQUESTED = "sales_order.deletion_requested"
    DELETION_APPROVED = "sales_order.deletion_approved"
    DELETION_DECLINED = "sales_order.deletion_declined"
    RESTORED = "sales_order.restored"


class LineAction(Action):
    UPDATED = "sales_line.updated"
    STATUS_CHANGED = "sales_line.status_changed"
    DELIVERY_RECORDED = "sales_line.delivery_recorded"
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

"""A shipment's status moves (``states.ACTIONS``): depart, arrive, deliver, return, cancel. Each locks the shipment,
checks the move against the table and its date or reason, records it, gives the lines' quantities back when the
goods do not reach the buyer (cancelled, returned), audits and publishes its event — in one transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.logistics import states
from tradeloom.logistics.events import (
    ShipmentAction,
    ShipmentArrived,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentDeparted,
    ShipmentMoved,
    ShipmentReturned,
)
from tradeloom.logistics.models import Shipment, ShipmentLine
from tradeloom.logistics.services.shipments import shipment_lock
from tradeloom.sales.shipping import lines_for_shipping, lines_shipping_move

EVENTS: dict[str, tuple[type[ShipmentMoved], str]] = {
    states.DEPART: (ShipmentDeparted, ShipmentAction.DEPARTED),
    states.ARRIVE: (ShipmentArrived, ShipmentAction.ARRIVED),
    states.DELIVER: (ShipmentDelivered, ShipmentAction.DELIVERED),
    states.RETURN: (ShipmentReturned, ShipmentAction.RETURNED),
    states.CANCEL: (ShipmentCancelled, ShipmentAction.CANCELLED),
}
# the date each move records, and the date it may not be before
DATES: dict[str, tuple[str, str]] = {
    states.DEPART: ("departed_on", ""),
    states.ARRIVE: ("arrived_on", "departed_on"),
    states.DELIVER: ("delivered_on", "arrived_on"),
}
EARLIER = {"departed_on": "the departure", "arrived_on": "the arrival"}


def _refuse(shipment: Shipment, action: str) -> ApplicationError:
    offered = [t.action for t in states.actions_from(shipment.status)]
    can = f"it can {', '.join(offered)}" if offered else "it is final"
    what = action if action in states.ACTIONS else f"take “{action}”"
    return ApplicationError(
        f"{shipment.number} is {shipment.get_status_display().lower()}: it cannot {what} ({can}).",
        code="invalid_transition",
        status=409,
        extra={"shipment_status": shipment.status, "allowed": offered},
    )


@transaction.atomic
def shipment_move(
    *,
    shipment: Shipment,
    action: str,
    by: Any,
    on: datetime.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Shipment:
    """Move ``shipment`` by ``action``. Departure, arrival and delivery record their day (default today; not in the
    future, not before the previous one); return and cancellation need a reason."""
    shipment = shipment_lock(shipment, expected_version)
    transition = states.ACTIONS.get(action)
    if transition is None or not shipment.can(action):
        raise _refuse(shipment, action)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise field_error("reason", f"Say why the shipment is {states.LABELS[transition.target].lower()}.")
    changes: dict[str, list[Any]] = {"status": [shipment.status, transition.target]}
    if action in DATES:
        field, after = DATES[action]
        day = on or timezone.localdate()
        if day > timezone.localdate():
            raise field_error("on", "This day has not come yet: record it when it happens.")
        earlier = getattr(shipment, after) if after else None
        if earlier and day < earlier:
            raise field_error("on", f"It cannot be before {EARLIER[after]} ({earlier:%d %b %Y}).")
        setattr(shipment, field, day)
        changes[field] = [None, day.isoformat()]
    if reason:
        shipment.status_reason = reason
        changes["reason"] = [None, reason]
    previous = shipment.status
    shipment.status = transition.target
    shipment.version += 1
    shipment.save()
    rows = list(ShipmentLine.objects.filter(shipment=shipment))
    if transition.target not in states.COUNTS_AS_SHIPPED:  # the goods do not reach the buyer: the balance is back
        lines_for_shipping(r.line_id for r in rows)
        lines_shipping_move(shipped={r.line_id: -Decimal(r.quantity) for r in rows})
    event, audit_action = EVENTS[action]
    audit_record(actor=by, action=audit_action, target=shipment, changes=changes)
    publish(event(shipment=shipment, previous_status=previous, lines=rows, by=by))
    return shipment

"""A shipment's statuses and the actions that move it: the transitions table every page, API action and service
reads. Nothing sets a status except these actions (``services.transitions``).

    action    from                      to          records
    depart    booked                    in_transit  the actual departure date
    arrive    in_transit                arrived     the actual arrival date
    deliver   arrived                   delivered   the day the buyer received it: the lines' delivered-to-buyer
    return    in_transit, arrived       returned    a reason; its quantities go back to the lines' balances
    cancel    booked                    cancelled   a reason; its quantities go back to the lines' balances

Delivered, returned and cancelled are final. A shipment that has left cannot be cancelled (it is returned).
"""

from __future__ import annotations

from dataclasses import dataclass

BOOKED = "booked"
IN_TRANSIT = "in_transit"
ARRIVED = "arrived"
DELIVERED = "delivered"
RETURNED = "returned"
CANCELLED = "cancelled"

STATUSES = [
    (BOOKED, "Booked"),
    (IN_TRANSIT, "In transit"),
    (ARRIVED, "Arrived"),
    (DELIVERED, "Delivered"),
    (RETURNED, "Returned"),
    (CANCELLED, "Cancelled"),
]
LABELS = dict(STATUSES)
FINAL = frozenset({DELIVERED, RETURNED, CANCELLED})
# under way: not yet delivered, returned or cancelled
UNDER_WAY = frozenset({BOOKED, IN_TRANSIT, ARRIVED})
# the statuses whose lines count as shipped (cancelled and returned shipments give their quantities back)
COUNTS_AS_SHIPPED = frozenset({BOOKED, IN_TRANSIT, ARRIVED, DELIVERED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


DEPART, ARRIVE, DELIVER, RETURN, CANCEL = "depart", "arrive", "deliver", "return", "cancel"

ACTIONS: dict[str, Transition] = {
    DEPART: Transition(DEPART, "Mark departed", frozenset({BOOKED}), IN_TRANSIT),
    ARRIVE: Transition(ARRIVE, "Mark arrived", frozenset({IN_TRANSIT}), ARRIVED),
    DELIVER: Transition(DELIVER, "Mark delivered", frozenset({ARRIVED}), DELIVERED),
    RETURN: Transition(RETURN, "Mark returned", frozenset({IN_TRANSIT, ARRIVED}), RETURNED, needs_reason=True),
    CANCEL: Transition(CANCEL, "Cancel shipment", frozenset({BOOKED}), CANCELLED, needs_reason=True),
}

# status → the statuses an action may take it to (derived from ACTIONS; docs and tests read it)
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(t.target for t in ACTIONS.values() if status in t.sources) for status, _ in STATUSES
}


def can(status: str, action: str) -> bool:
    transition = ACTIONS.get(action)
    return transition is not None and status in transition.sources


def actions_from(status: str) -> list[Transition]:
    """The actions a shipment in ``status`` offers, in table order."""
    return [t for t in ACTIONS.values() if status in t.sources]


# ETD and ETA may be revised until the goods arrive; the ETD only before departure.
REVISABLE = frozenset({BOOKED, IN_TRANSIT})
# lines and containers change while the shipment is booked (containers also in transit: numbers arrive late)
LINES_EDITABLE = frozenset({BOOKED})
CONTAINERS_EDITABLE = frozenset({BOOKED, IN_TRANSIT})

BADGES = {
    BOOKED: "badge-blue",
    IN_TRANSIT: "badge-amber",
    ARRIVED: "badge-brand",
    DELIVERED: "badge-green",
    RETURNED: "badge-red",
    CANCELLED: "badge-gray",
}

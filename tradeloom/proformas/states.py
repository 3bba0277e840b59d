"""A proforma invoice's statuses and the actions that move it: the transitions table every page, API action and
service reads. Nothing sets a status except these actions (``services.transitions``) and a revision
(``services.revisions``, which supersedes the revision it replaces).

    action    from                      to          records
    send      draft                     sent        the day it was sent (``sent_on``)
    accept    sent                      accepted    the buyer's acceptance: date, buyer's reference, who recorded it;
                                                    the accepted PIs of the order stay within its value + tolerance
    cancel    draft, sent, accepted     cancelled   a reason
    (revise)  sent, accepted            superseded  a new revision (same number, revision + 1) is made as a draft

Cancelled and superseded are final. A draft is edited in place (with If-Match); a sent or accepted PI is revised.
Only the latest revision of a number moves (a superseded one is read-only history).
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
SENT = "sent"
ACCEPTED = "accepted"
CANCELLED = "cancelled"
SUPERSEDED = "superseded"

STATUSES = [
    (DRAFT, "Draft"),
    (SENT, "Sent"),
    (ACCEPTED, "Accepted"),
    (CANCELLED, "Cancelled"),
    (SUPERSEDED, "Superseded"),
]
LABELS = dict(STATUSES)
FINAL = frozenset({CANCELLED, SUPERSEDED})
# the statuses whose quantities count as "on a PI" of an order line (the quantity rule, ``services.proformas``)
COMMITTED = frozenset({SENT, ACCEPTED})
EDITABLE = frozenset({DRAFT})
REVISABLE = frozenset({SENT, ACCEPTED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


SEND, ACCEPT, CANCEL = "send", "accept", "cancel"

ACTIONS: dict[str, Transition] = {
    SEND: Transition(SEND, "Mark sent", frozenset({DRAFT}), SENT),
    ACCEPT: Transition(ACCEPT, "Record acceptance", frozenset({SENT}), ACCEPTED),
    CANCEL: Transition(CANCEL, "Cancel PI", frozenset({DRAFT, SENT, ACCEPTED}), CANCELLED, needs_reason=True),
}

# status → the statuses an action may take it to (derived from ACTIONS; docs and tests read it)
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(t.target for t in ACTIONS.values() if status in t.sources) for status, _ in STATUSES
}


def can(status: str, action: str) -> bool:
    transition = ACTIONS.get(action)
    return transition is not None and status in transition.sources


def actions_from(status: str) -> list[Transition]:
    """The actions a PI in ``status`` offers, in table order."""
    return [t for t in ACTIONS.values() if status in t.sources]


BADGES = {
    DRAFT: "badge-gray",
    SENT: "badge-blue",
    ACCEPTED: "badge-green",
    CANCELLED: "badge-red",
    SUPERSEDED: "badge-amber",
}

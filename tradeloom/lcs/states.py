"""A letter of credit's statuses and the actions that move it: the transitions table every page, API action and
service reads. Nothing sets a status except these actions (``services.lcs``) and the drawings
(``services.utilisations``: fully drawn → utilised, a released drawing → back to issued or confirmed).

    action     from                          to          records
    issue      pending                       issued      the issue date (default today)
    confirm    issued                        confirmed   the confirming bank (its name, when not yet given)
    expire     issued, confirmed, utilised   expired     only once the expiry date (moved to a banking day) passed
    cancel     pending, issued, confirmed    cancelled   a reason; an LC with live drawings cannot be cancelled
    (drawn)    issued, confirmed             utilised    automatic: the live drawings reach the amount less its
                                                         minus tolerance
    (reopen)   utilised                      issued or   automatic: a drawing was released below that figure
                                             confirmed   (confirmed when the LC had been confirmed)

Expired and cancelled are final. A utilised LC may still take drawings within its tolerance (up to amount +
tolerance) while its dates allow.
"""

from __future__ import annotations

from dataclasses import dataclass

PENDING = "pending"
ISSUED = "issued"
CONFIRMED = "confirmed"
UTILISED = "utilised"
EXPIRED = "expired"
CANCELLED = "cancelled"

STATUSES = [
    (PENDING, "Pending"),
    (ISSUED, "Issued"),
    (CONFIRMED, "Confirmed"),
    (UTILISED, "Utilised"),
    (EXPIRED, "Expired"),
    (CANCELLED, "Cancelled"),
]
LABELS = dict(STATUSES)
FINAL = frozenset({EXPIRED, CANCELLED})
# an LC the bank has opened and that may be drawn (within its dates and amount)
AVAILABLE = frozenset({ISSUED, CONFIRMED, UTILISED})
# amendments are proposed and decided while the LC is open
AMENDABLE = frozenset({ISSUED, CONFIRMED, UTILISED})
# the LCs whose undrawn amount is exposure, and which the alerts watch
OPEN = frozenset({ISSUED, CONFIRMED})
# the header changes freely only before the bank issues it; afterwards by amendment
EDITABLE = frozenset({PENDING})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


ISSUE, CONFIRM, EXPIRE, CANCEL = "issue", "confirm", "expire", "cancel"

ACTIONS: dict[str, Transition] = {
    ISSUE: Transition(ISSUE, "Mark issued", frozenset({PENDING}), ISSUED),
    CONFIRM: Transition(CONFIRM, "Mark confirmed", frozenset({ISSUED}), CONFIRMED),
    EXPIRE: Transition(EXPIRE, "Mark expired", frozenset({ISSUED, CONFIRMED, UTILISED}), EXPIRED),
    CANCEL: Transition(CANCEL, "Cancel LC", frozenset({PENDING, ISSUED, CONFIRMED}), CANCELLED, needs_reason=True),
}

# status → the statuses an action may take it to (derived from ACTIONS plus the automatic moves; docs and tests
# read it)
AUTOMATIC: dict[str, frozenset[str]] = {
    ISSUED: frozenset({UTILISED}),
    CONFIRMED: frozenset({UTILISED}),
    UTILISED: frozenset({ISSUED, CONFIRMED}),
}
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(t.target for t in ACTIONS.values() if status in t.sources) | AUTOMATIC.get(status, frozenset())
    for status, _ in STATUSES
}


def can(status: str, action: str) -> bool:
    transition = ACTIONS.get(action)
    return transition is not None and status in transition.sources


def actions_from(status: str) -> list[Transition]:
    """The actions an LC in ``status`` offers, in table order."""
    return [t for t in ACTIONS.values() if status in t.sources]


BADGES = {
    PENDING: "badge-gray",
    ISSUED: "badge-blue",
    CONFIRMED: "badge-brand",
    UTILISED: "badge-green",
    EXPIRED: "badge-amber",
    CANCELLED: "badge-red",
}


# A presentation of documents: the bank examines it (5 banking days) and finds it compliant or discrepant; a
# discrepant one is accepted once every discrepancy is waived by the applicant or corrected, or refused.
#
#     outcome     from                     to
#     compliant   presented                compliant    no open discrepancy
#     discrepant  presented, compliant     discrepant   (also when a discrepancy is raised)
#     accepted    compliant, discrepant    accepted     no open discrepancy: the bank honours
#     refused     discrepant               refused      its drawing, if live, is released
P_PRESENTED, P_COMPLIANT, P_DISCREPANT, P_ACCEPTED, P_REFUSED = (
    "presented",
    "compliant",
    "discrepant",
    "accepted",
    "refused",
)
PRESENTATION_MOVES: dict[str, frozenset[str]] = {
    P_COMPLIANT: frozenset({P_PRESENTED}),
    P_DISCREPANT: frozenset({P_PRESENTED, P_COMPLIANT}),
    P_ACCEPTED: frozenset({P_COMPLIANT, P_DISCREPANT}),
    P_REFUSED: frozenset({P_DISCREPANT}),
}
PRESENTATION_OPEN = frozenset({P_PRESENTED, P_COMPLIANT, P_DISCREPANT})
PRESENTATION_BADGES = {
    P_PRESENTED: "badge-blue",
    P_COMPLIANT: "badge-brand",
    P_DISCREPANT: "badge-amber",
    P_ACCEPTED: "badge-green",
    P_REFUSED: "badge-red",
}

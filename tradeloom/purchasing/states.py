"""A purchase order's statuses and the actions that move it: the transitions table every page, API action and service
reads. Nothing sets a status except these actions (``services.orders``), an amendment (``services.amendments``) and
the receipts (``services.receipts``, by the quantities received, never chosen).

    action    from                         to                 records
    submit    draft                        submitted          the total in the base currency at the PO date; at or
                                           | approved         below the organisation's approval limit it is approved
                                                              at once (an automatic approval), above it it waits
    approve   submitted                    approved           a manager's, owner's or admin's approval — never the
                                                              PO's author's (``self_approval``)
    reject    submitted                    draft              a reason; the author changes the draft and submits again
    cancel    draft, submitted, approved   cancelled          a reason; refused while receipts stand on it
    (amend)   approved, partly_received    the same, or       a new revision: what changed, why; a total risen above
                                           submitted          the limit needs approval again (back to submitted)
    (receive) approved, partly_received,   partly_received    by the lines' received quantities: every line received
              received                     | received         in full → received, else partly_received; cancelling a
                                                              receipt moves it back the same way

Cancelled is final; received takes no more moves (receipts within the tolerance, or a receipt cancelled, still
move it). A draft is edited in place (with If-Match); an approved PO changes by amendment.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
PARTLY_RECEIVED = "partly_received"
RECEIVED = "received"
CANCELLED = "cancelled"

STATUSES = [
    (DRAFT, "Draft"),
    (SUBMITTED, "Submitted"),
    (APPROVED, "Approved"),
    (PARTLY_RECEIVED, "Partly received"),
    (RECEIVED, "Received"),
    (CANCELLED, "Cancelled"),
]
LABELS = dict(STATUSES)
FINAL = frozenset({RECEIVED, CANCELLED})
EDITABLE = frozenset({DRAFT})
# an approved PO changes only by an amendment
AMENDABLE = frozenset({APPROVED, PARTLY_RECEIVED})
# goods are received against these (a received PO still takes what its lines' tolerance allows)
RECEIVABLE = frozenset({APPROVED, PARTLY_RECEIVED, RECEIVED})
# the POs that count as "purchased" on a sales-order line (back to back): all but drafts and cancelled ones
COMMITTED = frozenset({SUBMITTED, APPROVED, PARTLY_RECEIVED, RECEIVED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    capability: str = "purchasing.manage"


SUBMIT, APPROVE, REJECT, CANCEL = "submit", "approve", "reject", "cancel"

ACTIONS: dict[str, Transition] = {
    SUBMIT: Transition(SUBMIT, "Submit", frozenset({DRAFT}), SUBMITTED),
    APPROVE: Transition(APPROVE, "Approve", frozenset({SUBMITTED}), APPROVED, capability="purchasing.approve"),
    REJECT: Transition(
        REJECT, "Send back", frozenset({SUBMITTED}), DRAFT, needs_reason=True, capability="purchasing.approve"
    ),
    CANCEL: Transition(CANCEL, "Cancel PO", frozenset({DRAFT, SUBMITTED, APPROVED}), CANCELLED, needs_reason=True),
}

# status → the statuses an action may take it to (derived from ACTIONS; docs and tests read it)
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(t.target for t in ACTIONS.values() if status in t.sources) for status, _ in STATUSES
}


def can(status: str, action: str) -> bool:
    transition = ACTIONS.get(action)
    return transition is not None and status in transition.sources


def actions_from(status: str) -> list[Transition]:
    """The actions a PO in ``status`` offers, in table order."""
    return [t for t in ACTIONS.values() if status in t.sources]


def received_status(*, ordered_lines: int, fully_received_lines: int, any_received: bool) -> str:
    """The status the receipts give an approved PO: every line in full → received; some → partly received."""
    if ordered_lines and fully_received_lines == ordered_lines:
        return RECEIVED
    return PARTLY_RECEIVED if any_received else APPROVED


BADGES = {
    DRAFT: "badge-gray",
    SUBMITTED: "badge-amber",
    APPROVED: "badge-blue",
    PARTLY_RECEIVED: "badge-amber",
    RECEIVED: "badge-green",
    CANCELLED: "badge-red",
}

"""An invoice's statuses and the actions that move it: the transitions table every page, API action and service
reads. Nothing sets a status except these actions (``services.invoices``) and the settlement
(``services.settlement.invoice_paid_set``, the receivables floor's allocations; credit notes).

    action    from                      to          records
    issue     draft                     issued      the invoice date, its rate and due date are fixed; an LC is drawn
    void      draft, issued,            void        a reason; the LC drawing is released; refused while payments
              (partly_paid, paid)                   are allocated or credit notes stand on it

    settle    issued, partly_paid, paid → issued | partly_paid | paid   by its figures, never chosen:
              outstanding (total - paid - credited) = 0 → paid; else paid > 0 → partly_paid; else issued

Void is final. A paid invoice moves back only when a payment or credit note is undone.
A void invoice keeps its number.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
ISSUED = "issued"
PARTLY_PAID = "partly_paid"
PAID = "paid"
VOID = "void"

STATUSES = [
    (DRAFT, "Draft"),
    (ISSUED, "Issued"),
    (PARTLY_PAID, "Partly paid"),
    (PAID, "Paid"),
    (VOID, "Void"),
]
LABELS = dict(STATUSES)
# the statuses that are owed: issued and not settled or voided (the alerts, ageing and the overdue filter)
OPEN = frozenset({ISSUED, PARTLY_PAID})
# the statuses a payment or a credit note may touch
SETTLEABLE = frozenset({ISSUED, PARTLY_PAID, PAID})
# the invoices that count: everything but void (invoiced quantities, one invoice per shipment)
LIVE = frozenset({DRAFT, ISSUED, PARTLY_PAID, PAID})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


ISSUE, VOID_ACTION = "issue", "void"

ACTIONS: dict[str, Transition] = {
    ISSUE: Transition(ISSUE, "Issue invoice", frozenset({DRAFT}), ISSUED),
    # from partly paid and paid too, so the refusal says why: payments allocated (``invoice_has_payments``) or credit
    # notes standing (``invoice_has_credit_notes``) — take them off first
    VOID_ACTION: Transition(
        VOID_ACTION, "Void invoice", frozenset({DRAFT, ISSUED, PARTLY_PAID, PAID}), VOID, needs_reason=True
    ),
}

TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(t.target for t in ACTIONS.values() if status in t.sources) for status, _ in STATUSES
}


def can(status: str, action: str) -> bool:
    transition = ACTIONS.get(action)
    return transition is not None and status in transition.sources


def actions_from(status: str) -> list[Transition]:
    return [t for t in ACTIONS.values() if status in t.sources]


BADGES = {
    DRAFT: "badge-gray",
    ISSUED: "badge-blue",
    PARTLY_PAID: "badge-amber",
    PAID: "badge-green",
    VOID: "badge-red",
}

# Payment terms' bases (``catalog.models.PaymentTerms.schedule[*].basis``): what an instalment's days count from.
BASIS_LABELS = {
    "invoice": "the invoice date",
    "bl_date": "the B/L date",
    "arrival": "the arrival",
    "sight": "sight (presentation)",
}

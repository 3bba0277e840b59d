"""Gate states, the moves between them, and how line states add up to a style's or an order's.

A gate's history is a list of immutable entries; its state is that of the latest *effective* entry (by effective
date, then by when it was recorded), ignoring entries a correction superseded. Everything that shows a gate's
state reads it through ``current_of`` (or the ``LineGate`` row the services keep equal to it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

NOT_STARTED = "not_started"
SUBMISSION = "submission"
RESUBMISSION = "resubmission"
APPROVED = "approved"
REJECTED = "rejected"

STATES = [
    (NOT_STARTED, "Not started"),
    (SUBMISSION, "Submission"),
    (RESUBMISSION, "Resubmission"),
    (APPROVED, "Approved"),
    (REJECTED, "Rejected"),
]
RECORDABLE = [(value, label) for value, label in STATES if value != NOT_STARTED]
LABELS = dict(STATES)
WAITING = frozenset({SUBMISSION, RESUBMISSION})

# state → the states an entry may move it to. A rejected gate is resubmitted; an approved one is final (a mistake
# is corrected by an entry that supersedes the wrong one).
TRANSITIONS: dict[str, frozenset[str]] = {
    NOT_STARTED: frozenset({SUBMISSION}),
    SUBMISSION: frozenset({RESUBMISSION, APPROVED, REJECTED}),
    RESUBMISSION: frozenset({RESUBMISSION, APPROVED, REJECTED}),
    REJECTED: frozenset({RESUBMISSION}),
    APPROVED: frozenset(),
}


def next_round(previous_state: str, previous_round: int, state: str) -> int:
    """Submission opens round 1, each resubmission the next round; a decision belongs to the round it decides."""
    if state == SUBMISSION:
        return 1
    if state == RESUBMISSION:
        return previous_round + 1
    return previous_round


def effective_order(entry: Any) -> tuple[Any, Any, str]:
    return (entry.effective_date, entry.recorded_at, str(entry.pk))


def live_entries(entries: Iterable[Any]) -> list[Any]:
    """Entries not superseded by a correction, in effective order."""
    entries = list(entries)
    superseded = {entry.supersedes_id for entry in entries if entry.supersedes_id}
    return sorted((e for e in entries if e.pk not in superseded), key=effective_order)


def current_of(entries: Iterable[Any]) -> Any | None:
    """The entry that defines the gate's state now (None: not started)."""
    live = live_entries(entries)
    return live[-1] if live else None


def aggregate(states: Iterable[str]) -> str:
    """A style's or order's state for one gate from its lines' states: all approved → approved; else any
    rejected → rejected; else any resubmission → resubmission; else any submission → submission; else not
    started. No lines → not started."""
    seen = list(states)
    if seen and all(s == APPROVED for s in seen):
        return APPROVED
    for state in (REJECTED, RESUBMISSION, SUBMISSION):
        if state in seen:
            return state
    return NOT_STARTED


BADGES = {
    NOT_STARTED: "badge-gray",
    SUBMISSION: "badge-blue",
    RESUBMISSION: "badge-amber",
    APPROVED: "badge-green",
    REJECTED: "badge-red",
}

"""A work order's statuses and the actions that move it: the transitions table every page, API action and service
reads. Nothing sets a status except these actions (``services.work_orders``).

    action    from                        to            records
    release   draft                       pending       the order is handed to the mill or the floor (its
                                                        requirements are fixed from here; a pending WO is edited
                                                        with If-Match as a draft is)
    start     pending                     in_progress   the start date (the first production entry starts a
                                                        pending work order by itself)
    complete  in_progress                 completed     the completion date; production entries stop
    cancel    draft, pending, in_progress cancelled     a reason
    reopen    completed                   in_progress   a reason (more was produced, a count was wrong)

Cancelled is final. Production is reported on pending and in-progress work orders only.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
PENDING = "pending"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CANCELLED = "cancelled"

STATUSES = [
    (DRAFT, "Draft"),
    (PENDING, "Pending"),
    (IN_PROGRESS, "In progress"),
    (COMPLETED, "Completed"),
    (CANCELLED, "Cancelled"),
]
LABELS = dict(STATUSES)
FINAL = frozenset({CANCELLED})
EDITABLE = frozenset({DRAFT, PENDING})
# production is reported against these (the first entry starts a pending WO)
REPORTABLE = frozenset({PENDING, IN_PROGRESS})
# the work orders that count in late / estimate figures and alerts
OPEN = frozenset({PENDING, IN_PROGRESS})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    capability: str = "production.manage"


RELEASE, START, COMPLETE, CANCEL, REOPEN = "release", "start", "complete", "cancel", "reopen"

ACTIONS: dict[str, Transition] = {
    RELEASE: Transition(RELEASE, "Release", frozenset({DRAFT}), PENDING),
    START: Transition(START, "Start", frozenset({PENDING}), IN_PROGRESS),
    COMPLETE: Transition(COMPLETE, "Complete", frozenset({IN_PROGRESS}), COMPLETED),
    CANCEL: Transition(CANCEL, "Cancel", frozenset({DRAFT, PENDING, IN_PROGRESS}), CANCELLED, needs_reason=True),
    REOPEN: Transition(REOPEN, "Reopen", frozenset({COMPLETED}), IN_PROGRESS, needs_reason=True),
}

# status → the statuses an action may take it to (derived from ACTIONS; docs and tests read it)
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(t.target for t in ACTIONS.values() if status in t.sources) for status, _ in STATUSES
}


def can(status: str, action: str) -> bool:
    transition = ACTIONS.get(action)
    return transition is not None and status in transition.sources


def actions_from(status: str) -> list[Transition]:
    """The actions a work order in ``status`` offers, in table order."""
    return [t for t in ACTIONS.values() if status in t.sources]


BADGES = {
    DRAFT: "badge-gray",
    PENDING: "badge-amber",
    IN_PROGRESS: "badge-blue",
    COMPLETED: "badge-green",
    CANCELLED: "badge-red",
}

LOW, NORMAL, HIGH, URGENT = "low", "normal", "high", "urgent"
PRIORITIES = [(LOW, "Low"), (NORMAL, "Normal"), (HIGH, "High"), (URGENT, "Urgent")]
PRIORITY_BADGES = {LOW: "badge-gray", NORMAL: "badge-blue", HIGH: "badge-amber", URGENT: "badge-red"}

# The processes a mill reports each day, in the order the goods go through them.
KNITTED, DYED, FINISHED = "knitted", "dyed", "finished"
PROCESSES = [(KNITTED, "Knitted"), (DYED, "Dyed"), (FINISHED, "Finished")]

"""A gate's history: recording entries (checked against the state as of their effective date), corrections that
supersede a wrong entry, and one gate set for many lines at once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.approvals import states
from tradeloom.approvals.events import GateStateChanged
from tradeloom.approvals.models import Gate, GateEntry, LineGate, Sample
from tradeloom.approvals.services.attachments import attachment_add
from tradeloom.approvals.services.rules import submission_check
from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.sales.models import Line

EARLIEST = datetime.timedelta(days=5 * 366)


def entry_append(
    line_gate: LineGate,
    *,
    by: Any,
    state: str,
    effective_date: datetime.date,
    note: str = "",
    override_reason: str = "",
    sample: Sample | None = None,
    supersedes: GateEntry | None = None,
    rules_checked: bool = False,
) -> GateEntry:
    """Append an entry to a locked line gate; the move is checked against the gate's state as of the entry's
    effective date (a backdated entry fits into the history where it belongs). ``rules_checked``: the caller
    checked the gating rule for a whole batch already."""
    if state not in dict(states.RECORDABLE):
        raise field_error("state", "Choose submission, resubmission, approved or rejected.")
    if effective_date > timezone.localdate():
        raise field_error("effective_date", "The effective date cannot be in the future.")
    if effective_date < timezone.localdate() - EARLIEST:
        raise field_error("effective_date", "The effective date is more than five years ago; check the year.")
    entries = list(line_gate.entries.all())
    if supersedes is not None:
        if supersedes.line_gate_id != line_gate.pk:
            raise field_error("supersedes", "That entry belongs to another gate.")
        if any(e.supersedes_id == supersedes.pk for e in entries):
            raise ApplicationError("That entry was already corrected.", code="already_corrected", status=409)
    live = [e for e in states.live_entries(entries) if supersedes is None or e.pk != supersedes.pk]
    now = timezone.now()
    before = [e for e in live if (e.effective_date, e.recorded_at) <= (effective_date, now)]
    previous = before[-1] if before else None
    previous_state = previous.state if previous else states.NOT_STARTED
    if state not in states.TRANSITIONS[previous_state]:
        allowed = sorted(states.TRANSITIONS[previous_state])
        hint = f" It may become: {', '.join(states.LABELS[s].lower() for s in allowed)}." if allowed else ""
        raise ApplicationError(
            f"{line_gate.gate.name} for {line_gate.line} is {states.LABELS[previous_state].lower()} on "
            f"{effective_date:%d %b %Y}; it cannot become {states.LABELS[state].lower()}.{hint}",
            code="invalid_transition",
            extra={"allowed": allowed},
        )
    if state in states.WAITING and not rules_checked:
        submission_check(line_gates=[line_gate], by=by, override_reason=override_reason)
    entry = GateEntry.objects.create(
        organization_id=line_gate.organization_id,
        created_by_id=by.user_id,
        line_gate=line_gate,
        state=state,
        round=states.next_round(previous_state, previous.round if previous else 0, state),
        effective_date=effective_date,
        recorded_at=now,
        note=note,
        override_reason=override_reason.strip(),
        sample=sample,
        supersedes=supersedes,
    )
    old_state = line_gate.state
    current = states.current_of([*live, entry])
    line_gate.state = current.state if current else states.NOT_STARTED
    line_gate.round = current.round if current else 0
    line_gate.state_since = current.effective_date if current else None
    line_gate.save(update_fields=["state", "round", "state_since", "updated_at"])
    changes: dict[str, Any] = {
        "state": [old_state, line_gate.state],
        "entry": [None, state],
        "round": [None, entry.round],
        "effective_date": [None, effective_date],
    }
    if entry.is_backdated:
        changes["backdated"] = [None, True]
    if supersedes is not None:
        changes["supersedes"] = [None, str(supersedes.pk)]
    action = "approval_line_gate.corrected" if supersedes is not None else "approval_line_gate.recorded"
    audit_record(actor=by, action=action, target=line_gate, changes=changes)
    if old_state != line_gate.state or supersedes is not None:
        publish(
            GateStateChanged(
                line_gate=line_gate, old_state=old_state, state=line_gate.state, since=line_gate.state_since, by=by
            )
        )
    return entry


def line_gate_lock(line_gate: LineGate) -> LineGate:
    return LineGate.objects.select_for_update(of=("self",)).select_related("gate", "line").get(pk=line_gate.pk)


@transaction.atomic
def entry_record(
    *,
    line_gate: LineGate,
    by: Any,
    state: str,
    effective_date: datetime.date,
    note: str = "",
    override_reason: str = "",
    files: Iterable[Any] = (),
) -> GateEntry:
    entry = entry_append(
        line_gate_lock(line_gate),
        by=by,
        state=state,
        effective_date=effective_date,
        note=note,
        override_reason=override_reason,
    )
    for upload in files:
        attachment_add(by=by, upload=upload, entry=entry)
    return entry


@transaction.atomic
def entry_correct(
    *, entry: GateEntry, by: Any, state: str, effective_date: datetime.date, note: str = "", override_reason: str = ""
) -> GateEntry:
    """Correct a wrong entry: a new entry supersedes it (the wrong one stays in the history, marked)."""
    line_gate = line_gate_lock(entry.line_gate)
    return entry_append(
        line_gate,
        by=by,
        state=state,
        effective_date=effective_date,
        note=note,
        override_reason=override_reason,
        supersedes=entry,
    )


@transaction.atomic
def gates_set_bulk(
    *,
    lines: list[Line],
    gate: Gate,
    by: Any,
    state: str,
    effective_date: datetime.date,
    note: str = "",
    override_reason: str = "",
) -> list[GateEntry]:
    """Record one gate's step for many lines at once (a line without the gate gets it), all or nothing."""
    if not lines:
        raise field_error("lines", "Choose at least one line.")
    if gate.line_id and any(line.pk != gate.line_id for line in lines):
        raise field_error("gate", "This gate belongs to one line only.")
    existing = {lg.line_id: lg for lg in LineGate.objects.filter(gate=gate, line__in=lines)}
    LineGate.objects.bulk_create(
        LineGate(organization_id=line.organization_id, created_by_id=by.user_id, line=line, gate=gate)
        for line in lines
        if line.pk not in existing
    )
    locked = list(
        LineGate.objects.select_for_update(of=("self",))
        .select_related("gate", "line")
        .prefetch_related("entries")
        .filter(gate=gate, line__in=lines)
        .order_by("line__order_id", "line__position")
    )
    if state in states.WAITING:
        submission_check(line_gates=locked, by=by, override_reason=override_reason)
    return [
        entry_append(
            line_gate,
            by=by,
            state=state,
            effective_date=effective_date,
            note=note,
            override_reason=override_reason,
            rules_checked=True,
        )
        for line_gate in locked
    ]

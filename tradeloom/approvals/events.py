"""What the approvals app records: its audit actions (docs/events.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tradeloom.approvals import states
from tradeloom.audit import formats
from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event


class GateAction(Action):
    DEFINED = "approval_gate.defined"
    CHANGED = "approval_gate.changed"


class LineGateAction(Action):
    ADDED = "approval_line_gate.added"
    RECORDED = "approval_line_gate.recorded"
    CORRECTED = "approval_line_gate.corrected"
    RULE_OVERRIDDEN = "approval_line_gate.rule_overridden"


class RuleAction(Action):
    SET = "approval_rule.set"
    DELETED = "approval_rule.deleted"


class SampleAction(Action):
    REGISTERED = "approval_sample.registered"
    DISPATCHED = "approval_sample.dispatched"
    DECIDED = "approval_sample.decided"


class AttachmentAction(Action):
    ADDED = "approval_attachment.added"


class LineGatingAction(Action):
    """A line's move to a status past a gating rule, with an owner's or admin's reason."""

    RULE_OVERRIDDEN = "sales_line.gate_rule_overridden"


@dataclass(frozen=True, kw_only=True)
class GateStateChanged(Event):
    """A line's gate took a new current state (an entry recorded or corrected), in that transaction: ``state`` is the
    gate's state now, ``since`` its effective date (``None`` when nothing stands). T&A completes the milestones tied
    to the gate from it."""

    name = "approvals.gate_state_changed"
    line_gate: Any  # approvals.LineGate, with its gate and line
    old_state: str
    state: str
    since: date | None
    by: Any  # the acting Membership


# --- how the actions read (audit.sentences) -------------------------------------------------------------------------

# A step as a noun: "lab dip submission", "PP sample approval".
_STEP_NOUNS = {
    states.SUBMISSION: "submission",
    states.RESUBMISSION: "resubmission",
    states.APPROVED: "approval",
    states.REJECTED: "rejection",
}


def _gate(t: Told) -> str:
    return formats.lower_first(t.part("gate", "a gate"))


def _for_line(t: Told) -> str:
    return f"for {t.part('line', 'a line')}{t.place}"


def _step(t: Told, *, corrected: bool = False) -> str:
    t.value("state")  # the step says it
    noun = _STEP_NOUNS.get(str(t.raw("entry")), "")
    round_ = t.raw("round")
    if corrected:
        text = f"{t.actor} corrected {_gate(t)} {_for_line(t)}" + (f" to {noun}" if noun else "")
    else:
        text = f"{t.actor} recorded {_gate(t)} {noun or 'step'} {_for_line(t)}"
    if round_:
        text += f" (round {round_})"
    if t.has("effective_date"):
        text += f", effective {t.value('effective_date')}"
    if t.raw("backdated"):
        text += " (backdated)"
    return text


def _rule_passed(t: Told) -> str:
    missing = f": {formats.lower_first(str(t.value('missing')))} not yet approved" if t.has("missing") else ""
    reason = f"; reason: “{t.value('reason')}”" if t.has("reason") else ""
    return f"{missing}{reason}"


def _submitted_past_rule(t: Told) -> str:
    t.value("action")  # "submitting <gate>": the sentence says it
    return f"{t.actor} overrode a gating rule to submit {_gate(t)} {_for_line(t)}{_rule_passed(t)}"


def _moved_past_rule(t: Told) -> str:
    what = f" ({t.value('action')})" if t.has("action") else ""
    return f"{t.actor} overrode a gating rule for {t.target}{what}{_rule_passed(t)}"


def _sample(t: Told) -> str:
    """``lab dip sample v2 for NAVY``, ``PP sample v1 for NAVY``."""
    version = t.part("version") or str(t.raw("version") or "")
    gate = _gate(t)
    sample = gate if gate.lower().endswith("sample") else f"{gate} sample"
    return f"{sample}{' v' + version if version else ''} {_for_line(t)}"


def _sample_registered(t: Told) -> str:
    t.value("version")
    return f"{t.actor} registered {_sample(t)}"


def _sample_dispatched(t: Told) -> str:
    t.value("status")
    awb = f" (AWB {t.value('awb_number')})" if t.has("awb_number") else ""
    return f"{t.actor} sent {_sample(t)}{awb}"


def _sample_decided(t: Told) -> str:
    decision = {"approved": "approval", "rejected": "rejection"}.get(str(t.raw("status")), "decision")
    return f"{t.actor} recorded the buyer's {decision} of {_sample(t)}"


def _attachment(t: Told) -> str:
    t.value("name")
    to = f" to {_gate(t)} {_for_line(t)}" if t.part("gate") else t.place
    return f"{t.actor} attached {'“' + t.name + '”' if t.labelled else 'a file'}{to}"


def _rule_set(t: Told) -> str:
    requires = t.value("requires")
    was = f" (before: {formats.lower_first(requires.old)})" if requires.old else ""
    needs = f": {formats.lower_first(requires.new)} approved first" if requires.new else ""
    return f"{t.actor} set {'the gating rule for ' + t.name if t.labelled else 'a gating rule'}{needs}{was}"


def _rule_deleted(t: Told) -> str:
    requires = t.value("requires")
    needed = f" (it needed {formats.lower_first(requires.old)} approved)" if requires.old else ""
    return f"{t.actor} removed the gating rule{' for ' + t.name if t.labelled else ''}{needed}"


sentences_register(
    {
        GateAction.DEFINED: lambda t: f"{t.actor} defined {t.called('gate')}{t.place}",
        GateAction.CHANGED: lambda t: f"{t.actor} changed {t.called('gate')}{t.place}",
        LineGateAction.ADDED: lambda t: f"{t.actor} added {_gate(t)} {_for_line(t)}",
        LineGateAction.RECORDED: _step,
        LineGateAction.CORRECTED: lambda t: _step(t, corrected=True),
        LineGateAction.RULE_OVERRIDDEN: _submitted_past_rule,
        RuleAction.SET: _rule_set,
        RuleAction.DELETED: _rule_deleted,
        SampleAction.REGISTERED: _sample_registered,
        SampleAction.DISPATCHED: _sample_dispatched,
        SampleAction.DECIDED: _sample_decided,
        AttachmentAction.ADDED: _attachment,
        LineGatingAction.RULE_OVERRIDDEN: _moved_past_rule,
    },
    fields={
        "entry": Field(values=states.LABELS),
        "effective_date": Field(label="Effective"),
        "supersedes": Field(hidden=True),
        "code": Field(hidden=True),
        "backdated": Field(hidden=True),
        "missing": Field(values={}),  # gate codes, read as names ("lab_dip" → "Lab dip")
        "requires": Field(values={}),
        "action": Field(plain=True),
        "reason": Field(label="Reason", plain=True),
        "awb_number": Field(label="AWB number", plain=True),
    },
)

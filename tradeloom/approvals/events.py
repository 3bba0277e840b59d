"""What the approvals app records: its audit actions (docs/events.md)."""

from __future__ import annotations

from tradeloom.audit.actions import Action


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

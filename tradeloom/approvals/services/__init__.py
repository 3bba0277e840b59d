"""Approval rules: gates and their codes, recording history entries (and corrections), gating rules with an
audited admin override, bulk updates, and the sample register whose dispatch and decision move the gate.

Every write takes the ``LineGate`` row lock, appends an immutable ``GateEntry``, sets the line gate's state to
``states.current_of`` its entries and records an audit event, all in one transaction. One module per part:
``gates``, ``rules``, ``entries``, ``samples``, ``attachments``; callers use ``approvals.services.<name>``.
"""

from tradeloom.approvals.services.attachments import attachment_add
from tradeloom.approvals.services.entries import entry_correct, entry_record, gates_set_bulk
from tradeloom.approvals.services.gates import (
    DEFAULT_RULES,
    gate_code_for,
    gate_create,
    gate_update,
    gates_attach_defaults,
    gates_create_defaults,
    line_gate_add,
)
from tradeloom.approvals.services.rules import line_status_check, rule_delete, rule_set
from tradeloom.approvals.services.samples import sample_create, sample_decide, sample_dispatch

__all__ = [
    "DEFAULT_RULES",
    "attachment_add",
    "entry_correct",
    "entry_record",
    "gate_code_for",
    "gate_create",
    "gate_update",
    "gates_attach_defaults",
    "gates_create_defaults",
    "gates_set_bulk",
    "line_gate_add",
    "line_status_check",
    "rule_delete",
    "rule_set",
    "sample_create",
    "sample_decide",
    "sample_dispatch",
]

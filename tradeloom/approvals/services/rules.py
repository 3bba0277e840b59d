"""Gating rules: what must be approved before a gate is submitted or a line takes a status, and the audited
owner/admin override."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tradeloom.approvals import states
from tradeloom.approvals.events import (
    LineGateAction,
    LineGatingAction,
    RuleAction,
)
from tradeloom.approvals.models import Gate, GateRule, LineGate
from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.sales.models import Line
from tradeloom.tenancy.roles import Role


@transaction.atomic
def rule_set(
    *, organization: Any, by: Any, kind: str, requires: list[str], gate: Gate | None = None, line_status: str = ""
) -> GateRule:
    """Create or replace the rule for a gate's submission or a line status."""
    codes = set(Gate.objects.filter(organization=organization).values_list("code", flat=True))
    unknown = sorted(set(requires) - codes)
    if unknown:
        raise field_error("requires", f"No such gate: {', '.join(unknown)}.")
    if not requires:
        raise field_error("requires", "Name at least one gate that must be approved.")
    if kind == GateRule.Kind.SUBMIT:
        if gate is None:
            raise field_error("gate", "Choose the gate this rule holds back.")
        if gate.code in requires:
            raise field_error("requires", "A gate cannot require itself.")
        loop = _rule_loop(organization, gate.code, set(requires))
        if loop:
            raise field_error(
                "requires",
                f"That would make a loop ({' → '.join(loop)}): none of these gates could ever be submitted.",
            )
        lookup: dict[str, Any] = {"kind": kind, "gate": gate}
    elif kind == GateRule.Kind.LINE_STATUS:
        if line_status not in Line.Status.values:
            raise field_error("line_status", "Choose a line status.")
        lookup = {"kind": kind, "line_status": line_status}
    else:
        raise field_error("kind", "Not a kind of rule.")
    rule = GateRule.objects.select_for_update().filter(organization=organization, **lookup).first()
    before = rule.requires if rule else None
    if rule is None:
        rule = GateRule(organization=organization, created_by_id=by.user_id, **lookup)
    rule.requires = sorted(set(requires))
    rule.save()
    audit_record(actor=by, action=RuleAction.SET, target=rule, changes={"requires": [before, rule.requires]})
    return rule


def _rule_loop(organization: Any, code: str, requires: set[str]) -> list[str]:
    """The chain of submission rules leading from ``requires`` back to ``code``, if the new rule closes one."""
    graph: dict[str, set[str]] = {}
    for rule in GateRule.objects.filter(organization=organization, kind=GateRule.Kind.SUBMIT).select_related("gate"):
        if rule.gate is not None and rule.gate.code != code:
            graph[rule.gate.code] = set(rule.requires)
    graph[code] = requires
    path: list[str] = []

    def visit(node: str, seen: set[str]) -> bool:
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == code or (nxt not in seen and visit(nxt, seen | {nxt})):
                if nxt == code:
                    path.append(code)
                return True
        path.pop()
        return False

    return path if visit(code, {code}) else []


@transaction.atomic
def rule_delete(*, rule: GateRule, by: Any) -> None:
    audit_record(actor=by, action=RuleAction.DELETED, target=rule, changes={"requires": [rule.requires, None]})
    rule.delete()


def _missing(line_ids: Iterable[Any], requires: list[str]) -> dict[Any, list[LineGate]]:
    """Per line, its required gates that are not approved (gates the line does not carry are not required)."""
    missing: dict[Any, list[LineGate]] = {}
    for line_gate in (
        LineGate.objects.filter(line_id__in=list(line_ids), gate__code__in=requires, gate__archived_at__isnull=True)
        .exclude(state=states.APPROVED)
        .select_related("gate", "line")
        .order_by("gate__position")
    ):
        missing.setdefault(line_gate.line_id, []).append(line_gate)
    return missing


def _enforce(missing: dict[Any, list[LineGate]], *, by: Any, action: str, override_reason: str, target: Any) -> None:
    """Refuse with ``gate_blocked`` naming the missing gates, unless an owner or admin overrides with a reason."""
    if not missing:
        return
    names = sorted({lg.gate.name for gates in missing.values() for lg in gates})
    codes = sorted({lg.gate.code for gates in missing.values() for lg in gates})
    if override_reason.strip():
        if by.role not in (Role.OWNER, Role.ADMIN):
            raise ApplicationError(
                "Only an owner or admin may override a gating rule.", code="permission_denied", status=403
            )
        overridden = (
            LineGateAction.RULE_OVERRIDDEN if isinstance(target, LineGate) else LineGatingAction.RULE_OVERRIDDEN
        )
        audit_record(
            actor=by,
            action=overridden,
            target=target,
            changes={"action": [None, action], "missing": [None, codes], "reason": [None, override_reason.strip()]},
        )
        return
    lines = sorted({str(lg.line) for gates in missing.values() for lg in gates})
    raise ApplicationError(
        f"{action.capitalize()} needs {', '.join(names)} approved first (not yet for {', '.join(lines[:10])}).",
        code="gate_blocked",
        status=409,
        extra={"missing": codes, "lines": [str(line_id) for line_id in missing]},
    )


def line_status_check(*, lines: list[Line], status: str, by: Any, override_reason: str = "") -> None:
    """A line status with a rule needs the rule's gates approved on every moving line (through
    ``sales.LineStatusChanging``: refusing raises, and the move does not happen)."""
    rule = GateRule.objects.filter(
        organization_id=lines[0].organization_id, kind=GateRule.Kind.LINE_STATUS, line_status=status
    ).first()
    if rule is None:
        return
    missing = _missing([line.pk for line in lines], rule.requires)
    label = Line.Status(status).label.lower()
    _enforce(missing, by=by, action=f"moving to {label}", override_reason=override_reason, target=lines[0])


def submission_check(*, line_gates: list[LineGate], by: Any, override_reason: str = "") -> None:
    """The submission rule of these line gates' gate (one gate), checked for all their lines in two queries."""
    first = line_gates[0]
    rule = GateRule.objects.filter(
        organization_id=first.organization_id, kind=GateRule.Kind.SUBMIT, gate_id=first.gate_id
    ).first()
    if rule is None:
        return
    missing = _missing([lg.line_id for lg in line_gates], rule.requires)
    action = f"submitting {first.gate.name}"
    _enforce(missing, by=by, action=action, override_reason=override_reason, target=first)

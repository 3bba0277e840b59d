"""Gates and their codes: the standard set of a new organisation, custom gates, and gates on lines."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from tradeloom.approvals.events import (
    GateAction,
    LineGateAction,
)
from tradeloom.approvals.models import STANDARD_GATES, Gate, GateRule, LineGate
from tradeloom.audit.services import audit_record
from tradeloom.core.bulk import Each, bulk_insert
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.sales.models import Line

DEFAULT_RULES = [
    (GateRule.Kind.SUBMIT, "pp_sample", "", ["lab_dip", "strike_off"]),
    (GateRule.Kind.LINE_STATUS, None, Line.Status.BULK, ["pp_sample"]),
]


def gates_create_defaults(*, organization: Any, by: Any) -> None:
    """The standard gates and the usual gating rules for an organisation that lacks them (a new one, through
    ``OrganizationCreated``; an older one, through the demo data and migration 0004)."""
    existing = set(Gate.objects.filter(organization=organization).values_list("code", flat=True))
    Gate.objects.bulk_create(
        Gate(
            organization=organization,
            created_by_id=by.user_id,
            code=code,
            name=name,
            is_standard=True,
            applies_by_default=default,
            position=(i + 1) * 10,
        )
        for i, (code, name, default) in enumerate(STANDARD_GATES)
        if code not in existing
    )
    if not GateRule.objects.filter(organization=organization).exists():
        gates = {g.code: g for g in Gate.objects.filter(organization=organization)}
        GateRule.objects.bulk_create(
            GateRule(
                organization=organization,
                created_by_id=by.user_id,
                kind=kind,
                gate=gates.get(gate) if gate else None,
                line_status=status,
                requires=requires,
            )
            for kind, gate, status, requires in DEFAULT_RULES
        )


def gate_code_for(organization: Any, name: str) -> str:
    """A code from the name (``Hanger approval (buyer)`` → ``hanger_approval_buyer``), unique in the
    organisation (``_2``, ``_3`` … when taken). Long names are cut to 56 characters first."""
    base = slugify(name).replace("-", "_")[:56].strip("_") or "gate"
    taken = set(Gate.objects.filter(organization=organization, code__startswith=base).values_list("code", flat=True))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


@transaction.atomic
def gate_create(
    *, organization: Any, by: Any, name: str, applies_by_default: bool = False, line: Line | None = None
) -> Gate:
    name = name.strip()
    if not name:
        raise field_error("name", "A gate needs a name.")
    if line is not None and applies_by_default:
        raise field_error("applies_by_default", "A gate for one line does not apply to new lines.")
    top = Gate.objects.filter(organization=organization).aggregate(top=Max("position"))["top"] or 0
    gate = Gate.objects.create(
        organization=organization,
        created_by_id=by.user_id,
        code=gate_code_for(organization, name),
        name=name,
        applies_by_default=applies_by_default,
        line=line,
        position=top + 10,
    )
    if line is not None:
        LineGate.objects.create(organization=organization, created_by_id=by.user_id, line=line, gate=gate)
    audit_record(actor=by, action=GateAction.DEFINED, target=gate, changes={"code": [None, gate.code]})
    return gate


@transaction.atomic
def gate_update(*, gate: Gate, by: Any, data: dict[str, Any]) -> Gate:
    """Rename, reorder, (un)make default, archive or restore a gate. Its code never changes."""
    gate = Gate.objects.select_for_update().get(pk=gate.pk)
    before = {"name": gate.name, "applies_by_default": gate.applies_by_default, "position": gate.position}
    archived = data.pop("archived", None)
    for field, value in data.items():
        if field not in before:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(gate, field, value.strip() if isinstance(value, str) else value)
    if not gate.name:
        raise field_error("name", "A gate needs a name.")
    if gate.line_id and gate.applies_by_default:
        raise field_error("applies_by_default", "A gate for one line does not apply to new lines.")
    if archived is not None:
        gate.archived_at = timezone.now() if archived else None
    changes = {k: [v, getattr(gate, k)] for k, v in before.items() if getattr(gate, k) != v}
    if archived is not None:
        changes["archived"] = [not archived, archived]
    gate.save()
    if changes:
        audit_record(actor=by, action=GateAction.CHANGED, target=gate, changes=changes)
    return gate


def gates_attach_defaults(*, lines: list[Line], by: Any) -> None:
    """Give new lines the organisation's default gates (through ``sales.LinesCreated``): one query for the gates,
    one insert for every line's gates."""
    if not lines:
        return
    organization_id = lines[0].organization_id
    gates = list(
        Gate.objects.filter(
            organization_id=organization_id, applies_by_default=True, archived_at__isnull=True, line__isnull=True
        ).values_list("pk", flat=True)
    )
    bulk_insert(
        LineGate,
        len(lines) * len(gates),
        {
            "organization": organization_id,
            "created_by": by.user_id,
            "line": Each(line.pk for line in lines for _ in gates),
            "gate": Each(gates * len(lines)),
        },
    )


@transaction.atomic
def line_gate_add(*, line: Line, gate: Gate, by: Any) -> LineGate:
    if gate.line_id and gate.line_id != line.pk:
        raise field_error("gate", "This gate belongs to another line.")
    if gate.archived_at is not None:
        raise field_error("gate", "This gate is archived.")
    line_gate, created = LineGate.objects.get_or_create(
        line=line, gate=gate, defaults={"organization_id": line.organization_id, "created_by_id": by.user_id}
    )
    if created:
        audit_record(actor=by, action=LineGateAction.ADDED, target=line_gate)
    return line_gate

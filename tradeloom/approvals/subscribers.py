"""How approvals answers other apps' events (subscribed in ``ApprovalsConfig.ready``)."""

from __future__ import annotations

from tradeloom.approvals import services
from tradeloom.sales.events import LinesCreated, LineStatusChanging
from tradeloom.tenancy.events import OrganizationCreated


def give_standard_gates(event: OrganizationCreated) -> None:
    """A new organisation starts with the standard gates and the usual gating rules."""
    services.gates_create_defaults(organization=event.organization, by=event.membership)


def attach_default_gates(event: LinesCreated) -> None:
    """New lines carry the organisation's default gates."""
    services.gates_attach_defaults(lines=event.lines, by=event.by)


def hold_to_gating_rules(event: LineStatusChanging) -> None:
    """A line status with a gating rule waits for the rule's gates (or an owner's or admin's reason)."""
    services.line_status_check(
        lines=event.lines, status=event.status, by=event.by, override_reason=event.override_reason
    )

"""How T&A answers other apps' events (subscribed in ``TnaConfig.ready``), all in the publishing transaction: a
milestone tied to a gate, a production process or the departure completes (or reopens) with the change behind it."""

from __future__ import annotations

from typing import Any

from tradeloom.approvals import states as gate_states
from tradeloom.approvals.events import GateStateChanged
from tradeloom.logistics.events import ShipmentDeparted
from tradeloom.tenancy.events import OrganizationCreated
from tradeloom.tna import services


def give_standard_template(event: OrganizationCreated) -> None:
    """A new organisation starts with the standard T&A template (the default for any order)."""
    services.templates_create_defaults(organization=event.organization, by=event.membership)


def milestones_on_gate(event: GateStateChanged) -> None:
    """A gate approved completes the milestones tied to it (the line's plan; the order's when every line with that
    gate is approved); a correction away from approved reopens what the gate completed."""
    if event.state != gate_states.APPROVED and event.old_state != gate_states.APPROVED:
        return  # neither approved before nor now: nothing a milestone waits for moved
    line_gate = event.line_gate
    services.gates_changed(line=line_gate.line, gate_code=line_gate.gate.code, by=event.by)


def milestones_on_production(event: Any) -> None:
    """Production reported (``production.events.ProductionReported``): the milestones tied to a process complete
    when the work orders' cumulative quantity of it reaches their ordered quantity (or reopen after a correction)."""
    services.production_changed(work_order=event.work_order, by=event.by)


def ex_factory_on_departure(event: ShipmentDeparted) -> None:
    """The goods left: the ex-factory milestone of the plans of the lines (and orders) it carries is done."""
    services.shipment_departed(shipment=event.shipment, lines=event.lines, by=event.by)

"""What the logistics app records and announces: its audit actions and its domain events (docs/events.md).

A shipment's header edits are its record verb ``shipment.updated`` (``records.services``); every other change is
one of the actions below, targeting the shipment (lines, containers, ETA revisions, status moves), a document of
its checklist or a file of a document.

The domain events are what later floors subscribe to — trade finance draws LC utilisation and invoices from a
departed shipment, stock issues its goods — and how this app moves the order lines' delivered-to-buyer figures
(``subscribers.record_buyer_delivery``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.logistics import states
from tradeloom.logistics.models import Shipment, ShipmentDocument, ShipmentLine


class ShipmentAction(Action):
    CREATED = "shipment.created"
    DEPARTED = "shipment.departed"
    ARRIVED = "shipment.arrived"
    DELIVERED = "shipment.delivered"
    RETURNED = "shipment.returned"
    CANCELLED = "shipment.cancelled"
    ETA_REVISED = "shipment.eta_revised"
    LINE_ADDED = "shipment.line_added"
    LINE_CHANGED = "shipment.line_changed"
    LINE_REMOVED = "shipment.line_removed"
    OVER_SHIPMENT_ALLOWED = "shipment.over_shipment_allowed"
    CONTAINER_ADDED = "shipment.container_added"
    CONTAINER_CHANGED = "shipment.container_changed"
    CONTAINER_REMOVED = "shipment.container_removed"


class DocumentAction(Action):
    ADDED = "shipment_document.added"
    CHANGED = "shipment_document.changed"


class FileAction(Action):
    ATTACHED = "shipment_file.attached"


# --- how the actions read (audit.sentences) -------------------------------------------------------------------------


def _reason(t: Told) -> str:
    return f": “{t.value('reason')}”" if t.has("reason") else ""


def _on(key: str) -> Any:
    return lambda t: f" on {t.value(key)}" if t.has(key) else ""


def _moved(verb: str, day: str = "", *, reason: bool = False) -> Any:
    def sentence(t: Told) -> str:
        t.value("status")
        when = _on(day)(t) if day else ""
        # "Ann marked SH-2026-00012 as departed on 3 Dec"
        words = verb.split(" ", 1)
        rest = f" {words[1]}" if len(words) > 1 else ""
        return f"{t.actor} {words[0]} {t.target}{rest}{when}{_reason(t) if reason else ''}"

    return sentence


def _created(t: Told) -> str:
    t.value("number")
    lines = t.raw("lines")
    what = f" with {lines} line{'s' if lines != 1 else ''}" if lines is not None else ""
    return f"{t.actor} booked {t.target}{what}"


def _eta_revised(t: Told) -> str:
    parts = [f"{k.upper()} {t.value(k).old} → {t.value(k)}" for k in ("etd", "eta") if t.has(k)]
    return f"{t.actor} revised {t.target}" + (f" ({', '.join(parts)})" if parts else "") + _reason(t)


def _line(verb: str) -> Any:
    def sentence(t: Told) -> str:
        line = t.value("line") if t.has("line") else ""
        preposition = {"added": "to", "changed": "on", "removed": "from"}[verb]
        return f"{t.actor} {verb} {line or 'a line'} {preposition} {t.target}"

    return sentence


def _over_shipment(t: Told) -> str:
    line = f" {t.value('line')}" if t.has("line") else " a line"
    limit = f" beyond its tolerance of {t.value('limit')}" if t.has("limit") else " beyond its tolerance"
    shipped = f" (to {t.value('shipped')})" if t.has("shipped") else ""
    return f"{t.actor} allowed{line} to be shipped{limit}{shipped} in {t.target}{_reason(t)}"


def _container(verb: str) -> Any:
    def sentence(t: Told) -> str:
        number = t.value("container") if t.has("container") else "a container"
        preposition = {"added": "to", "changed": "on", "removed": "from"}[verb]
        return f"{t.actor} {verb} container {number} {preposition} {t.target}"

    return sentence


def _document(verb: str) -> Any:
    def sentence(t: Told) -> str:
        status = f" ({t.value('status')})" if t.has("status") else ""
        return f"{t.actor} {verb} {t.named}{t.place}{status}"

    return sentence


def _attached(t: Told) -> str:
    t.value("name")
    return f"{t.actor} attached {'“' + t.name + '”' if t.labelled else 'a file'}{t.place}"


sentences_register(
    {
        ShipmentAction.CREATED: _created,
        ShipmentAction.DEPARTED: _moved("marked as departed", "departed_on"),
        ShipmentAction.ARRIVED: _moved("marked as arrived", "arrived_on"),
        ShipmentAction.DELIVERED: _moved("marked as delivered", "delivered_on"),
        ShipmentAction.RETURNED: _moved("marked as returned", reason=True),
        ShipmentAction.CANCELLED: _moved("cancelled", reason=True),
        ShipmentAction.ETA_REVISED: _eta_revised,
        ShipmentAction.LINE_ADDED: _line("added"),
        ShipmentAction.LINE_CHANGED: _line("changed"),
        ShipmentAction.LINE_REMOVED: _line("removed"),
        ShipmentAction.OVER_SHIPMENT_ALLOWED: _over_shipment,
        ShipmentAction.CONTAINER_ADDED: _container("added"),
        ShipmentAction.CONTAINER_CHANGED: _container("changed"),
        ShipmentAction.CONTAINER_REMOVED: _container("removed"),
        DocumentAction.ADDED: _document("added"),
        DocumentAction.CHANGED: _document("updated"),
        FileAction.ATTACHED: _attached,
    },
    fields={
        "status": Field(values=states.LABELS),
        "reason": Field(label="Reason", plain=True),
        "line": Field(label="Line", plain=True),
        "container": Field(label="Container", plain=True),
        "limit": Field(label="Tolerance limit", number=True),
        "shipped": Field(label="Shipped", number=True),
        "quantity": Field(label="Quantity", number=True),
        "lines": Field(label="Lines", number=True),
        "etd": Field(label="ETD"),
        "eta": Field(label="ETA"),
        "revised_on": Field(label="Revised on"),
    },
)


# --- domain events ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ShipmentBooked(Event):
    """A shipment was booked with its lines, in the booking transaction (their quantities are shipped now)."""

    name = "logistics.shipment_booked"
    shipment: Shipment
    lines: list[ShipmentLine]
    by: Any


@dataclass(frozen=True, kw_only=True)
class ShipmentLinesChanged(Event):
    """A booked shipment's lines were added, changed or removed (``lines``: those it carries now)."""

    name = "logistics.shipment_lines_changed"
    shipment: Shipment
    lines: list[ShipmentLine]
    by: Any


@dataclass(frozen=True, kw_only=True)
class ShipmentMoved(Event):
    """Base of a status move: the shipment (with its new status), the status it left, its lines and who moved it."""

    name = "logistics.shipment_moved"
    shipment: Shipment
    previous_status: str
    lines: list[ShipmentLine]
    by: Any


@dataclass(frozen=True, kw_only=True)
class ShipmentDeparted(ShipmentMoved):
    """The goods left (``shipment.departed_on``): the B/L or AWB date that LCs and invoices count from."""

    name = "logistics.shipment_departed"


@dataclass(frozen=True, kw_only=True)
class ShipmentArrived(ShipmentMoved):
    name = "logistics.shipment_arrived"


@dataclass(frozen=True, kw_only=True)
class ShipmentDelivered(ShipmentMoved):
    """The buyer received the goods (``shipment.delivered_on``): the lines' delivered-to-buyer figures grow."""

    name = "logistics.shipment_delivered"


@dataclass(frozen=True, kw_only=True)
class ShipmentReturned(ShipmentMoved):
    """The goods came back: the lines' shipped quantities are given back (``shipment.status_reason`` says why)."""

    name = "logistics.shipment_returned"


@dataclass(frozen=True, kw_only=True)
class ShipmentCancelled(ShipmentMoved):
    """A booked shipment was cancelled: the lines' shipped quantities are given back."""

    name = "logistics.shipment_cancelled"


@dataclass(frozen=True, kw_only=True)
class ShipmentEtaRevised(Event):
    """The ETD or ETA of a shipment under way changed (``revision`` keeps the dates before and after)."""

    name = "logistics.shipment_eta_revised"
    shipment: Shipment
    revision: Any
    by: Any


@dataclass(frozen=True, kw_only=True)
class DocumentStatusChanged(Event):
    """A document of a shipment's checklist moved (drafted, sent, accepted, discrepant)."""

    name = "logistics.document_status_changed"
    document: ShipmentDocument
    previous_status: str
    by: Any

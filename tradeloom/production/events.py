"""What the production app records and announces: its audit actions and its domain events (docs/events.md).

Every change targets the work order it concerns (its timeline is the work order's events): a draft's or pending
work order's edits are its record verb ``production_work_order.updated``; making it is
``production_work_order.created``; its moves, the production reported against it, corrections, material issues and
finished-goods receipts are the actions below.

The domain events are what later floors subscribe to: T&A completes the knitting / dyeing / finishing milestones of
the order's plans from ``ProductionReported``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.production import states
from tradeloom.production.models import ProductionEntry, WorkOrder


class WorkOrderAction(Action):
    CREATED = "production_work_order.created"
    RELEASED = "production_work_order.released"
    STARTED = "production_work_order.started"
    COMPLETED = "production_work_order.completed"
    CANCELLED = "production_work_order.cancelled"
    REOPENED = "production_work_order.reopened"
    PRODUCTION_REPORTED = "production_work_order.production_reported"
    PRODUCTION_CORRECTED = "production_work_order.production_corrected"
    REQUIREMENT_CHANGED = "production_work_order.requirement_changed"
    MATERIAL_ISSUED = "production_work_order.material_issued"
    FINISHED_RECEIVED = "production_work_order.finished_received"


# --- how the actions read (audit.sentences) -------------------------------------------------------------------------


def _reason(t: Told) -> str:
    return f": “{t.value('reason')}”" if t.has("reason") else ""


def _created(t: Told) -> str:
    t.value("number")
    t.value("status")
    quantity = f" for {t.value('quantity')}" if t.has("quantity") else ""
    lines = t.raw("lines")
    what = f" over {lines} order line{'s' if lines != 1 else ''}" if lines else ""
    return f"{t.actor} drafted {t.target}{quantity}{what}"


def _moved(verb: str) -> Any:
    def sentence(t: Told) -> str:
        t.value("status")
        on = f" on {t.value('on')}" if t.has("on") else ""
        source = " (the first production reported)" if t.raw("source") == "production" else ""
        t.value("source")
        return f"{t.actor} {verb} {t.target}{on}{source}{_reason(t)}"

    return sentence


def _reported(t: Told) -> str:
    entries = t.raw("entries") or 0
    corrected = t.raw("corrected") or 0
    days = f" for {t.value('days')}" if t.has("days") else ""
    fixed = f" ({corrected} correcting earlier figures)" if corrected else ""
    finished = f"; finished now {t.value('finished')}" if t.has("finished") else ""
    t.value("progress")
    noun = "entries" if entries != 1 else "entry"
    return f"{t.actor} reported production on {t.target}: {entries} {noun}{days}{fixed}{finished}"


def _corrected(t: Told) -> str:
    day = f" of {t.value('produced_on')}" if t.has("produced_on") else ""
    finished = f"; finished now {t.value('finished')}" if t.has("finished") else ""
    t.value("progress")
    return f"{t.actor} corrected the production{day} on {t.target}{finished}{_reason(t)}"


def _requirement_changed(t: Told) -> str:
    what = f" {t.value('requirement')}" if t.has("requirement") else ""
    return f"{t.actor} changed the requirement{what} of {t.target}"


def _material_issued(t: Told) -> str:
    quantity = f"{t.value('quantity')} of " if t.has("quantity") else ""
    item = t.value("item") if t.has("item") else "material"
    warehouse = f" from {t.value('warehouse')}" if t.has("warehouse") else ""
    return f"{t.actor} issued {quantity}{item}{warehouse} to {t.target}"


def _finished_received(t: Told) -> str:
    quantity = f"{t.value('quantity')} of " if t.has("quantity") else ""
    warehouse = f" into {t.value('warehouse')}" if t.has("warehouse") else ""
    return f"{t.actor} received {quantity}finished goods of {t.target}{warehouse}"


sentences_register(
    {
        WorkOrderAction.CREATED: _created,
        WorkOrderAction.RELEASED: _moved("released"),
        WorkOrderAction.STARTED: _moved("started"),
        WorkOrderAction.COMPLETED: _moved("completed"),
        WorkOrderAction.CANCELLED: _moved("cancelled"),
        WorkOrderAction.REOPENED: _moved("reopened"),
        WorkOrderAction.PRODUCTION_REPORTED: _reported,
        WorkOrderAction.PRODUCTION_CORRECTED: _corrected,
        WorkOrderAction.REQUIREMENT_CHANGED: _requirement_changed,
        WorkOrderAction.MATERIAL_ISSUED: _material_issued,
        WorkOrderAction.FINISHED_RECEIVED: _finished_received,
    },
    fields={
        "status": Field(values=states.LABELS),
        "priority": Field(values=dict(states.PRIORITIES)),
        "reason": Field(label="Reason", plain=True),
        "source": Field(label="Source", plain=True),
        "on": Field(label="On", plain=True),
        "lines": Field(label="Order lines", number=True),
        "quantity": Field(label="Quantity", plain=True),
        "entries": Field(label="Entries", number=True),
        "corrected": Field(label="Corrections", number=True),
        "days": Field(label="Days", plain=True),
        "produced_on": Field(label="Day", plain=True),
        "knitted": Field(label="Knitted", plain=True),
        "dyed": Field(label="Dyed", plain=True),
        "finished": Field(label="Finished", plain=True),
        "pieces": Field(label="Pieces", number=True),
        "rejects": Field(label="Rejects", plain=True),
        "progress": Field(label="Progress", plain=True),
        "requirement": Field(label="Requirement", plain=True),
        "item": Field(label="Item", plain=True),
        "unit": Field(label="Unit", plain=True),
        "warehouse": Field(label="Warehouse", plain=True),
        "unit_cost": Field(label="Unit cost", plain=True),
        "requirements": Field(label="Requirements", plain=True),
        "number": Field(label="Number", plain=True),
        "order": Field(label="Order", plain=True),  # the order's number, as recorded
    },
)


# --- domain events ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WorkOrderMoved(Event):
    """A work order's status moved by an action (``states.ACTIONS``), or by its first production entry (a pending
    work order starts): the work order (its new status), the status it left and who moved it."""

    name = "production.work_order_moved"
    work_order: WorkOrder
    previous_status: str
    by: Any


@dataclass(frozen=True, kw_only=True)
class ProductionReported(Event):
    """Production was reported or corrected on a work order, in that transaction (once per work order touched):
    ``entries`` are the new current entries; the work order carries its new totals."""

    name = "production.production_reported"
    work_order: WorkOrder
    entries: Sequence[ProductionEntry]
    by: Any

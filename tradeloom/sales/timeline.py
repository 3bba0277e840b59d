"""An order's Timeline: the audit events of the order and of every record that belongs to it, as sentences.

What belongs to an order: its styles and lines (read with the order), and the records ``sales.extensions.
ORDER_TIMELINE`` lists — sales' offers, deliveries, tasks and notes, and what the floors above add (approvals: line
gates, samples, files). Reading it costs three statements whatever the number of lines and events: the records of
every source with their labels (one ``UNION ALL``), their events, and the labels of the records the events' changes
refer to (a mill, a member).

How sales' records are named in sentences (``audit.labels``) is declared here too, and registered in
``SalesConfig.ready()``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf

from tradeloom.audit import formats
from tradeloom.audit.labels import Label, RecordLabel, concat, labels_of
from tradeloom.audit.selectors import audit_events_of_targets
from tradeloom.audit.sentences import Described, Scope, describe
from tradeloom.sales.extensions import ORDER_TIMELINE, TimelineSource
from tradeloom.sales.models import ActivityNote, Delivery, Line, MillOffer, Order, Style, Task

TIMELINE_LIMIT = 200


def line_name(prefix: str = "") -> Any:
    """A line's name in SQL, as ``str(line)`` writes it: its colour, and its CAD after a slash (``NAVY/C-12``).
    ``prefix`` reaches a line from another model (``"line__"``)."""
    cad = F(f"{prefix}cad_code")
    return concat(
        F(f"{prefix}colour_code"),
        Case(
            When(**{f"{prefix}cad_code": ""}, then=Value("")), default=concat(Value("/"), cad), output_field=TextField()
        ),
    )


def _supplier(prefix: str) -> Any:
    return Coalesce(NullIf(F(f"{prefix}trade_name"), Value("")), F(f"{prefix}legal_name"))


LABELS: dict[str, RecordLabel] = {
    "sales.order": RecordLabel(Order, text=F("number")),
    "sales.style": RecordLabel(Style, text=F("style_number"), context=F("order__number")),
    "sales.line": RecordLabel(Line, text=line_name(), context=F("order__number"), parts={"unit": F("unit__code")}),
    "sales.milloffer": RecordLabel(
        MillOffer,
        text=None,
        context=F("line__order__number"),
        parts={"line": line_name("line__"), "supplier": _supplier("supplier__"), "currency": F("currency")},
        display=lambda label: f"{formats.possessive(label.part('supplier'))} offer for {label.part('line')}",
    ),
    "sales.delivery": RecordLabel(  # "500 m on 3 Nov"
        Delivery,
        text=None,
        context=F("line__order__number"),
        parts={"quantity": Cast("quantity", TextField()), "unit": F("unit__code"), "date": Cast("date", TextField())},
        display=lambda label: (
            f"{formats.number(label.part('quantity'))} {label.part('unit')} on {formats.day(label.part('date'))}"
        ),
    ),
    "sales.task": RecordLabel(Task, text=F("title"), context=F("order__number")),
    "sales.activitynote": RecordLabel(
        ActivityNote,
        text=None,
        context=F("order__number"),
        parts={"date": Cast("effective_date", TextField())},
        display=lambda label: f"the note of {formats.day(label.part('date'))}",
    ),
}

# Sales' own records of an order's timeline (the floors above add theirs in their ``ready()``).
SOURCES = [
    TimelineSource("sales.milloffer", lambda order: MillOffer.objects.filter(line__order=order)),
    TimelineSource("sales.delivery", lambda order: Delivery.objects.filter(line__order=order)),
    TimelineSource("sales.task", lambda order: Task.objects.filter(order=order)),
    TimelineSource("sales.activitynote", lambda order: ActivityNote.objects.filter(order=order)),
]


def order_timeline(*, order: Order, limit: int = TIMELINE_LIMIT) -> list[Described]:
    """The latest ``limit`` events of ``order`` (read by ``selectors.order_get``: its styles and lines are loaded)
    and of everything that belongs to it, newest first, as sentences about "this order"."""
    number = order.number
    labels: dict[str, Label] = {str(order.pk): Label(number)}
    targets: dict[str, list[str]] = {"sales.order": [str(order.pk)], "sales.style": [], "sales.line": []}
    for style in order.styles.all():
        targets["sales.style"].append(str(style.pk))
        labels[str(style.pk)] = Label(style.style_number, number)
    for line in order.lines.all():
        targets["sales.line"].append(str(line.pk))
        labels[str(line.pk)] = Label(str(line), number, {"unit": line.unit.code})
    for kind, key, label in labels_of((source.target_type, source.records(order)) for source in ORDER_TIMELINE):
        targets.setdefault(kind, []).append(key)
        labels[key] = label
    events = audit_events_of_targets(organization=order.organization_id, targets=targets, limit=limit)
    return describe(events, labels=labels, scope=Scope(id=str(order.pk), name="this order", context=number))

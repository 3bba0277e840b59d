"""How approvals' records are named in sentences about audit events (``audit.labels``), and which of them belong
to an order's Timeline (``sales.extensions.ORDER_TIMELINE``): registered in ``ApprovalsConfig.ready()``."""

from __future__ import annotations

from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Cast, Coalesce

from tradeloom.approvals.models import Attachment, Gate, GateRule, LineGate, Sample
from tradeloom.audit.labels import RecordLabel, concat
from tradeloom.sales.extensions import TimelineSource
from tradeloom.sales.timeline import line_name

LABELS: dict[str, RecordLabel] = {
    "approvals.gate": RecordLabel(Gate, text=F("name"), context=F("line__order__number")),
    "approvals.gaterule": RecordLabel(
        GateRule,
        text=Case(
            When(kind=GateRule.Kind.SUBMIT, then=concat(Value("submitting "), F("gate__name"))),
            default=concat(Value("moving a line to "), F("line_status")),
            output_field=TextField(),
        ),
    ),
    "approvals.linegate": RecordLabel(  # "Lab dip · NAVY"
        LineGate,
        text=concat(F("gate__name"), Value(" · "), line_name("line__")),
        context=F("line__order__number"),
        parts={"gate": F("gate__name"), "line": line_name("line__")},
    ),
    "approvals.sample": RecordLabel(  # "Lab dip v2 · NAVY"
        Sample,
        text=concat(F("gate__name"), Value(" v"), Cast("version", TextField()), Value(" · "), line_name("line__")),
        context=F("line__order__number"),
        parts={"gate": F("gate__name"), "line": line_name("line__"), "version": Cast("version", TextField())},
    ),
    "approvals.attachment": RecordLabel(  # a file, on a step of a line gate or on a sample
        Attachment,
        text=F("name"),
        context=Coalesce(F("entry__line_gate__line__order__number"), F("sample__line__order__number")),
        parts={
            "gate": Coalesce(F("entry__line_gate__gate__name"), F("sample__gate__name")),
            "line": Case(  # not Coalesce: a name made of no line is "", not NULL
                When(entry__isnull=False, then=line_name("entry__line_gate__line__")),
                default=line_name("sample__line__"),
                output_field=TextField(),
            ),
        },
    ),
}

SOURCES = [
    TimelineSource("approvals.linegate", lambda order: LineGate.objects.filter(line__order=order)),
    TimelineSource("approvals.sample", lambda order: Sample.objects.filter(line__order=order)),
    TimelineSource(
        "approvals.attachment",
        lambda order: Attachment.objects.filter(Q(entry__line_gate__line__order=order) | Q(sample__line__order=order)),
    ),
    TimelineSource("approvals.gate", lambda order: Gate.objects.filter(line__order=order)),  # a line's own gates
]

"""How T&A's records are named in sentences about audit events (``audit.labels``), and which belong to an order's
Timeline (``sales.extensions.ORDER_TIMELINE``: its plans, whose events are every change of their milestones):
registered in ``TnaConfig.ready()``."""

from __future__ import annotations

from django.db.models import Case, F, TextField, Value, When

from tradeloom.audit.labels import RecordLabel, concat
from tradeloom.sales.extensions import TimelineSource
from tradeloom.sales.timeline import line_name
from tradeloom.tna.models import Milestone, Plan, Template

LABELS: dict[str, RecordLabel] = {
    "tna.template": RecordLabel(Template, text=F("name")),
    "tna.plan": RecordLabel(  # a line's plan: "NAVY" (on SO-000123); the order's: "order SO-000123"
        Plan,
        text=Case(
            When(line__isnull=True, then=concat(Value("order "), F("order__number"))),
            default=line_name("line__"),
            output_field=TextField(),
        ),
        context=Case(When(line__isnull=True, then=Value("")), default=F("order__number"), output_field=TextField()),
    ),
    "tna.milestone": RecordLabel(Milestone, text=F("name"), context=F("plan__order__number")),
}

SOURCES = [TimelineSource("tna.plan", lambda order: Plan.objects.filter(order=order))]

"""What the T&A app records: its audit actions and how they read (docs/events.md).

Templates are records: making, changing and archiving one are its record verbs (``tna_template.created``,
``.updated``, ``.archived``; the milestone rows changed are in the ``milestones`` change). Everything about a plan
and its milestones targets the plan (the order's T&A history is its plans' events): applying a template, applying
another one, a planned date moved with its reason, an actual date recorded (by hand, by an approval gate, by
production or by a shipment) and a milestone reopened.
"""

from __future__ import annotations

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.tna.models import Milestone


class PlanAction(Action):
    APPLIED = "tna_plan.applied"
    REAPPLIED = "tna_plan.reapplied"
    MILESTONE_REPLANNED = "tna_plan.milestone_replanned"
    MILESTONE_RECORDED = "tna_plan.milestone_recorded"
    MILESTONE_REOPENED = "tna_plan.milestone_reopened"


SOURCES = dict(Milestone.CompletedBy.choices)
_BY_SOURCE: dict[str, str] = {
    Milestone.CompletedBy.GATE.value: " (by its approval gate)",
    Milestone.CompletedBy.PRODUCTION.value: " (by the production reported)",
    Milestone.CompletedBy.SHIPMENT.value: " (by the shipment's departure)",
}


def _reason(t: Told) -> str:
    return f": “{t.value('reason')}”" if t.has("reason") else ""


def _milestone(t: Told) -> str:
    return f"“{t.value('milestone')}”" if t.has("milestone") else "a milestone"


def _plan(t: Told) -> str:
    return f"{t.target}{t.place}" if t.labelled else "a T&A plan"


def _applied(t: Told, *, again: bool = False) -> str:
    template = f" “{t.value('template')}”" if t.has("template") else ""
    count = t.raw("milestones")
    what = f" ({count} milestone{'s' if count != 1 else ''})" if isinstance(count, int) else ""
    verb = "applied another T&A template" if again else "applied the T&A template"
    etd = f", counted from {t.value('etd')}" if t.has("etd") else ""
    return f"{t.actor} {verb}{template} to {_plan(t)}{what}{etd}{_reason(t)}"


def _replanned(t: Told) -> str:
    planned = t.value("planned_date")
    dates = f" from {planned.old} to {planned.new}" if planned.old else (f" to {planned.new}" if planned else "")
    return f"{t.actor} moved {_milestone(t)} of {_plan(t)}{dates}{_reason(t)}"


def _recorded(t: Told) -> str:
    actual = t.value("actual_date")
    source = t.raw("source")
    t.value("source")
    on = f" on {actual.new}" if actual else ""
    was = f" (it was {actual.old})" if actual.old else ""
    return f"{t.actor} recorded {_milestone(t)} of {_plan(t)} done{on}{was}{_BY_SOURCE.get(str(source), '')}"


def _reopened(t: Told) -> str:
    actual = t.value("actual_date")
    t.value("source")
    was = f" (done {actual.old})" if actual.old else ""
    return f"{t.actor} reopened {_milestone(t)} of {_plan(t)}{was}{_reason(t)}"


sentences_register(
    {
        PlanAction.APPLIED: _applied,
        PlanAction.REAPPLIED: lambda t: _applied(t, again=True),
        PlanAction.MILESTONE_REPLANNED: _replanned,
        PlanAction.MILESTONE_RECORDED: _recorded,
        PlanAction.MILESTONE_REOPENED: _reopened,
    },
    fields={
        "milestone": Field(label="Milestone", plain=True),
        "code": Field(hidden=True),
        "template": Field(label="Template", plain=True),
        "milestones": Field(label="Milestones", number=True),
        "planned_date": Field(label="Planned"),
        "actual_date": Field(label="Actual"),
        "forecast_date": Field(label="Forecast"),
        "source": Field(label="Recorded by", values=SOURCES),
        "reason": Field(label="Reason", plain=True),
        "note": Field(label="Note", plain=True),
        "etd": Field(label="ETD"),
        "kept": Field(label="Actual dates kept", number=True),
    },
)

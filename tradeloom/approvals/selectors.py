"""Reads for approvals: gate badges of many orders (or styles) in one query, an order's gates with their
histories, the approvals board, and the gates, rules, entries, samples and attachments the pages and endpoints
name (each within what the member may see; 404 otherwise)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.db.models import Count, JSONField, Model, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from tradeloom.approvals import states
from tradeloom.approvals.models import Attachment, Gate, GateEntry, GateRule, LineGate, Sample
from tradeloom.sales.models import Line, Order
from tradeloom.sales.selectors import lines_visible, merchandiser_restricted, order_visible_get
from tradeloom.tenancy.models import Membership

DEFAULT_STUCK_DAYS = 14
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class GateBadge:
    code: str
    name: str
    state: str

    @property
    def label(self) -> str:
        return states.LABELS[self.state]

    @property
    def badge(self) -> str:
        return states.BADGES[self.state]


def _state_from_counts(row: dict[str, int]) -> str:
    """``states.aggregate`` computed from per-state counts (what the SQL below returns)."""
    if row["n"] and row["approved"] == row["n"]:
        return states.APPROVED
    for state in (states.REJECTED, states.RESUBMISSION, states.SUBMISSION):
        if row[state]:
            return state
    return states.NOT_STARTED


def gate_badges(*, ids: list[Any], per: str = "order") -> dict[Any, list[GateBadge]]:
    """For each order (``per="order"``) or style (``per="style"``) in ``ids``: its gates, each with the state its
    lines add up to. One query, whatever the number of orders, lines and gates."""
    key = {"order": "line__order_id", "style": "line__style_id"}[per]
    rows = (
        LineGate.objects.filter(**{f"{key}__in": ids})
        .values(key, "gate__code", "gate__name", "gate__position")
        .annotate(
            n=Count("id"),
            **{
                state: Count("id", filter=Q(state=state))
                for state in (states.APPROVED, *states.WAITING, states.REJECTED)
            },
        )
        .order_by(key, "gate__position", "gate__name")
    )
    badges: dict[Any, list[GateBadge]] = {}
    for row in rows:
        badges.setdefault(row[key], []).append(GateBadge(row["gate__code"], row["gate__name"], _state_from_counts(row)))
    return badges


# Per gate of an order, the state its lines add up to, as [[code, name, state], …]: a correlated subquery in the
# orders list's own statement (no query more for the badges). Same table as ``states.aggregate``.
ORDER_GATE_STATES_SQL = """
SELECT COALESCE(jsonb_agg(jsonb_build_array(g.code, g.name,
    CASE WHEN g.n = g.approved THEN 'approved' WHEN g.rejected > 0 THEN 'rejected'
         WHEN g.resubmission > 0 THEN 'resubmission' WHEN g.submission > 0 THEN 'submission'
         ELSE 'not_started' END) ORDER BY g.position, g.name), '[]'::jsonb)
FROM (
    SELECT gate.code, gate.name, gate.position, count(*) AS n,
           count(*) FILTER (WHERE lg.state = 'approved') AS approved,
           count(*) FILTER (WHERE lg.state = 'rejected') AS rejected,
           count(*) FILTER (WHERE lg.state = 'resubmission') AS resubmission,
           count(*) FILTER (WHERE lg.state = 'submission') AS submission
    FROM approvals_linegate lg
    JOIN sales_line line ON line.id = lg.line_id
    JOIN approvals_gate gate ON gate.id = lg.gate_id
    WHERE line.order_id = "sales_order"."id" AND gate.archived_at IS NULL
    GROUP BY gate.id
) g
"""


def order_gate_states() -> RawSQL:
    return RawSQL(ORDER_GATE_STATES_SQL, (), output_field=JSONField())  # noqa: S611 - constant SQL, no input


def _found(qs: QuerySet[M], pk: Any, what: str) -> M:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def order_with_lines_get(*, organization: Any, membership: Membership, pk: Any) -> Order:
    """An order this member may see (not a deleted one) with its styles and its lines (with their styles, in line
    order), for the approvals panel and the actions it posts; else 404."""
    lines = Prefetch("lines", queryset=Line.objects.select_related("style").order_by("position"))
    return order_visible_get(organization=organization, membership=membership, pk=pk, prefetch=("styles", lines))


def gate_list(*, organization: Any) -> QuerySet[Gate]:
    """The organisation's gates, standard and custom (archived ones included, one-line gates not), in order."""
    return Gate.objects.filter(organization=organization, line__isnull=True).order_by("position", "name")


def gate_get(*, organization: Any, pk: Any) -> Gate:
    """One of the organisation's gates (one-line gates included); else 404."""
    return _found(Gate.objects.filter(organization=organization), pk, "gate")


def gate_rule_list(*, organization: Any) -> QuerySet[GateRule]:
    """The organisation's gating rules with their gates, by kind and line status."""
    return GateRule.objects.filter(organization=organization).select_related("gate").order_by("kind", "line_status")


def gate_rule_get(*, organization: Any, pk: Any) -> GateRule:
    """One of the organisation's gating rules; else 404."""
    return _found(GateRule.objects.filter(organization=organization), pk, "rule")


def line_gate_get(*, organization: Any, membership: Membership, pk: Any) -> LineGate:
    """A gate of a line this member may see; else 404."""
    visible = lines_visible(organization=organization, membership=membership)
    return _found(LineGate.objects.filter(line__in=visible), pk, "line gate")


def line_gate_with_history_get(*, line_gate: LineGate) -> LineGate:
    """``line_gate`` read again with its gate and its entries (their attachments and authors): the answer after a
    step was recorded on it."""
    qs = LineGate.objects.select_related("gate").prefetch_related("entries__attachments", "entries__created_by")
    return qs.get(pk=line_gate.pk)


def order_line_gate_get(*, order: Order, pk: Any) -> LineGate:
    """A gate of a line of ``order``, with its gate and line; else 404."""
    qs = LineGate.objects.filter(line__order=order).select_related("gate", "line")
    return _found(qs, pk, "gate on this order")


def gate_entry_get(*, organization: Any, membership: Membership, pk: Any) -> GateEntry:
    """An entry of a gate of a line this member may see, with its line gate; else 404."""
    visible = lines_visible(organization=organization, membership=membership)
    qs = GateEntry.objects.filter(line_gate__line__in=visible).select_related("line_gate")
    return _found(qs, pk, "entry")


def order_gate_entry_get(*, order: Order, pk: Any) -> GateEntry:
    """An entry of a gate of a line of ``order``, with its line gate; else 404."""
    qs = GateEntry.objects.filter(line_gate__line__order=order).select_related("line_gate")
    return _found(qs, pk, "entry")


def sample_list_of_line(*, line: Line) -> QuerySet[Sample]:
    """A line's samples with their gates and attachments."""
    return Sample.objects.filter(line=line).select_related("gate").prefetch_related("attachments")


def sample_get(*, organization: Any, membership: Membership, pk: Any) -> Sample:
    """A sample of a line this member may see; else 404."""
    visible = lines_visible(organization=organization, membership=membership)
    return _found(Sample.objects.filter(line__in=visible), pk, "sample")


def order_sample_get(*, order: Order, pk: Any) -> Sample:
    """A sample of a line of ``order``, with its gate and line; else 404."""
    qs = Sample.objects.filter(line__order=order).select_related("gate", "line")
    return _found(qs, pk, "sample")


def attachment_get(*, organization: Any, membership: Membership, pk: Any) -> Attachment:
    """A file on an entry or a sample of a line this member may see; else 404."""
    lines = lines_visible(organization=organization, membership=membership)
    qs = Attachment.objects.filter(organization=organization).filter(
        pk__in=Attachment.objects.filter(entry__line_gate__line__in=lines)
        .values("pk")
        .union(Attachment.objects.filter(sample__line__in=lines).values("pk"))
    )
    return _found(qs, pk, "attachment")


def order_gates(*, order: Order) -> list[LineGate]:
    """The order's line gates with their histories, attachments and samples (four queries)."""
    entries = GateEntry.objects.select_related("created_by").prefetch_related("attachments")
    return list(
        LineGate.objects.filter(line__order=order)
        .select_related("gate", "line")
        .prefetch_related(Prefetch("entries", queryset=entries.order_by("effective_date", "recorded_at")))
        .order_by("line__position", "gate__position", "gate__name")
    )


def order_samples(*, order: Order) -> list[Sample]:
    return list(
        Sample.objects.filter(line__order=order)
        .select_related("gate", "line")
        .prefetch_related("attachments")
        .order_by("line__position", "gate__position", "version")
    )


def gates_of(*, organization: Any, include_line_gates: bool = False) -> QuerySet[Gate]:
    qs = Gate.objects.filter(organization=organization, archived_at__isnull=True)
    return qs if include_line_gates else qs.filter(line__isnull=True)


def gate_list_for_order(*, organization: Any, order: Order) -> QuerySet[Gate]:
    """The gates an order's lines may take: the organisation's active gates and those of the order's own lines."""
    gates = gates_of(organization=organization, include_line_gates=True)
    return (gates.filter(line__isnull=True) | gates.filter(line__order=order)).order_by("position", "name")


def gate_by_code(*, organization: Any, code: str) -> Gate | None:
    """The organisation's active gate (a one-line gate included) with this code, if there is one."""
    return gates_of(organization=organization, include_line_gates=True).filter(code=code).first()


def stuck_days(*, organization: Any) -> int:
    """Days in submission or resubmission after which a gate is "stuck" (``settings.approval_stuck_days``)."""
    value = (organization.settings or {}).get("approval_stuck_days", DEFAULT_STUCK_DAYS)
    return value if isinstance(value, int) and value > 0 else DEFAULT_STUCK_DAYS


def board(*, organization: Any, membership: Membership) -> QuerySet[LineGate]:
    """Line gates of the orders this member may see (deleted orders and archived gates left out), by joins."""
    qs = LineGate.objects.filter(
        organization=organization, line__order__archived_at__isnull=True, gate__archived_at__isnull=True
    )
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(line__order__merchandiser=membership)
    # Customers and merchandisers come by prefetch, not join: a join to customers (whose ids spread over many
    # organisations) makes the planner misjudge the page and join the whole table before sorting.
    return qs.select_related("gate", "line__style", "line__order").prefetch_related(
        "line__order__customer", "line__order__merchandiser__user"
    )


def waiting_since(days: int) -> Q:
    """Gates waiting for the buyer (submission or resubmission) since at least ``days`` days."""
    return Q(state__in=states.WAITING, state_since__lte=timezone.localdate() - timedelta(days=days))


def board_matrix(qs: QuerySet[LineGate]) -> list[dict[str, Any]]:
    """Counts of lines per gate and state, for the board's summary (one query)."""
    rows = qs.order_by().values("gate__code", "gate__name", "gate__position", "state").annotate(n=Count("id"))
    by_gate: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r["gate__position"], r["gate__name"])):
        gate = by_gate.setdefault(
            row["gate__code"], {"code": row["gate__code"], "name": row["gate__name"], "counts": {}}
        )
        gate["counts"][row["state"]] = row["n"]
    return [{**g, "cells": [(s, g["counts"].get(s, 0)) for s, _ in states.STATES]} for g in by_gate.values()]

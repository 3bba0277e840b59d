"""Reads for approvals: gate badges of many orders (or styles) in one query, an order's gates with their
histories, and the approvals board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, JSONField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tradeloom.approvals import states
from tradeloom.approvals.models import Gate, GateEntry, LineGate, Sample
from tradeloom.sales.models import Order
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.tenancy.models import Membership

DEFAULT_STUCK_DAYS = 14


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


def order_gates(order: Order) -> list[LineGate]:
    """The order's line gates with their histories, attachments and samples (four queries)."""
    entries = GateEntry.objects.select_related("created_by").prefetch_related("attachments")
    return list(
        LineGate.objects.filter(line__order=order)
        .select_related("gate", "line")
        .prefetch_related(Prefetch("entries", queryset=entries.order_by("effective_date", "recorded_at")))
        .order_by("line__position", "gate__position", "gate__name")
    )


def order_samples(order: Order) -> list[Sample]:
    return list(
        Sample.objects.filter(line__order=order)
        .select_related("gate", "line")
        .prefetch_related("attachments")
        .order_by("line__position", "gate__position", "version")
    )


def gates_of(organization: Any, *, include_line_gates: bool = False) -> QuerySet[Gate]:
    qs = Gate.objects.filter(organization=organization, archived_at__isnull=True)
    return qs if include_line_gates else qs.filter(line__isnull=True)


def stuck_days(organization: Any) -> int:
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

"""The dashboard's approvals panel (registered in ``tenancy.dashboard.DASHBOARD_PANELS`` by ``ApprovalsConfig``):
gates waiting for the buyer longer than the organisation's stuck setting, longest first.

The same gates as the board's "Stuck only" filter (``selectors.board`` — what the member may see — and
``waiting_since(stuck_days + 1)``), so the panel's count is the board's. Two statements whatever the number of gates:
the count, which stops at ``CAP`` ("1,000+"), and the first gates listed, both walking the partial index of waiting
gates by the day they started waiting (``approvals_waiting_since_idx``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf

from tradeloom.approvals import states
from tradeloom.approvals.selectors import board, stuck_days, waiting_since
from tradeloom.tenancy.dashboard import Dashboard

CAP = 1000
SHOWN = 8


@dataclass(frozen=True)
class WaitingGate:
    order_id: Any
    order_number: str
    customer: str
    line: str
    gate: str
    state: str
    since: date
    days: int

    @property
    def state_label(self) -> str:
        return states.LABELS[self.state]


@dataclass(frozen=True)
class Stuck:
    days: int  # the stuck setting: waiting more than this many days
    count: int  # at most CAP
    more: bool
    gates: list[WaitingGate]


def stuck_approvals(dashboard: Dashboard) -> Stuck:
    organization = dashboard.organization
    days = stuck_days(organization=organization)
    stuck = (
        board(organization=organization, membership=dashboard.membership)
        .select_related(None)
        .prefetch_related(None)
        .filter(waiting_since(days + 1))
    )
    count = stuck.order_by().values("pk")[: CAP + 1].count()
    rows = (
        stuck.order_by("state_since", "id")
        .annotate(
            customer=Coalesce(
                NullIf(F("line__order__customer__trade_name"), Value("")), "line__order__customer__legal_name"
            )
        )
        .values(
            "line__order_id",
            "line__order__number",
            "customer",
            "line__colour_code",
            "line__cad_code",
            "gate__name",
            "state",
            "state_since",
        )[:SHOWN]
    )
    gates = []
    for row in rows:
        since = cast(date, row["state_since"])  # set: the gate is waiting since that day
        gates.append(
            WaitingGate(
                order_id=row["line__order_id"],
                order_number=row["line__order__number"],
                customer=row["customer"],
                line=row["line__colour_code"] + (f" / {row['line__cad_code']}" if row["line__cad_code"] else ""),
                gate=row["gate__name"],
                state=row["state"],
                since=since,
                days=(dashboard.today - since).days,
            )
        )
    return Stuck(days=days, count=min(count, CAP), more=count > CAP, gates=gates)


def stuck_panel(dashboard: Dashboard) -> dict[str, Any]:
    return {"stuck": dashboard.once("approvals.stuck", stuck_approvals)}

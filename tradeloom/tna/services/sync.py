"""Milestones that complete themselves: from the approval gates (``gate_code``), from production
(``production_process``) and from the shipment's departure (``ex_factory``) — called by ``tna.subscribers`` in the
publishing transaction and by ``plan_apply`` (a plan made after the gate was approved starts with it done).

What each milestone should be is worked out from the current state, so running it twice changes nothing:

* gate, line plan: done on the line gate's effective date while it is approved;
* gate, order plan: done when every line of the order that carries the gate (archived lines left out) has it
  approved, on the latest of their dates;
* production, line plan: the current entries for the line of its (not cancelled) work orders — an entry without a
  line counts for a work order of that one line only — reach the lines' ordered quantity on those work orders;
  order plan: every current entry of the order's work orders reaches their quantity; the date is the day the
  running sum got there;
* a milestone recorded by hand is left alone; one the gate or production completed is reopened (or its date
  corrected) when the state behind it changes (a correction away from approved, a production correction).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from tradeloom.approvals import states as gate_states
from tradeloom.approvals.models import LineGate
from tradeloom.tna.models import EX_FACTORY, Milestone, Plan
from tradeloom.tna.services.milestones import (
    Source,
    _bump,
    actual_clear,
    actual_set,
    forecast_apply,
    milestones_of,
)

ZERO = Decimal(0)


def plans_locked(*, order_ids: Iterable[Any], line_ids: Iterable[Any] = ()) -> list[Plan]:
    """The order plans of ``order_ids`` and the line plans of ``line_ids``, locked, in a fixed order."""
    order_ids, line_ids = list(set(order_ids)), list(set(line_ids))
    if not order_ids and not line_ids:
        return []
    condition = Q(order_id__in=order_ids, line__isnull=True) | Q(line_id__in=line_ids)
    return list(Plan.objects.select_for_update().filter(condition).order_by("order_id", "line_id", "id"))


def _gate_dates(plan: Plan, codes: set[str]) -> dict[str, datetime.date | None]:
    """For each gate code: the date the plan's milestone is done by it, or None."""
    if not codes:
        return {}
    rows = LineGate.objects.filter(gate__code__in=codes)
    if plan.line_id:
        rows = rows.filter(line_id=plan.line_id)
    else:
        rows = rows.filter(line__order_id=plan.order_id).exclude(line__status="archived")
    by_code: dict[str, list[tuple[str, datetime.date | None]]] = defaultdict(list)
    for code, state, since in rows.values_list("gate__code", "state", "state_since"):
        by_code[code].append((state, since))
    result: dict[str, datetime.date | None] = {}
    for code in codes:
        found = by_code.get(code, [])
        if found and all(state == gate_states.APPROVED and since for state, since in found):
            result[code] = max(since for _, since in found if since)
        else:
            result[code] = None
    return result


def _reached(rows: Iterable[Mapping[str, Any]], process: str, target: Decimal) -> datetime.date | None:
    """The day the running sum of ``process`` over ``rows`` (by day) reached ``target``."""
    if target <= 0:
        return None
    total = ZERO
    for row in rows:
        total += row[process] or ZERO
        if total >= target:
            return row["produced_on"]
    return None


def _production_dates(plan: Plan, processes: set[str]) -> dict[str, datetime.date | None]:
    if not processes:
        return {}
    from tradeloom.production import states as wo_states
    from tradeloom.production.models import ProductionEntry, WorkOrder, WorkOrderLine

    live = ~Q(work_order__status=wo_states.CANCELLED)
    if plan.line_id:
        links = list(WorkOrderLine.objects.filter(live, line_id=plan.line_id).values_list("work_order_id", "quantity"))
        if not links:
            return dict.fromkeys(processes)
        wo_ids = [wo for wo, _ in links]
        target = sum((q for _, q in links), ZERO)
        single = [
            row["work_order_id"]
            for row in WorkOrderLine.objects.filter(work_order_id__in=wo_ids)
            .values("work_order_id")
            .annotate(n=Count("id"))
            .filter(n=1)
        ]
        entries = ProductionEntry.objects.filter(is_current=True, work_order_id__in=wo_ids).filter(
            Q(line_id=plan.line_id) | Q(line__isnull=True, work_order_id__in=single)
        )
    else:
        work_orders = list(
            WorkOrder.objects.filter(order_id=plan.order_id)
            .exclude(status=wo_states.CANCELLED)
            .values_list("pk", "quantity")
        )
        if not work_orders:
            return dict.fromkeys(processes)
        target = sum((q for _, q in work_orders), ZERO)
        entries = ProductionEntry.objects.filter(is_current=True, work_order_id__in=[pk for pk, _ in work_orders])
    rows = list(entries.order_by("produced_on").values("produced_on", *sorted(processes)))
    return {p: _reached(rows, p, target) for p in processes}


def _apply(
    plan: Plan,
    milestones: Sequence[Milestone],
    wanted: Mapping[Any, datetime.date | None],
    *,
    by: Any,
    source: str,
    reason: str,
) -> bool:
    """Make each milestone of ``wanted`` (pk → date or None) what it should be; True when one changed."""
    changed = False
    for m in milestones:
        if m.pk not in wanted:
            continue
        day = wanted[m.pk]
        if day is not None:
            if not m.is_done or (m.completed_by == source and m.actual_date != day):
                changed |= actual_set(plan, m, by=by, actual_date=day, source=source)
        elif m.is_done and m.completed_by == source:
            changed |= actual_clear(plan, m, by=by, reason=reason, source=source)
    return changed


def plan_sync(
    plan: Plan,
    *,
    by: Any,
    gates: bool = True,
    production: bool = True,
    gate_codes: set[str] | None = None,
    milestones: list[Milestone] | None = None,
) -> bool:
    """Bring the locked plan's self-completing milestones in line with the gates and production; re-forecast and move
    the version when something changed."""
    milestones = milestones if milestones is not None else milestones_of(plan)
    changed = False
    if gates:
        tied = [m for m in milestones if m.gate_code and (gate_codes is None or m.gate_code in gate_codes)]
        dates = _gate_dates(plan, {m.gate_code for m in tied})
        changed |= _apply(
            plan,
            milestones,
            {m.pk: dates[m.gate_code] for m in tied},
            by=by,
            source=Source.GATE,
            reason="Its approval gate is no longer approved.",
        )
    if production:
        tied = [m for m in milestones if m.production_process]
        dates = _production_dates(plan, {m.production_process for m in tied})
        changed |= _apply(
            plan,
            milestones,
            {m.pk: dates[m.production_process] for m in tied},
            by=by,
            source=Source.PRODUCTION,
            reason="The production reported no longer reaches the ordered quantity.",
        )
    if changed:
        forecast_apply(plan, milestones)
        _bump(plan)
    return changed


def gates_changed(*, line: Any, gate_code: str, by: Any) -> None:
    """A line's gate moved: the plans of the line and of its order follow (nothing to do without a plan)."""
    for plan in plans_locked(order_ids=[line.order_id], line_ids=[line.pk]):
        plan_sync(plan, by=by, production=False, gate_codes={gate_code})


def production_changed(*, work_order: Any, by: Any) -> None:
    """Production was reported on a work order: the plans of its lines and of its order follow."""
    from tradeloom.production.models import WorkOrderLine

    line_ids = list(WorkOrderLine.objects.filter(work_order_id=work_order.pk).values_list("line_id", flat=True))
    order_ids = [work_order.order_id] if work_order.order_id else []
    for plan in plans_locked(order_ids=order_ids, line_ids=line_ids):
        plan_sync(plan, by=by, gates=False)


def shipment_departed(*, shipment: Any, lines: Sequence[Any], by: Any) -> None:
    """The goods left: ``ex_factory`` of the plans of the lines it carries and of their orders is done on the
    departure date (unless recorded already)."""
    day = shipment.departed_on
    if day is None or not lines:
        return
    plans = plans_locked(order_ids=[sl.order_id for sl in lines], line_ids=[sl.line_id for sl in lines])
    for plan in plans:
        milestones = milestones_of(plan)
        changed = False
        for m in milestones:
            if m.code == EX_FACTORY and not m.is_done:
                changed |= actual_set(plan, m, by=by, actual_date=day, source=Source.SHIPMENT)
        if changed:
            forecast_apply(plan, milestones)
            _bump(plan)

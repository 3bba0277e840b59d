"""Production and T&A in the benchmark data set: T&A plans for a share of the orders with an ETD, and work orders with
the mill's daily entries for a share of the orders' mill lines — streamed with COPY like the rest of the data set
(``generate.py``), not through the services, but with every figure the services keep:

* a plan per chosen order from the standard milestones (``tna.models.STANDARD_MILESTONES``), planned backwards from
  the order's ETD in calendar days (``tna.planning.plan_dates``); the milestones planned before today mostly done
  (their actual date a few days either side of the planned one), the rest pending; forecasts and slippage from
  ``tna.planning.forecast`` (so slips propagate as the app's would), the order's merchandiser responsible;
* a work order (``WO-<n>`` from the organisation's sequence, left at the next number) per chosen order's mill, for
  its lines of that mill: quantity their sum, due a week before the ETD, status by age, daily entries of knitted /
  dyed / finished from its start, and the totals, progress, estimated completion and late flag of
  ``production.services.figures``.

It reads the organisation's orders from the database, so it also tops up a data set generated before production
existed; it does nothing for an organisation that has T&A plans. It draws from its own random stream.
"""

from __future__ import annotations

import random
from contextlib import ExitStack
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tradeloom.bench.streams import Copy, Ids
from tradeloom.core.context import tenant_context
from tradeloom.core.models import NumberSequence
from tradeloom.core.workdays import WorkWeek
from tradeloom.production import states
from tradeloom.production.models import ProductionEntry, WorkOrder, WorkOrderLine
from tradeloom.production.services import figures
from tradeloom.tna import planning
from tradeloom.tna.models import STANDARD_MILESTONES, Milestone, Plan

PLANNED = 1 / 5  # orders with an ETD that get a T&A plan
WORK_ORDERS = 1 / 8  # orders whose mill lines get a work order per mill
THOUSANDTH = Decimal("0.001")
WEEK = WorkWeek.of([6])  # the organisation's default: Sunday off

# The orders with an ETD (for plans) and their lines of each mill (for work orders), oldest first.
ORDERS_SQL = """
SELECT o.id, o.etd, o.order_date, o.merchandiser_id, o.created_at::date, l.supplier_id,
       array_agg(l.id ORDER BY l.position, l.id), array_agg(l.quantity ORDER BY l.position, l.id),
       array_agg(l.unit_id ORDER BY l.position, l.id), min(l.item_id::text)
  FROM sales_order o
  JOIN sales_line l ON l.order_id = o.id AND l.organization_id = o.organization_id
 WHERE o.organization_id = %(org)s AND o.etd IS NOT NULL AND o.status <> 'cancelled' AND l.status <> 'archived'
 GROUP BY o.id, l.supplier_id
 ORDER BY o.created_at, o.id, l.supplier_id NULLS FIRST
"""


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def plan_rows(
    *, rng: random.Random, ids: Any, organization_id: Any, order: tuple[Any, ...], today: date, author_id: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One order's plan and its milestones, as the services would have left them by ``today``."""
    order_id, etd, order_date, merchandiser_id, created = order
    plan_id = ids()
    stamp = {"organization_id": organization_id, "created_by_id": author_id, "created_at": _at(created)}
    plan = {
        **stamp,
        "updated_at": _at(created),
        "id": plan_id,
        "order_id": order_id,
        "line_id": None,
        "template_name": "Standard knit programme",
        "etd": etd,
        "order_date": order_date,
        "uses_working_days": False,
        "weekly_off_days": [],
        "version": 1,
    }
    rows = []
    for position, (code, name, offset, depends, gate, process) in enumerate(STANDARD_MILESTONES):
        planned = planning.planned_date(anchor="etd", offset_days=offset, etd=etd, order_date=order_date)
        actual = None
        # what was due more than six weeks ago was done (an order's old plan is complete); of what was due since,
        # most was done, a few late ones still open
        if planned < today - timedelta(days=42) or (planned < today and rng.random() < 0.85):
            actual = min(today, planned + timedelta(days=rng.choice((-2, -1, 0, 0, 0, 1, 2, 3, 5, 8))))
        rows.append(
            {
                **stamp,
                "updated_at": _at(min(today, actual or created)),
                "id": ids(),
                "plan_id": plan_id,
                "code": code,
                "name": name,
                "anchor": "etd",
                "offset_days": offset,
                "depends_on": list(depends),
                "gate_code": gate,
                "production_process": process,
                "position": position,
                "original_date": planned,
                "planned_date": planned,
                "actual_date": actual,
                "status": Milestone.Status.DONE if actual else Milestone.Status.PENDING,
                "completed_by": Milestone.CompletedBy.HAND if actual else "",
                "responsible_id": merchandiser_id,
            }
        )
    forecasts = planning.forecast(
        [planning.Row(r["code"], r["planned_date"], tuple(r["depends_on"]), r["actual_date"]) for r in rows],
        today=today,
    )
    for row in rows:
        row["forecast_date"], row["slippage_days"] = forecasts[row["code"]]
    return plan, rows


def work_order_rows(
    *,
    rng: random.Random,
    ids: Any,
    organization_id: Any,
    number: str,
    order: tuple[Any, ...],
    today: date,
    author_id: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """A work order for one mill's lines of an order, its lines and its daily entries up to ``today``."""
    order_id, etd, supplier_id, line_ids, quantities, units, item_id, created = order
    wo_id = ids()
    quantity = sum((Decimal(q) for q in quantities), Decimal(0))
    due = etd - timedelta(days=7)
    start = created + timedelta(days=rng.randint(10, 30))
    stamp = {"organization_id": organization_id, "created_by_id": author_id, "created_at": _at(created)}
    # the mill's pace: finishing the quantity over 20-40 working days, some mills slower than planned
    pace = quantity / rng.randint(20, 40) * Decimal(rng.choice(("1", "1", "0.9", "0.7", "1.2")))
    entries: list[dict[str, Any]] = []
    totals = {"knitted": Decimal(0), "dyed": Decimal(0), "finished": Decimal(0)}
    daily: dict[date, Decimal] = {}
    day = start
    while day < today and totals["finished"] < quantity:
        if WEEK.is_working(day) and rng.random() < 0.85:
            knitted = min(quantity * Decimal("1.05") - totals["knitted"], pace * Decimal("1.1")).quantize(THOUSANDTH)
            dyed = min(totals["knitted"] + knitted - totals["dyed"], pace).quantize(THOUSANDTH)
            finished = min(totals["dyed"] + dyed - totals["finished"], pace * Decimal("0.95")).quantize(THOUSANDTH)
            figures_of_day = {"knitted": max(knitted, Decimal(0)), "dyed": max(dyed, Decimal(0))}
            figures_of_day["finished"] = max(finished, Decimal(0))
            for key, value in figures_of_day.items():
                totals[key] += value
            daily[day] = figures_of_day["finished"]
            entries.append(
                {
                    **stamp,
                    "created_at": _at(day),
                    "updated_at": _at(day),
                    "id": ids(),
                    "work_order_id": wo_id,
                    "line_id": None,
                    "produced_on": day,
                    "pieces": 0,
                    "rejects": (figures_of_day["finished"] * Decimal("0.01")).quantize(THOUSANDTH),
                    "reported_by_id": author_id,
                    "is_current": True,
                    **figures_of_day,
                }
            )
        day += timedelta(days=1)
    if not entries:
        status = states.PENDING if start <= today + timedelta(days=30) else states.DRAFT
    elif totals["finished"] >= quantity:
        status = states.COMPLETED
    else:
        status = states.IN_PROGRESS
    estimate = figures.estimate(
        quantity=quantity,
        finished=totals["finished"],
        daily_finished=daily,
        today=today,
        work_week=WEEK,
        last_reported_on=max(daily) if daily else None,
    )
    late = figures.is_late(
        status=status,
        due_date=due,
        remaining=estimate.remaining,
        estimated_completion=estimate.estimated_completion,
        today=today,
        work_week=WEEK,
    )
    wo = {
        **stamp,
        "updated_at": _at(max(daily) if daily else created),
        "id": wo_id,
        "number": number,
        "item_id": item_id,
        "product_name": "" if item_id else "Knit fabric",
        "order_id": order_id,
        "supplier_id": supplier_id,
        "quantity": quantity,
        "unit_id": units[0],
        "due_date": due,
        "priority": rng.choice((states.NORMAL, states.NORMAL, states.NORMAL, states.HIGH, states.LOW, states.URGENT)),
        "status": status,
        "version": 1,
        "started_on": entries[0]["produced_on"] if entries else None,
        "completed_on": max(daily) if status == states.COMPLETED else None,
        "knitted_quantity": totals["knitted"],
        "dyed_quantity": totals["dyed"],
        "finished_quantity": totals["finished"],
        "pieces": 0,
        "rejects": sum((e["rejects"] for e in entries), Decimal(0)),
        "last_reported_on": max(daily) if daily else None,
        "progress_percent": figures.progress_percent(quantity=quantity, finished=totals["finished"]),
        "estimated_completion": estimate.estimated_completion,
        "is_late": late,
    }
    lines = [
        {
            **stamp,
            "updated_at": _at(created),
            "id": ids(),
            "work_order_id": wo_id,
            "line_id": line_id,
            "quantity": Decimal(q),
            "position": position,
        }
        for position, (line_id, q) in enumerate(zip(line_ids, quantities, strict=True))
    ]
    return wo, lines, entries


TABLES = {"plans": Plan, "milestones": Milestone, "work_orders": WorkOrder, "wo_lines": WorkOrderLine}


def generate_production(*, organization: Any, by: Any, seed: int, today: date, connect: Any) -> dict[str, int]:
    """Stream the organisation's T&A plans and work orders (nothing when it has plans). Returns the counts."""
    if Plan.objects.using("owner").filter(organization=organization).exists():
        return {}
    rng = random.Random(f"{seed}-production-{organization.slug}")
    ids = Ids(rng)
    last_number = 0
    with ExitStack() as stack:
        reader = stack.enter_context(connect())
        copies = {name: Copy(stack, stack.enter_context(connect()), model) for name, model in TABLES.items()}
        entries = Copy(stack, stack.enter_context(connect()), ProductionEntry)
        cursor = stack.enter_context(reader.cursor(name="bench_production_orders"))
        cursor.itersize = 5000
        cursor.execute(ORDERS_SQL, {"org": organization.pk})
        current: Any = None
        for order_id, etd, order_date, merchandiser_id, created, supplier_id, line_ids, qty, units, item in cursor:
            if current != order_id:  # one draw per order for a plan, one for its work orders
                current = order_id
                planned = rng.random() < PLANNED
                producing = rng.random() < WORK_ORDERS
                if planned:
                    plan, milestones = plan_rows(
                        rng=rng,
                        ids=ids,
                        organization_id=organization.pk,
                        order=(order_id, etd, order_date, merchandiser_id, created),
                        today=today,
                        author_id=by.user_id,
                    )
                    copies["plans"].write(plan)
                    for row in milestones:
                        copies["milestones"].write(row)
            if not producing or supplier_id is None:
                continue
            last_number += 1
            wo, lines, daily = work_order_rows(
                rng=rng,
                ids=ids,
                organization_id=organization.pk,
                number=f"WO-{last_number:06d}",
                order=(order_id, etd, supplier_id, line_ids, qty, units, item, created),
                today=today,
                author_id=by.user_id,
            )
            copies["work_orders"].write(wo)
            for row in lines:
                copies["wo_lines"].write(row)
            for row in daily:
                entries.write(row)
        counts = {name: copy.count for name, copy in copies.items()}
        counts["entries"] = entries.count
    with tenant_context(organization):
        NumberSequence.objects.update_or_create(
            organization=organization, kind="work_order", year=0, defaults={"next_value": last_number + 1}
        )
    return counts

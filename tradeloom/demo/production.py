"""The demo's T&A plans and work orders, through the services (``manage.py demo_setup``; idempotent):

* **UT-5610** (ETD in six days) has a plan that has slipped: knitting and dyeing were done over a week late and
  finishing has not been reported, so cutting, sewing, packing and inspection are forecast after their dates and
  ex-factory after the ETD; its NAVY line's work order is behind its due date (the mill finishes a few hundred metres
  a day of 9,000);
* **NA-2026-117** (ETD in 19 days) is on track: its milestones done around their dates, packing moved two days with a
  reason, and its work order finishing at a rate that meets the due date;
* **UT-5543** is sampling: yarn booked, the lab dip late; its work order is a draft;
* **NA-2026-131** has a plan with nothing due yet; **KM-0877** (shipped) a completed work order.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tradeloom.core.workdays import WorkWeek

# po → {milestone code: days late it was done}; codes in ``LEFT_PENDING`` stay open (late when their date passed)
SLIPS: dict[str, dict[str, int]] = {
    "UT-5610": {"yarn_in_house": 3, "knitting": 9, "dyeing": 10, "strike_off": 2, "pp_sample_sent": 4},
    "NA-2026-117": {"knitting": 1, "dyeing": -1},
    "UT-5543": {},
    "NA-2026-131": {},
}
LEFT_PENDING = {
    "UT-5610": {"finishing", "cutting", "sewing", "packing", "final_inspection", "ex_factory"},
    "UT-5543": {"lab_dip_approval", "strike_off"},
}
# po → (planned code, days moved, reason)
REPLANS = {"NA-2026-117": ("packing", 2, "Cartons from the trims supplier arrive two days later; QA agreed.")}
# po → (colour codes, status, finished per working day, working days reported, priority)
WORK_ORDERS: list[tuple[str, tuple[str, ...], str, str, int, str]] = [
    ("UT-5610", ("NAVY",), "in_progress", "320", 8, "urgent"),
    ("NA-2026-117", ("NAVY", "WHITE"), "in_progress", "1450", 10, "high"),
    ("UT-5543", ("BLACK",), "draft", "0", 0, "normal"),
    ("KM-0877", ("WHITE",), "completed", "800", 9, "normal"),
]


def demo_tna_create(*, organization: Any, by: Any) -> None:
    """T&A plans of four demo orders from the standard template, with actual dates recorded as the mill reported
    them (only when the organisation has no plan yet)."""
    from tradeloom.sales.models import Order
    from tradeloom.tna.models import Milestone, Plan, Template
    from tradeloom.tna.services import milestone_record, milestone_replan, plan_apply, template_for

    if Plan.objects.filter(organization=organization).exists():
        return
    today = timezone.localdate()
    orders = {o.po_number: o for o in Order.objects.filter(organization=organization, po_number__in=list(SLIPS))}
    for po, slips in SLIPS.items():
        order = orders.get(po)
        if order is None or order.etd is None:
            continue
        template = template_for(organization=organization, order=order) or (
            Template.objects.filter(organization=organization, archived_at__isnull=True).order_by("name").first()
        )
        if template is None:
            return
        plan = plan_apply(organization=organization, by=by, order=order, template=template)
        pending = LEFT_PENDING.get(po, set())
        for milestone in Milestone.objects.filter(plan=plan).order_by("position"):
            current = Milestone.objects.get(pk=milestone.pk)  # a record re-forecasts the plan
            if current.is_done or current.code in pending or current.planned_date >= today:
                continue
            actual = min(today, current.planned_date + timedelta(days=slips.get(current.code, 0)))
            note = "As the mill reported" if slips.get(current.code, 0) > 0 else ""
            milestone_record(organization=organization, by=by, milestone=current, actual_date=actual, note=note)
        if po in REPLANS:
            code, days, reason = REPLANS[po]
            target = Milestone.objects.get(plan=plan, code=code)
            if not target.is_done:
                milestone_replan(
                    organization=organization,
                    by=by,
                    milestone=target,
                    planned_date=target.planned_date + timedelta(days=days),
                    reason=reason,
                )


def _reported_days(today: date, count: int, week: WorkWeek) -> list[date]:
    """The last ``count`` working days before today, oldest first."""
    days: list[date] = []
    day = today
    while len(days) < count:
        day -= timedelta(days=1)
        if week.is_working(day):
            days.append(day)
    return days[::-1]


def demo_production_create(*, organization: Any, by: Any) -> None:
    """Work orders for four demo orders' lines at their mills: one behind its due date, one on track, a draft and a
    completed one, with the daily production reported (only when the organisation has no work order yet)."""
    from tradeloom.production.models import WorkOrder
    from tradeloom.production.services import production_report, work_order_create, work_order_move
    from tradeloom.sales.models import Line

    if WorkOrder.objects.filter(organization=organization).exists():
        return
    today = timezone.localdate()
    week = organization.work_week
    for po, colours, status, per_day, days, priority in WORK_ORDERS:
        lines = list(
            Line.objects.filter(organization=organization, order__po_number=po, colour_code__in=colours)
            .select_related("order")
            .order_by("position")
        )
        if not lines or lines[0].supplier_id is None:
            continue
        order = lines[0].order
        etd = order.etd or today
        work_order = work_order_create(
            organization=organization,
            by=by,
            data={
                "supplier": lines[0].supplier,
                "due_date": etd - timedelta(days=5),
                "priority": priority,
                "loss_percent": Decimal("8"),
                "mixed_percent": Decimal("3"),
                "notes": "Knit, dye and finish at the mill; greige and yarn from the mill's store.",
            },
            lines=[{"line": line, "quantity": line.quantity} for line in lines],
        )
        if status == "draft":
            continue
        work_order_move(organization=organization, by=by, work_order=work_order, action="release")
        rate = Decimal(per_day)
        reported = _reported_days(today, days, week)
        rows = []
        for n, day in enumerate(reported):
            finished = rate if status != "completed" or n < len(reported) - 1 else None
            if finished is None:  # the last day of a completed one finishes what is left
                finished = max(Decimal(0), work_order.quantity - rate * (len(reported) - 1))
            rows.append(
                {
                    "work_order": work_order,
                    "produced_on": day,
                    "knitted": (finished * Decimal("1.15")).quantize(Decimal("0.001")),
                    "dyed": (finished * Decimal("1.05")).quantize(Decimal("0.001")),
                    "finished": finished,
                    "pieces": 0,
                    "rejects": (finished * Decimal("0.012")).quantize(Decimal("0.001")),
                    "note": "",
                }
            )
        if rows:
            production_report(organization=organization, by=by, rows=rows)
        if status == "completed":
            work_order = WorkOrder.objects.get(pk=work_order.pk)
            work_order_move(organization=organization, by=by, work_order=work_order, action="complete")

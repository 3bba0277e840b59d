"""Applying a T&A template to an order or one of its lines: the plan and its milestones, planned backwards from the
ETD (``planning.plan_dates``), forecast, and brought in line with the gates and production already recorded.

One plan per order and per line (``plan_exists``, 409); another template replaces the plan's milestones through
``plan_reapply`` (with a reason), which keeps the actual dates of the codes both have. A line plan counts from the
line's ETD, else the order's; without one it cannot be planned (``etd_missing``). The responsible of each milestone
is the order's merchandiser.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.workdays import WorkWeek
from tradeloom.sales.models import Line, Order
from tradeloom.tna import planning
from tradeloom.tna.events import PlanAction
from tradeloom.tna.models import Milestone, MilestoneChange, Plan, Template, TemplateMilestone
from tradeloom.tna.services.milestones import (
    Source,
    _reason,
    forecast_apply,
    milestones_of,
    plan_lock,
)
from tradeloom.tna.services.sync import plan_sync

COPIED = ("name", "anchor", "offset_days", "depends_on", "gate_code", "production_process", "position")


def _order(organization: Any, order: Any) -> Order:
    pk = getattr(order, "pk", order)
    found = Order.objects.select_for_update(of=("self",)).filter(organization=organization, pk=pk).first()
    if found is None:
        raise ApplicationError("No such order.", code="not_found", status=404)
    if found.status == Order.Status.CANCELLED:
        raise ApplicationError("The order is cancelled.", code="order_cancelled", status=409)
    return found


def _line(order: Order, line: Any) -> Line | None:
    if line in (None, ""):
        return None
    pk = getattr(line, "pk", line)
    try:
        found = Line.objects.filter(organization_id=order.organization_id, order=order, pk=pk).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise field_error("line", "Choose a line of this order.")
    return found


def _template(organization: Any, template: Any) -> tuple[Template, list[TemplateMilestone]]:
    pk = getattr(template, "pk", template)
    try:
        found = Template.objects.filter(organization=organization, pk=pk).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise field_error("template", "Choose one of your T&A templates.")
    if found.archived_at is not None:
        raise field_error("template", "That template is archived.")
    rows = list(TemplateMilestone.objects.filter(template=found).order_by("position"))
    if not rows:
        raise field_error("template", "That template has no milestones.")
    planning.dependency_order(rows)
    return found, rows


def _calendar(organization: Any, template: Template) -> tuple[WorkWeek | None, list[int]]:
    off = sorted(organization.weekly_off_days)
    return (WorkWeek.of(off) if template.uses_working_days else None), off


@transaction.atomic
def plan_apply(*, organization: Any, by: Any, order: Any, line: Any = None, template: Any) -> Plan:
    """Make the plan of ``order`` (or of its ``line``) from ``template``."""
    order = _order(organization, order)
    line = _line(order, line)
    template, rows = _template(organization, template)
    if Plan.objects.filter(order=order, line=line).exists():
        what = f"{line}" if line is not None else "this order"
        raise ApplicationError(
            f"{what} has a T&A plan already; apply another template to replace it.", code="plan_exists", status=409
        )
    etd = (line.etd or order.etd) if line is not None else order.etd
    work_week, off = _calendar(organization, template)
    planned = planning.plan_dates(rows, etd=etd, order_date=order.order_date, work_week=work_week)
    plan = Plan.objects.create(
        organization=organization,
        created_by_id=getattr(by, "user_id", None),
        order=order,
        line=line,
        template=template,
        template_name=template.name,
        etd=etd,
        order_date=order.order_date,
        uses_working_days=template.uses_working_days,
        weekly_off_days=off,
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            organization=organization,
            created_by_id=getattr(by, "user_id", None),
            plan=plan,
            code=row.code,
            **{f: getattr(row, f) for f in COPIED},
            original_date=planned[row.code],
            planned_date=planned[row.code],
            forecast_date=planned[row.code],
            responsible_id=order.merchandiser_id,
        )
        for row in rows
    )
    forecast_apply(plan, milestones)
    changes: dict[str, Any] = {
        "template": [None, template.name],
        "milestones": [None, len(milestones)],
        "etd": [None, etd],
    }
    if template.uses_working_days:
        changes["uses_working_days"] = [None, True]
    audit_record(actor=by, action=PlanAction.APPLIED, target=plan, changes=changes)
    plan_sync(plan, by=by, milestones=milestones)
    return plan


@transaction.atomic
def plan_reapply(
    *, organization: Any, by: Any, plan: Plan, template: Any, reason: str, version: int | None = None
) -> Plan:
    """Replace the plan's milestones by ``template``'s, planned again from today's ETD, with a reason. Milestones of
    the codes both have keep their actual dates and their history; the others go."""
    if plan.organization_id != getattr(organization, "pk", organization):
        raise ApplicationError("No such plan.", code="not_found", status=404)
    reason = _reason(reason, "Say why the plan is replaced.")
    plan = plan_lock(plan, version)
    template, rows = _template(organization, template)
    order = Order.objects.get(pk=plan.order_id)
    line = Line.objects.get(pk=plan.line_id) if plan.line_id else None
    etd = (line.etd or order.etd) if line is not None else order.etd
    work_week, off = _calendar(organization, template)
    planned = planning.plan_dates(rows, etd=etd, order_date=order.order_date, work_week=work_week)
    existing = {m.code: m for m in milestones_of(plan)}
    keep: list[Milestone] = []
    new: list[Milestone] = []
    changes: list[MilestoneChange] = []
    now = timezone.now()
    for row in rows:
        m = existing.pop(row.code, None)
        date = planned[row.code]
        if m is None:
            new.append(
                Milestone(
                    organization=organization,
                    created_by_id=getattr(by, "user_id", None),
                    plan=plan,
                    code=row.code,
                    **{f: getattr(row, f) for f in COPIED},
                    original_date=date,
                    planned_date=date,
                    forecast_date=date,
                    responsible_id=order.merchandiser_id,
                )
            )
            continue
        if m.planned_date != date:
            changes.append(
                MilestoneChange(
                    organization=organization,
                    created_by_id=getattr(by, "user_id", None),
                    milestone=m,
                    field=MilestoneChange.Field.PLANNED,
                    old_date=m.planned_date,
                    new_date=date,
                    reason=reason,
                    source=Source.HAND,
                    changed_by_id=getattr(by, "user_id", None),
                )
            )
        for f in COPIED:
            setattr(m, f, getattr(row, f))
        m.planned_date = date
        m.updated_at = now
        keep.append(m)
    if existing:
        Milestone.objects.filter(pk__in=[m.pk for m in existing.values()]).delete()
    if keep:
        Milestone.objects.bulk_update(keep, [*COPIED, "planned_date", "updated_at"])
    created = Milestone.objects.bulk_create(new) if new else []
    if changes:
        MilestoneChange.objects.bulk_create(changes)
    plan.template, plan.template_name = template, template.name
    plan.etd, plan.order_date = etd, order.order_date
    plan.uses_working_days, plan.weekly_off_days = template.uses_working_days, off
    plan.version += 1
    plan.save()
    milestones = sorted([*keep, *created], key=lambda m: (m.position, m.code))
    forecast_apply(plan, milestones)
    audit_record(
        actor=by,
        action=PlanAction.REAPPLIED,
        target=plan,
        changes={
            "template": [None, template.name],
            "milestones": [len(keep) + len(existing), len(milestones)],
            "kept": [None, sum(1 for m in keep if m.is_done)],
            "etd": [None, etd],
            "reason": [None, reason],
        },
    )
    plan_sync(plan, by=by, milestones=milestones)
    return plan

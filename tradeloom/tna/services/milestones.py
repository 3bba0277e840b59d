"""A plan's milestones: moving a planned date (with a reason), recording an actual date, reopening one, and keeping
the forecasts (``planning.forecast``) current — after every change and each morning (``plans_refresh``).

Every change locks the plan (one writer at a time per plan), appends a ``MilestoneChange``, audits on the plan,
re-forecasts the plan's milestones and moves ``plan.version`` (the API's ETag of the grid).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.workdays import WorkWeek
from tradeloom.tna import planning
from tradeloom.tna.events import PlanAction
from tradeloom.tna.models import Milestone, MilestoneChange, Plan

Source = Milestone.CompletedBy
FORECAST_FIELDS = ["forecast_date", "slippage_days", "updated_at"]
MAX_REASON = 500


def work_week_of(plan: Plan) -> WorkWeek | None:
    """The calendar the plan counts in: its weekly days off when it uses working days, else plain days (None)."""
    return WorkWeek.of(plan.weekly_off_days) if plan.uses_working_days else None


def plan_lock(plan: Plan | Any, expected_version: int | None = None) -> Plan:
    """The plan, locked; 412 when ``expected_version`` is stale (If-Match)."""
    pk: Any = getattr(plan, "pk", plan)
    locked = Plan.objects.select_for_update(of=("self",)).select_related("order").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The T&A plan was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def milestones_of(plan: Plan) -> list[Milestone]:
    return list(Milestone.objects.filter(plan=plan).order_by("position", "code"))


def forecast_apply(
    plan: Plan, milestones: Sequence[Milestone], *, today: datetime.date | None = None, save: bool = True
) -> list[Milestone]:
    """Set each milestone's forecast and slippage (``planning.forecast``); save the changed ones in one statement.
    Returns the changed ones."""
    today = today or timezone.localdate()
    results = planning.forecast(milestones, today=today, work_week=work_week_of(plan))
    changed = []
    now = timezone.now()
    for m in milestones:
        f = results[m.code]
        if (m.forecast_date, m.slippage_days) != (f.forecast_date, f.slippage_days):
            m.forecast_date, m.slippage_days = f.forecast_date, f.slippage_days
            m.updated_at = now
            changed.append(m)
    if save and changed:
        Milestone.objects.bulk_update(changed, FORECAST_FIELDS)
    return changed


def _bump(plan: Plan) -> None:
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])


def _reason(reason: str, what: str = "Give a reason.") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(what, code="reason_required", extra={"errors": {"reason": [what]}})
    if len(reason) > MAX_REASON:
        raise field_error("reason", f"Keep the reason to {MAX_REASON} characters.")
    return reason


def _own_milestone(organization: Any, milestone: Milestone) -> None:
    if milestone.organization_id != getattr(organization, "pk", organization):
        raise ApplicationError("No such milestone.", code="not_found", status=404)


def _date(value: Any, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise field_error(field, "Enter a date (YYYY-MM-DD).") from None
    if not isinstance(value, datetime.date):
        raise field_error(field, "Enter a date.")
    return value


def _locked_milestone(plan: Plan, milestone: Milestone, milestones: Sequence[Milestone]) -> Milestone:
    for m in milestones:
        if m.pk == milestone.pk:
            return m
    raise ApplicationError("No such milestone.", code="not_found", status=404)


def actual_set(
    plan: Plan,
    milestone: Milestone,
    *,
    by: Any,
    actual_date: datetime.date,
    source: str,
    note: str = "",
    reason: str = "",
) -> bool:
    """Record ``milestone`` (of the locked ``plan``) done on ``actual_date``; a done one's date corrected. Writes the
    change and the audit; the caller re-forecasts. False when nothing changed."""
    if milestone.is_done and milestone.actual_date == actual_date and (not note or note == milestone.note):
        return False
    old = milestone.actual_date
    milestone.actual_date = actual_date
    milestone.status = Milestone.Status.DONE
    milestone.completed_by = source
    if note:
        milestone.note = note
    milestone.save(update_fields=["actual_date", "status", "completed_by", "note", "updated_at"])
    MilestoneChange.objects.create(
        organization_id=plan.organization_id,
        created_by_id=getattr(by, "user_id", None),
        milestone=milestone,
        field=MilestoneChange.Field.ACTUAL,
        old_date=old,
        new_date=actual_date,
        reason=(reason or note)[:MAX_REASON],
        source=source,
        changed_by_id=getattr(by, "user_id", None),
    )
    changes: dict[str, Any] = {
        "milestone": [None, milestone.name],
        "code": [None, milestone.code],
        "actual_date": [old, actual_date],
        "source": [None, source],
    }
    if note:
        changes["note"] = [None, note]
    audit_record(actor=by, action=PlanAction.MILESTONE_RECORDED, target=plan, changes=changes)
    return True


def actual_clear(plan: Plan, milestone: Milestone, *, by: Any, reason: str, source: str = Source.HAND) -> bool:
    """Reopen a done ``milestone`` of the locked ``plan`` (pending again, its actual date gone); the caller
    re-forecasts."""
    if not milestone.is_done:
        return False
    old = milestone.actual_date
    milestone.actual_date = None
    milestone.status = Milestone.Status.PENDING
    milestone.completed_by = ""
    milestone.save(update_fields=["actual_date", "status", "completed_by", "updated_at"])
    MilestoneChange.objects.create(
        organization_id=plan.organization_id,
        created_by_id=getattr(by, "user_id", None),
        milestone=milestone,
        field=MilestoneChange.Field.ACTUAL,
        old_date=old,
        new_date=None,
        reason=reason[:MAX_REASON],
        source=source,
        changed_by_id=getattr(by, "user_id", None),
    )
    audit_record(
        actor=by,
        action=PlanAction.MILESTONE_REOPENED,
        target=plan,
        changes={
            "milestone": [None, milestone.name],
            "code": [None, milestone.code],
            "actual_date": [old, None],
            "source": [None, source],
            "reason": [None, reason],
        },
    )
    return True


@transaction.atomic
def milestone_replan(
    *,
    organization: Any,
    by: Any,
    milestone: Milestone,
    planned_date: datetime.date,
    reason: str,
    version: int | None = None,
) -> Milestone:
    """Move a milestone's planned date, with a reason (``reason_required``); the plan is re-forecast."""
    _own_milestone(organization, milestone)
    planned_date = _date(planned_date, "planned_date")
    reason = _reason(reason, "Say why the planned date moves.")
    plan = plan_lock(milestone.plan_id, version)
    milestones = milestones_of(plan)
    m = _locked_milestone(plan, milestone, milestones)
    if m.planned_date == planned_date:
        return m
    old = m.planned_date
    m.planned_date = planned_date
    m.save(update_fields=["planned_date", "updated_at"])
    MilestoneChange.objects.create(
        organization_id=plan.organization_id,
        created_by_id=getattr(by, "user_id", None),
        milestone=m,
        field=MilestoneChange.Field.PLANNED,
        old_date=old,
        new_date=planned_date,
        reason=reason,
        source=Source.HAND,
        changed_by_id=getattr(by, "user_id", None),
    )
    forecast_apply(plan, milestones)
    _bump(plan)
    audit_record(
        actor=by,
        action=PlanAction.MILESTONE_REPLANNED,
        target=plan,
        changes={
            "milestone": [None, m.name],
            "code": [None, m.code],
            "planned_date": [old, planned_date],
            "reason": [None, reason],
        },
    )
    return m


@transaction.atomic
def milestone_record(
    *,
    organization: Any,
    by: Any,
    milestone: Milestone,
    actual_date: datetime.date,
    note: str = "",
    source: str = Source.HAND,
    version: int | None = None,
) -> Milestone:
    """Record a milestone done on ``actual_date`` (not in the future); a done one's date is corrected."""
    _own_milestone(organization, milestone)
    actual_date = _date(actual_date, "actual_date")
    if source not in Source.values:
        raise field_error("source", "Unknown source.")
    if actual_date > timezone.localdate():
        raise field_error("actual_date", "The actual date cannot be in the future.", code="date_in_future")
    note = (note or "").strip()
    if len(note) > MAX_REASON:
        raise field_error("note", f"Keep the note to {MAX_REASON} characters.")
    plan = plan_lock(milestone.plan_id, version)
    milestones = milestones_of(plan)
    m = _locked_milestone(plan, milestone, milestones)
    if actual_set(plan, m, by=by, actual_date=actual_date, source=source, note=note):
        forecast_apply(plan, milestones)
        _bump(plan)
    return m


@transaction.atomic
def milestone_reopen(
    *, organization: Any, by: Any, milestone: Milestone, reason: str, version: int | None = None
) -> Milestone:
    """A done milestone becomes pending again, with a reason; its forecast is counted again."""
    _own_milestone(organization, milestone)
    reason = _reason(reason, "Say why the milestone is reopened.")
    plan = plan_lock(milestone.plan_id, version)
    milestones = milestones_of(plan)
    m = _locked_milestone(plan, milestone, milestones)
    if not m.is_done:
        raise ApplicationError(f"{m.name} is not done.", code="not_done", status=409)
    actual_clear(plan, m, by=by, reason=reason)
    forecast_apply(plan, milestones)
    _bump(plan)
    return m


@transaction.atomic
def plan_refresh(*, plan: Plan, today: datetime.date | None = None) -> int:
    """Re-forecast one plan (today moves the forecasts of milestones past their date): one UPDATE for the changed
    rows. Returns how many changed. Not audited: forecasts are figures, not decisions."""
    milestones = milestones_of(plan)
    return len(forecast_apply(plan, milestones, today=today))


def _refresh_organization(organization: Any, today: datetime.date | None) -> int:
    day = today or timezone.localdate()
    plans = {
        p.pk: p
        for p in Plan.objects.filter(
            organization=organization,
            pk__in=Milestone.objects.filter(organization=organization, status=Milestone.Status.PENDING).values(
                "plan_id"
            ),
        )
    }
    if not plans:
        return 0
    by_plan: dict[Any, list[Milestone]] = {pk: [] for pk in plans}
    for m in Milestone.objects.filter(organization=organization, plan_id__in=list(plans)).order_by("position"):
        by_plan[m.plan_id].append(m)
    changed: list[Milestone] = []
    for pk, milestones in by_plan.items():
        try:
            changed.extend(forecast_apply(plans[pk], milestones, today=day, save=False))
        except ApplicationError:  # an old plan with a broken dependency: leave it as it is
            continue
    if changed:
        Milestone.objects.bulk_update(changed, FORECAST_FIELDS, batch_size=1000)
    return len(changed)


def plans_refresh(*, today: datetime.date | None = None, organizations: Iterable[Any] | None = None) -> int:
    """Each morning: re-forecast every plan with a milestone pending, organisation by organisation (in its tenant
    context and time zone; a fixed number of statements each). Safe to run twice: the second run changes nothing."""
    from tradeloom.tenancy.models import Organization

    if organizations is None:
        organizations = list(Organization.objects.filter(is_active=True))
    total = 0
    for organization in organizations:
        with tenant_context(organization):
            total += _refresh_organization(organization, today)
    return total

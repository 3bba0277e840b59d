"""The T&A API's inputs and outputs: templates with their milestone rows, a plan grid (the order's plans with their
milestones and each milestone's history), the milestone commands (replan, record, reopen) and the calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.catalog.models import Item
from tradeloom.core.shapes import datetime_text
from tradeloom.records.models import RecordModel
from tradeloom.records.serializers import output_serializer
from tradeloom.tna.models import EX_FACTORY, Anchor, Milestone, MilestoneChange, Plan, Template, TemplateMilestone
from tradeloom.tna.selectors import CalendarEntry, GridRows, PlanGrid, PlanGridRows

PROCESS_CHOICES = [("", "None"), ("knitted", "Knitted"), ("dyed", "Dyed"), ("finished", "Finished")]

# --- inputs -----------------------------------------------------------------------------------------------------------


class TemplateMilestoneInput(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="A slug: a standard code (yarn_booked …) or a custom one.")
    name = serializers.CharField(max_length=120)
    anchor = serializers.ChoiceField(choices=Anchor.choices, required=False, default=Anchor.ETD)
    offset_days = serializers.IntegerField(
        min_value=-730, max_value=730, help_text="Days from the anchor (negative: before it)."
    )
    depends_on = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, help_text="Codes of this template."
    )
    gate_code = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="An approval gate that completes it."
    )
    production_process = serializers.ChoiceField(
        choices=PROCESS_CHOICES, required=False, allow_blank=True, default="", help_text="Completes it by itself."
    )


class TemplateInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    customer = serializers.UUIDField(required=False, allow_null=True, help_text="Only for this customer; empty: any.")
    product_type = serializers.ChoiceField(
        choices=[("", "Any"), *Item.Kind.choices], required=False, allow_blank=True, default=""
    )
    uses_working_days = serializers.BooleanField(required=False, default=False)
    is_default = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    milestones = TemplateMilestoneInput(many=True, help_text="The rows, in order (on an edit: all of them).")


class TemplateUpdateInput(TemplateInput):
    name = serializers.CharField(max_length=120, required=False)
    milestones = TemplateMilestoneInput(many=True, required=False, help_text="Given: all of them, replacing the rows.")


class PlanApplyInput(serializers.Serializer):
    template = serializers.UUIDField(required=False, help_text="Default: the most specific default template.")
    line = serializers.UUIDField(required=False, allow_null=True, help_text="A line of the order; empty: the order.")


class PlanReapplyInput(PlanApplyInput):
    reason = serializers.CharField(max_length=500, help_text="Why the plan is replaced.")


class ReplanInput(serializers.Serializer):
    planned_date = serializers.DateField()
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text="Required: why the date moves.")


class RecordInput(serializers.Serializer):
    actual_date = serializers.DateField(help_text="Not in the future.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text="Required: why it is reopened.")


class CalendarQuery(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text="YYYY-MM; default: now.")
    merchandiser = serializers.UUIDField(required=False, help_text="A membership: only their orders and milestones.")
    per_day = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=500,
        default=100,
        help_text="At most this many milestones a day (late first, then slipped ones); each day says its total.",
    )


# --- outputs ----------------------------------------------------------------------------------------------------------


class _TemplateMilestoneBase(serializers.ModelSerializer):
    # slugs that may be empty (a slug field's schema would forbid "")
    gate_code = serializers.CharField(read_only=True)
    depends_on = serializers.ListField(child=serializers.CharField(), read_only=True)


TemplateMilestoneOutput = output_serializer(
    TemplateMilestone, name="TnaTemplateMilestoneOutput", base=_TemplateMilestoneBase
)


class TemplateOutput(serializers.ModelSerializer):
    milestones = serializers.SerializerMethodField()

    class Meta:
        model = Template
        fields = (
            "id",
            "name",
            "customer_id",
            "product_type",
            "uses_working_days",
            "is_default",
            "notes",
            "version",
            "archived_at",
            "created_at",
            "milestones",
        )
        read_only_fields = fields

    @extend_schema_field(TemplateMilestoneOutput(many=True))
    def get_milestones(self, template: Template) -> list[dict[str, Any]]:
        rows = self.context.get("milestones", {}).get(template.pk)
        if rows is None:
            rows = list(template.milestones.all())
        return list(TemplateMilestoneOutput(rows, many=True).data)


class MilestoneChangeOutput(serializers.ModelSerializer):
    changed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = MilestoneChange
        fields = (
            "id",
            "field",
            "old_date",
            "new_date",
            "reason",
            "source",
            "changed_by_id",
            "changed_by_name",
            "created_at",
        )
        read_only_fields = fields

    def get_changed_by_name(self, change: MilestoneChange) -> str:
        return str(change.changed_by) if change.changed_by_id and change.changed_by else ""


class MilestoneOutput(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    anchor = serializers.CharField()
    offset_days = serializers.IntegerField()
    depends_on = serializers.ListField(child=serializers.CharField())
    depends_on_names = serializers.ListField(child=serializers.CharField())
    gate_code = serializers.CharField()
    production_process = serializers.CharField()
    original_date = serializers.DateField()
    planned_date = serializers.DateField()
    forecast_date = serializers.DateField()
    actual_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Milestone.Status.choices)
    completed_by = serializers.CharField()
    slippage_days = serializers.IntegerField()
    is_late = serializers.BooleanField()
    responsible_id = serializers.UUIDField(allow_null=True)
    responsible_name = serializers.CharField()
    note = serializers.CharField()
    changes = MilestoneChangeOutput(many=True)


def milestone_data(row: Any) -> dict[str, Any]:
    m = row.milestone
    return {
        "id": m.pk,
        "code": m.code,
        "name": m.name,
        "anchor": m.anchor,
        "offset_days": m.offset_days,
        "depends_on": list(m.depends_on),
        "depends_on_names": row.depends_on_names,
        "gate_code": m.gate_code,
        "production_process": m.production_process,
        "original_date": m.original_date,
        "planned_date": m.planned_date,
        "forecast_date": m.forecast_date,
        "actual_date": m.actual_date,
        "status": m.status,
        "completed_by": m.completed_by,
        "slippage_days": m.slippage_days,
        "is_late": row.is_late,
        "responsible_id": m.responsible_id,
        "responsible_name": str(m.responsible.user) if m.responsible_id and m.responsible else "",
        "note": m.note,
        "changes": MilestoneChangeOutput(row.changes, many=True).data,
    }


class PlanOutput(serializers.Serializer):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    line_id = serializers.UUIDField(allow_null=True)
    line_name = serializers.CharField()
    template_id = serializers.UUIDField(allow_null=True)
    template_name = serializers.CharField()
    etd = serializers.DateField(allow_null=True, help_text="The ETD now (the line's, else the order's).")
    planned_from = serializers.DateField(allow_null=True, help_text="The ETD the plan was counted from.")
    uses_working_days = serializers.BooleanField()
    weekly_off_days = serializers.ListField(child=serializers.IntegerField())
    version = serializers.IntegerField()
    etag = serializers.CharField(help_text="For If-Match on the milestone commands.")
    ex_factory_forecast = serializers.DateField(allow_null=True)
    ex_factory_after_etd = serializers.BooleanField()
    late_count = serializers.IntegerField()
    milestones = MilestoneOutput(many=True)


def plan_data(rows: PlanGridRows) -> dict[str, Any]:
    plan: Plan = rows.plan
    return {
        "id": plan.pk,
        "order_id": plan.order_id,
        "line_id": plan.line_id,
        "line_name": str(rows.line) if rows.line is not None else "",
        "template_id": plan.template_id,
        "template_name": plan.template_name,
        "etd": rows.etd,
        "planned_from": plan.etd,
        "uses_working_days": plan.uses_working_days,
        "weekly_off_days": list(plan.weekly_off_days),
        "version": plan.version,
        "etag": RecordModel.etag_of(plan.pk, plan.version),
        "ex_factory_forecast": rows.ex_factory_forecast,
        "ex_factory_after_etd": rows.ex_factory_after_etd,
        "late_count": rows.late_count,
        "milestones": [milestone_data(r) for r in rows.milestones],
    }


class PlanGridOutput(serializers.Serializer):
    order_id = serializers.UUIDField()
    today = serializers.DateField()
    plans = PlanOutput(many=True)


def grid_data(grid: PlanGrid) -> dict[str, Any]:
    return {
        "order_id": getattr(grid.order, "pk", grid.order),
        "today": grid.today,
        "plans": [plan_data(p) for p in grid.plans],
    }


class CalendarEntryOutput(serializers.Serializer):
    milestone_id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    date = serializers.DateField(help_text="The forecast date (pending) or the actual date (done).")
    planned_date = serializers.DateField()
    status = serializers.CharField()
    is_late = serializers.BooleanField()
    order_id = serializers.UUIDField()
    order_number = serializers.CharField()
    customer = serializers.CharField()
    line_id = serializers.UUIDField(allow_null=True)
    line_name = serializers.CharField()
    merchandiser_id = serializers.UUIDField(allow_null=True)
    merchandiser_name = serializers.CharField()


class CalendarDayOutput(serializers.Serializer):
    date = serializers.DateField()
    total = serializers.IntegerField(help_text="The day's milestones in all (``milestones`` holds at most per_day).")
    milestones = CalendarEntryOutput(many=True)


class CalendarOutput(serializers.Serializer):
    month = serializers.CharField()
    days = CalendarDayOutput(many=True)


def calendar_entry_data(e: CalendarEntry) -> dict[str, Any]:
    m = e.milestone
    return {
        "milestone_id": m.pk,
        "code": m.code,
        "name": m.name,
        "date": e.day,
        "planned_date": m.planned_date,
        "status": m.status,
        "is_late": e.is_late,
        "order_id": e.order_id,
        "order_number": e.order_number,
        "customer": e.customer,
        "line_id": e.line.pk if e.line is not None else None,
        "line_name": str(e.line) if e.line is not None else "",
        "merchandiser_id": e.merchandiser.pk if e.merchandiser is not None else None,
        "merchandiser_name": str(e.merchandiser.user) if e.merchandiser is not None else "",
    }


# --- the grid written from rows (``selectors.grid_rows``): ``grid_data``'s JSON, key order included -----------------
def _name(full_name: Any, email: Any) -> str:
    """A user as ``str(user)`` names them: the full name, else the e-mail; nobody: empty."""
    return full_name or email or ""


def _change_json(c: dict[str, Any], tz: Any) -> dict[str, Any]:
    """A change as ``MilestoneChangeOutput`` writes it, from its JSON as PostgreSQL wrote it (ids and dates as text
    already; the time in UTC, written again in the current time zone)."""
    return {
        "id": c["id"],
        "field": c["field"],
        "old_date": c["old_date"],
        "new_date": c["new_date"],
        "reason": c["reason"],
        "source": c["source"],
        "changed_by_id": c["changed_by_id"],
        "changed_by_name": _name(c["changed_by_full_name"], c["changed_by_email"]) if c["changed_by_id"] else "",
        "created_at": datetime_text(dt.datetime.fromisoformat(c["created_at"]), tz),
    }


def grid_rows_data(rows: GridRows) -> dict[str, Any]:
    """The JSON of ``PlanGridOutput`` for ``selectors.grid_rows`` (what ``grid_data`` writes from ``plan_grid``)."""
    tz, today = timezone.get_current_timezone(), rows.today.isoformat()  # the milestones' dates are ISO text
    order_etd = rows.order["etd"].isoformat() if rows.order["etd"] is not None else None  # as the plans' dates
    plans = []
    for plan in rows.plans:
        milestones = plan["milestone_rows"] or []
        names = {m["code"]: m["name"] for m in milestones}
        out, late, ex_date = [], 0, None
        for m in milestones:
            is_late = m["actual_date"] is None and m["planned_date"] < today
            late += is_late
            if m["code"] == EX_FACTORY and ex_date is None:
                ex_date = m["actual_date"] or m["forecast_date"]
            out.append(
                {
                    "id": m["id"],
                    "code": m["code"],
                    "name": m["name"],
                    "anchor": m["anchor"],
                    "offset_days": m["offset_days"],
                    "depends_on": list(m["depends_on"]),
                    "depends_on_names": [names.get(code, code) for code in m["depends_on"]],
                    "gate_code": m["gate_code"],
                    "production_process": m["production_process"],
                    "original_date": m["original_date"],
                    "planned_date": m["planned_date"],
                    "forecast_date": m["forecast_date"],
                    "actual_date": m["actual_date"],
                    "status": m["status"],
                    "completed_by": m["completed_by"],
                    "slippage_days": m["slippage_days"],
                    "is_late": is_late,
                    "responsible_id": m["responsible_id"],
                    "responsible_name": _name(m["responsible_full_name"], m["responsible_email"])
                    if m["responsible_id"]
                    else "",
                    "note": m["note"],
                    "changes": [_change_json(c, tz) for c in m["changes"] or ()],
                }
            )
        has_line = plan["line_id"] is not None
        etd = (plan["line_etd"] or order_etd) if has_line else order_etd
        cad = plan["line_cad"]
        plans.append(
            {
                "id": plan["id"],
                "order_id": plan["order_id"],
                "line_id": plan["line_id"],
                "line_name": f"{plan['line_colour']}{'/' + cad if cad else ''}" if has_line else "",
                "template_id": plan["template_id"],
                "template_name": plan["template_name"],
                "etd": etd,
                "planned_from": plan["etd"],
                "uses_working_days": plan["uses_working_days"],
                "weekly_off_days": list(plan["weekly_off_days"]),
                "version": plan["version"],
                "etag": RecordModel.etag_of(plan["id"], plan["version"]),
                "ex_factory_forecast": ex_date,
                "ex_factory_after_etd": bool(ex_date and etd and ex_date > etd),
                "late_count": late,
                "milestones": out,
            }
        )
    return {"order_id": rows.order["id"], "today": rows.today, "plans": plans}

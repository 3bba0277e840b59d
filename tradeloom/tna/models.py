"""Time & Action: templates of milestones, and the plans they make for orders and lines (docs/tna.md).

A template (per organisation; optionally for one customer or one product type) lists milestones — yarn booked,
knitting, lab dip approval, PP sample approved, ex-factory, custom ones — each an offset in days from the ETD (or
the order date), with the milestones it depends on (by code). Applying it to an order or a line makes a plan: each
milestone's planned date counted from the anchor, backwards from the ETD (calendar days, or working days when the
template says so: the organisation's weekly days off are skipped). Planned dates change with a reason; actual
dates are recorded; the forecast of a milestone not done is the latest of its planned date, today when that date
has passed, and each dependency's finish (actual, else forecast) plus the planned gap between them — so a slip
propagates down the dependencies (``planning``). Milestones tied to an approval gate or a production process
complete themselves from those events (``subscribers``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from tradeloom.core.models import TenantModel
from tradeloom.records.models import RecordModel

# The standard milestones, in the order of a knit-and-dye programme: code, name, offset from the ETD in days, the
# codes it depends on, the approval gate that completes it, the production process that completes it.
STANDARD_MILESTONES: list[tuple[str, str, int, tuple[str, ...], str, str]] = [
    ("yarn_booked", "Yarn booked", -60, (), "", ""),
    ("lab_dip_approval", "Lab dip approval", -55, (), "lab_dip", ""),
    ("yarn_in_house", "Yarn in-house", -45, ("yarn_booked",), "", ""),
    ("knitting", "Knitting", -35, ("yarn_in_house",), "", "knitted"),
    ("strike_off", "Strike-off approval", -35, ("lab_dip_approval",), "strike_off", ""),
    ("dyeing", "Dyeing", -28, ("knitting", "lab_dip_approval"), "", "dyed"),
    ("pp_sample_sent", "PP sample sent", -30, ("lab_dip_approval",), "", ""),
    ("pp_sample_approved", "PP sample approved", -24, ("pp_sample_sent",), "pp_sample", ""),
    ("finishing", "Finishing", -21, ("dyeing",), "", "finished"),
    ("cutting", "Cutting", -18, ("finishing", "pp_sample_approved"), "", ""),
    ("sewing", "Sewing", -12, ("cutting",), "", ""),
    ("packing", "Packing", -6, ("sewing",), "", ""),
    ("final_inspection", "Final inspection", -3, ("packing",), "", ""),
    ("ex_factory", "Ex-factory", 0, ("final_inspection",), "", ""),
]
STANDARD_CODES = frozenset(code for code, *_ in STANDARD_MILESTONES)
EX_FACTORY = "ex_factory"


class Anchor(models.TextChoices):
    ETD = "etd", "ETD"
    ORDER_DATE = "order_date", "Order date"


class Template(RecordModel):
    """A T&A template. ``customer`` / ``product_type`` empty: for any; the most specific default template is
    proposed when a plan is made (customer and product type, then customer, then product type, then any)."""

    audit_prefix = "tna_template"

    name = models.CharField(max_length=120)
    customer = models.ForeignKey("partners.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    product_type = models.CharField(
        max_length=20, blank=True, help_text="An item kind (fabric, yarn, finished goods …); empty: any."
    )
    uses_working_days = models.BooleanField(
        default=False, help_text="Count offsets in working days (the organisation's weekly days off are skipped)."
    )
    is_default = models.BooleanField(default=False, help_text="Proposed for new plans that match it.")
    notes = models.TextField(blank=True)

    class Shape:
        create = ("name", "customer", "product_type", "uses_working_days", "is_default", "notes")
        update = create
        read = (
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
        )
        list = read

    class Meta(RecordModel.Meta):
        verbose_name = "T&A template"
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "name"], name="tna_template_name_key"),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateMilestone(TenantModel):
    """One milestone of a template: ``offset_days`` from its anchor (negative: before), the codes of the milestones
    of the same template it depends on, and what completes it by itself (an approval gate's code, a production
    process: knitted / dyed / finished)."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="milestones", db_index=False)
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    anchor = models.CharField(max_length=12, choices=Anchor.choices, default=Anchor.ETD)
    offset_days = models.IntegerField()
    depends_on = ArrayField(models.SlugField(max_length=64), default=list, blank=True)
    gate_code = models.SlugField(max_length=64, blank=True)
    production_process = models.CharField(max_length=10, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Shape:
        create = ("code", "name", "anchor", "offset_days", "depends_on", "gate_code", "production_process")
        read = (
            "id",
            "code",
            "name",
            "anchor",
            "offset_days",
            "depends_on",
            "gate_code",
            "production_process",
            "position",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="tna_tmilestone_org_id_key"),
            models.UniqueConstraint(fields=["template", "code"], name="tna_tmilestone_code_once"),
        ]
        indexes = [models.Index(fields=["template", "position"], name="tna_tmilestone_idx")]
        ordering = ("position",)

    def __str__(self) -> str:
        return self.name


class Plan(TenantModel):
    """The T&A plan of an order (``line`` empty) or of one of its lines; one of each. ``anchor_date`` is the ETD
    (or order date) it was planned from; ``uses_working_days`` and ``weekly_off_days`` are the calendar it counts in
    (copied when applied). ``version`` moves with every change of its milestones (If-Match on the API)."""

    audit_prefix = "tna_plan"

    order = models.ForeignKey("sales.Order", on_delete=models.CASCADE, related_name="+", db_index=False)
    line = models.ForeignKey("sales.Line", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    template = models.ForeignKey(Template, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    template_name = models.CharField(max_length=120, blank=True)
    etd = models.DateField("ETD the plan counts from", null=True, blank=True)
    order_date = models.DateField(null=True, blank=True)
    uses_working_days = models.BooleanField(default=False)
    weekly_off_days = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Shape:
        read = (
            "id",
            "order_id",
            "line_id",
            "template_id",
            "template_name",
            "etd",
            "order_date",
            "uses_working_days",
            "weekly_off_days",
            "version",
            "created_by_id",
            "created_at",
        )

    class Meta:
        verbose_name = "T&A plan"
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="tna_plan_org_id_key"),
            models.UniqueConstraint(fields=["order", "line"], nulls_distinct=False, name="tna_plan_once"),
        ]
        indexes = [models.Index(fields=["organization", "order"], name="tna_plan_order_idx")]

    def __str__(self) -> str:
        return f"T&A plan of {self.order_id}"


class Milestone(TenantModel):
    """A milestone of a plan. ``planned_date`` (what was agreed; ``original_date`` is the first plan's),
    ``forecast_date`` (``planning.forecast``: kept by the services and refreshed each morning), ``actual_date``
    (done). ``slippage_days`` = (actual, else forecast) - planned, in the plan's days (working days when it uses
    them). ``responsible`` defaults to the order's merchandiser."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"

    class CompletedBy(models.TextChoices):
        HAND = "hand", "Recorded by hand"
        GATE = "gate", "Approval gate"
        PRODUCTION = "production", "Production"
        SHIPMENT = "shipment", "Shipment"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones", db_index=False)
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    anchor = models.CharField(max_length=12, choices=Anchor.choices, default=Anchor.ETD)
    offset_days = models.IntegerField()
    depends_on = ArrayField(models.SlugField(max_length=64), default=list, blank=True)
    gate_code = models.SlugField(max_length=64, blank=True)
    production_process = models.CharField(max_length=10, blank=True)
    position = models.PositiveIntegerField(default=0)
    original_date = models.DateField()
    planned_date = models.DateField()
    forecast_date = models.DateField()
    actual_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    completed_by = models.CharField(max_length=12, choices=CompletedBy.choices, blank=True)
    slippage_days = models.IntegerField(default=0)
    responsible = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Shape:
        read = (
            "id",
            "plan_id",
            "code",
            "name",
            "anchor",
            "offset_days",
            "depends_on",
            "gate_code",
            "production_process",
            "position",
            "original_date",
            "planned_date",
            "forecast_date",
            "actual_date",
            "status",
            "completed_by",
            "slippage_days",
            "responsible_id",
            "note",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="tna_milestone_org_id_key"),
            models.UniqueConstraint(fields=["plan", "code"], name="tna_milestone_code_once"),
            models.CheckConstraint(
                condition=Q(status="pending", actual_date__isnull=True) | Q(status="done", actual_date__isnull=False),
                name="tna_milestone_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "position"], name="tna_milestone_plan_idx"),
            # the calendar and the alerts: pending milestones by date
            models.Index(
                fields=["organization", "forecast_date"], condition=Q(status="pending"), name="tna_milestone_due_idx"
            ),
            models.Index(fields=["organization", "planned_date"], name="tna_milestone_planned_idx"),
            # the calendar's done milestones, by the day they were done (with the pending ones' index: a bitmap OR)
            models.Index(
                fields=["organization", "actual_date"], condition=Q(status="done"), name="tna_milestone_done_idx"
            ),
        ]
        ordering = ("position",)

    def __str__(self) -> str:
        return self.name

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE


class MilestoneChange(TenantModel):
    """The history of a milestone's dates: a planned date moved (with its reason), an actual date recorded or
    corrected (by hand or by an event), a milestone reopened. Append-only."""

    class Field(models.TextChoices):
        PLANNED = "planned", "Planned date"
        ACTUAL = "actual", "Actual date"

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="date_changes", db_index=False)
    field = models.CharField(max_length=8, choices=Field.choices)
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=12, choices=Milestone.CompletedBy.choices, default=Milestone.CompletedBy.HAND)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Shape:
        read = (
            "id",
            "milestone_id",
            "field",
            "old_date",
            "new_date",
            "reason",
            "source",
            "changed_by_id",
            "created_at",
        )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="tna_change_org_id_key")]
        indexes = [models.Index(fields=["milestone", "created_at"], name="tna_change_milestone_idx")]
        ordering = ("created_at", "id")

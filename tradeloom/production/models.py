"""Work orders, the mill's daily production against them, and what they need from stock (docs/production.md).

A work order (``WO-000001``) makes a product or item in a quantity and unit by a due date, at a mill (a supplier)
or on the organisation's own floor, for sales-order lines (``WorkOrderLine``) or a purchase order. Its status moves
only by the actions of ``states.ACTIONS``. The mill reports each day what was knitted, dyed and finished, the pieces
produced and the rejects (``ProductionEntry``); a correction is a new entry superseding the earlier one, which stays
readable. The work order keeps the running totals of its current entries, its progress (finished ÷ quantity), the
estimated completion from the recent rate and the late flag, all written in the same transaction as each entry
(``services.entries``) and refreshed each morning (the rate window moves with the calendar).

Its requirements (``WorkOrderRequirement``) are the local-order calculator's (``sales.calculator``): greige =
finished x (1 + loss %), yarn = greige x (1 - mixed %); issuing yarn or greige from stock writes "production out"
moves, receiving finished goods "production in" moves (``services.materials``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tradeloom.core.models import TenantModel
from tradeloom.production import states
from tradeloom.records.models import RecordModel

ZERO = Decimal(0)
QUANTITY: dict[str, Any] = {"max_digits": 18, "decimal_places": 3}
MAX_QUANTITY = Decimal("999999999.999")
QUANTITY_RANGE = [
    MinValueValidator(Decimal("0.001"), message="Quantity must be above zero."),
    MaxValueValidator(MAX_QUANTITY, message=f"Quantity must be at most {MAX_QUANTITY:,}."),
]
REPORTED_RANGE = [
    MinValueValidator(ZERO, message="A reported figure cannot be negative."),
    MaxValueValidator(MAX_QUANTITY, message=f"A reported figure must be at most {MAX_QUANTITY:,}."),
]
PERCENT_RANGE = [
    MinValueValidator(ZERO, message="A percentage cannot be below 0."),
    MaxValueValidator(Decimal(100), message="A percentage cannot be above 100."),
]


class WorkOrder(RecordModel):
    """A work order. ``supplier`` empty: the organisation's own floor. The ``*_quantity`` totals, ``pieces``,
    ``rejects``, ``last_reported_on``, ``progress_percent``, ``estimated_completion`` and ``is_late`` are its current
    production entries' (kept by the services, never set by a client)."""

    audit_prefix = "production_work_order"

    number = models.CharField(max_length=40, editable=False)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    product_name = models.CharField(max_length=200, blank=True, help_text="What is made, when it is no catalog item.")
    # the sales order its lines belong to (every line of a work order is of one order)
    order = models.ForeignKey(
        "sales.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False, db_index=False
    )
    purchase_order = models.ForeignKey(
        "purchasing.PurchaseOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplier = models.ForeignKey(
        "partners.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name="mill",
        help_text="Empty: our own floor.",
    )
    quantity = models.DecimalField(**QUANTITY, validators=QUANTITY_RANGE)
    unit = models.ForeignKey("catalog.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField("due date")
    priority = models.CharField(max_length=8, choices=states.PRIORITIES, default=states.NORMAL)
    status = models.CharField(max_length=12, choices=states.STATUSES, default=states.DRAFT, editable=False)
    status_reason = models.CharField(max_length=500, blank=True, editable=False)
    # the calculator's percentages for the requirements; empty: the order line's, else the order's, else 0
    loss_percent = models.DecimalField(
        "process loss %", max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT_RANGE
    )
    mixed_percent = models.DecimalField(
        "mixed fabric %", max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT_RANGE
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where materials are issued from and finished goods go.",
    )
    notes = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True, editable=False)
    completed_on = models.DateField(null=True, blank=True, editable=False)
    # the current entries' totals (services.entries)
    knitted_quantity = models.DecimalField(**QUANTITY, default=ZERO, editable=False)
    dyed_quantity = models.DecimalField(**QUANTITY, default=ZERO, editable=False)
    finished_quantity = models.DecimalField(**QUANTITY, default=ZERO, editable=False)
    pieces = models.PositiveIntegerField(default=0, editable=False)
    rejects = models.DecimalField(**QUANTITY, default=ZERO, editable=False)
    last_reported_on = models.DateField(null=True, blank=True, editable=False)
    progress_percent = models.DecimalField(max_digits=6, decimal_places=2, default=ZERO, editable=False)
    estimated_completion = models.DateField(null=True, blank=True, editable=False)
    is_late = models.BooleanField(default=False, editable=False)

    class Shape:
        create = (
            "item",
            "product_name",
            "purchase_order",
            "supplier",
            "quantity",
            "unit",
            "due_date",
            "priority",
            "loss_percent",
            "mixed_percent",
            "warehouse",
            "notes",
        )
        update = create
        read = (
            "id",
            "number",
            "item_id",
            "product_name",
            "order_id",
            "purchase_order_id",
            "supplier_id",
            "quantity",
            "unit_id",
            "due_date",
            "priority",
            "status",
            "status_reason",
            "loss_percent",
            "mixed_percent",
            "warehouse_id",
            "notes",
            "started_on",
            "completed_on",
            "knitted_quantity",
            "dyed_quantity",
            "finished_quantity",
            "pieces",
            "rejects",
            "last_reported_on",
            "progress_percent",
            "estimated_completion",
            "is_late",
            "version",
            "created_by_id",
            "created_at",
        )
        list = (
            "id",
            "number",
            "item_id",
            "product_name",
            "order_id",
            "supplier_id",
            "quantity",
            "unit_id",
            "due_date",
            "priority",
            "status",
            "finished_quantity",
            "progress_percent",
            "last_reported_on",
            "estimated_completion",
            "is_late",
            "version",
            "created_at",
        )

    class Meta(RecordModel.Meta):
        verbose_name = "work order"
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "number"], name="production_wo_number_key"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="production_wo_quantity_positive"),
            models.CheckConstraint(
                condition=Q(item__isnull=False) | ~Q(product_name=""), name="production_wo_item_or_product"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="wo_list_idx"),
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="wo_status_idx"),
            models.Index(fields=["order"], name="wo_order_idx"),
            models.Index(fields=["supplier", "-created_at"], name="wo_supplier_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def label(self) -> str:
        return self.product_name or (str(self.item) if self.item_id else self.number)

    @property
    def is_editable(self) -> bool:
        return self.status in states.EDITABLE

    @property
    def is_reportable(self) -> bool:
        return self.status in states.REPORTABLE

    def can(self, action: str) -> bool:
        return states.can(self.status, action)


class WorkOrderLine(TenantModel):
    """A sales-order line a work order produces for, and how much of it (in the work order's unit)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="lines", db_index=False)
    line = models.ForeignKey("sales.Line", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QUANTITY, validators=QUANTITY_RANGE)
    position = models.PositiveIntegerField(default=0)

    class Shape:
        create = ("line", "quantity")
        read = ("id", "line_id", "quantity", "position")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="production_woline_org_id_key"),
            models.UniqueConstraint(fields=["work_order", "line"], name="production_woline_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="production_woline_quantity_positive"),
        ]
        ordering = ("position",)


class WorkOrderRequirement(TenantModel):
    """What a work order needs: greige and yarn from the calculator (or another material by hand), in a unit, and
    how much of it has been issued from stock (``issued_quantity``, kept by ``services.materials``)."""

    class Kind(models.TextChoices):
        GREIGE = "greige", "Greige fabric"
        YARN = "yarn", "Yarn"
        OTHER = "other", "Other material"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="requirements", db_index=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(max_length=200, blank=True)
    quantity = models.DecimalField(**QUANTITY, validators=REPORTED_RANGE)
    unit = models.ForeignKey("catalog.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    issued_quantity = models.DecimalField(**QUANTITY, default=ZERO, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Shape:
        create = ("kind", "item", "description", "quantity", "unit")
        read = ("id", "kind", "item_id", "description", "quantity", "unit_id", "issued_quantity", "position")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="production_requirement_org_id_key"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="production_requirement_quantity"),
        ]
        indexes = [models.Index(fields=["work_order", "position"], name="wo_requirement_idx")]
        ordering = ("position",)


class ProductionEntry(TenantModel):
    """What was produced on one day for a work order (optionally for one of its lines), as reported. A correction
    is a new entry that ``supersedes`` the earlier one (``is_current`` false from then on, still readable, with the
    correction's reason); one current entry per work order, line and day."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="entries", db_index=False)
    line = models.ForeignKey("sales.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    produced_on = models.DateField()
    knitted = models.DecimalField(**QUANTITY, default=ZERO, validators=REPORTED_RANGE)
    dyed = models.DecimalField(**QUANTITY, default=ZERO, validators=REPORTED_RANGE)
    finished = models.DecimalField(**QUANTITY, default=ZERO, validators=REPORTED_RANGE)
    pieces = models.PositiveIntegerField(default=0)
    rejects = models.DecimalField(**QUANTITY, default=ZERO, validators=REPORTED_RANGE)
    note = models.CharField(max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_current = models.BooleanField(default=True, editable=False)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by", editable=False
    )
    correction_reason = models.CharField(max_length=500, blank=True)

    class Shape:
        create = ("line", "produced_on", "knitted", "dyed", "finished", "pieces", "rejects", "note")
        read = (
            "id",
            "work_order_id",
            "line_id",
            "produced_on",
            "knitted",
            "dyed",
            "finished",
            "pieces",
            "rejects",
            "note",
            "reported_by_id",
            "is_current",
            "supersedes_id",
            "correction_reason",
            "created_at",
        )

    class Meta:
        verbose_name_plural = "production entries"
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="production_entry_org_id_key"),
            models.UniqueConstraint(
                fields=["work_order", "line", "produced_on"],
                condition=Q(is_current=True),
                nulls_distinct=False,
                name="production_entry_current_once",
            ),
            models.CheckConstraint(
                condition=Q(knitted__gte=0, dyed__gte=0, finished__gte=0, rejects__gte=0),
                name="production_entry_figures_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["work_order", "produced_on"], name="production_entry_wo_day_idx"),
            models.Index(fields=["organization", "produced_on"], name="production_entry_day_idx"),
        ]
        ordering = ("produced_on", "created_at")

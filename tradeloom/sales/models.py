"""The buyer's order: Order → Style → Line (the commercial unit), with mill offers and supplier deliveries."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tradeloom.core.models import TenantModel
from tradeloom.core.validators import validate_currency_code
from tradeloom.records.models import RecordModel

NON_NEGATIVE = [MinValueValidator(Decimal(0))]
# Bounds that keep every money figure (quantity x price, in cents) inside 18 digits: no order is larger.
MAX_QUANTITY = Decimal("999999999.999")
MAX_PRICE = Decimal("9999999.9999")
QUANTITY_RANGE = [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_QUANTITY)]
PRICE_RANGE = [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE)]


class Order(RecordModel):
    audit_prefix = "sales_order"

    class Type(models.TextChoices):
        FOREIGN = "foreign", "Foreign"
        LOCAL = "local", "Local"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    number = models.CharField(max_length=40, editable=False)
    po_number = models.CharField("buyer's PO number", max_length=60)
    customer = models.ForeignKey("partners.Customer", on_delete=models.PROTECT, related_name="+")
    buyer_name = models.CharField(max_length=150, blank=True)
    merchandiser = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order_type = models.CharField(max_length=10, choices=Type.choices, default=Type.FOREIGN)
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    order_date = models.DateField()
    etd = models.DateField("ETD", null=True, blank=True)
    eta = models.DateField("ETA", null=True, blank=True)
    expected_delivery = models.DateField(null=True, blank=True)
    actual_delivery = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    stage = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    # Local-order calculator (sales/calculator.py): defaults for the order's lines.
    process_loss_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    mixed_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Shape:
        """What a new order takes, what an existing one may change (customer, currency and stage stay: prices are in
        that currency, and the stage moves by its own action), and the columns its reads show (``core.shapes``)."""

        create = (
            "po_number",
            "customer",
            "buyer_name",
            "merchandiser",
            "order_type",
            "currency",
            "order_date",
            "etd",
            "eta",
            "expected_delivery",
            "stage",
            "notes",
        )
        update = (
            "po_number",
            "buyer_name",
            "merchandiser",
            "order_type",
            "order_date",
            "etd",
            "eta",
            "expected_delivery",
            "actual_delivery",
            "notes",
            "process_loss_percent",
            "mixed_percent",
        )
        read = (
            "id",
            "number",
            "po_number",
            "customer_id",
            "buyer_name",
            "merchandiser_id",
            "order_type",
            "currency",
            "order_date",
            "etd",
            "eta",
            "expected_delivery",
            "actual_delivery",
            "status",
            "stage",
            "notes",
            "version",
            "archived_at",
            "created_at",
        )
        list = (
            "id",
            "number",
            "po_number",
            "customer_id",
            "buyer_name",
            "order_type",
            "currency",
            "order_date",
            "etd",
            "eta",
            "status",
            "stage",
            "version",
            "created_at",
        )

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "number"], name="sales_order_number_key"),
            models.CheckConstraint(
                condition=Q(eta__isnull=True) | Q(etd__isnull=True) | Q(eta__gte=models.F("etd")),
                name="sales_order_eta_after_etd",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="sales_order_list_idx"),
            models.Index(fields=["organization", "customer", "po_number"], name="sales_order_po_idx"),
            models.Index(fields=["organization", "etd"], name="sales_order_etd_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    # The orders list's totals (``selectors.order_list`` annotates ``line_totals`` in its one statement).
    def _line_total(self, index: int) -> Decimal:
        totals = getattr(self, "line_totals", None)
        return Decimal(totals[index]) if totals else Decimal(0)

    total_value = property(lambda self: self._line_total(0))
    total_cost = property(lambda self: self._line_total(1))
    total_commission = property(lambda self: self._line_total(2))
    total_profit = property(lambda self: self._line_total(3))
    total_realised_profit = property(lambda self: self._line_total(4))
    line_count = property(lambda self: int(self._line_total(5)))

    def clean(self) -> None:
        super().clean()
        if self.etd and self.eta and self.eta < self.etd:
            raise ValidationError({"eta": "The ETA cannot be before the ETD."})


class Style(TenantModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="styles", db_index=False)
    style_number = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    fabric_type = models.CharField(max_length=120, blank=True)
    specification = models.CharField(max_length=300, blank=True)
    composition = models.CharField(max_length=200, blank=True)
    gsm = models.DecimalField("GSM", max_digits=8, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE)
    finish = models.CharField(max_length=120, blank=True)
    construction = models.CharField(max_length=120, blank=True)
    cuttable_width = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    finishing_width = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    etd = models.DateField("ETD", null=True, blank=True)
    eta = models.DateField("ETA", null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Shape:
        """What a user gives for a style (create, merge, the style form); reads show these and the id."""

        editable = (
            "style_number",
            "description",
            "fabric_type",
            "specification",
            "composition",
            "gsm",
            "finish",
            "construction",
            "cuttable_width",
            "finishing_width",
            "etd",
            "eta",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="sales_style_org_id_key"),
            models.UniqueConstraint(fields=["order", "style_number"], name="sales_style_number_per_order"),
        ]
        ordering = ("position", "style_number")

    def __str__(self) -> str:
        return self.style_number


class Line(TenantModel):
    """One colour of one style: what is bought from a mill and sold to the buyer."""

    audit_prefix = "sales_line"

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        IN_DEVELOPMENT = "in_development", "In development"
        RUNNING = "running", "Running"
        BULK = "bulk", "Bulk"
        COMPLETED = "completed", "Completed"
        ARCHIVED = "archived", "Archived"

    # Allowed moves: status → the statuses it may become. Anything else is ``invalid_transition``.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.UPCOMING: frozenset({Status.IN_DEVELOPMENT, Status.ARCHIVED}),
        Status.IN_DEVELOPMENT: frozenset({Status.RUNNING, Status.UPCOMING, Status.ARCHIVED}),
        Status.RUNNING: frozenset({Status.BULK, Status.IN_DEVELOPMENT, Status.ARCHIVED}),
        Status.BULK: frozenset({Status.COMPLETED, Status.RUNNING, Status.ARCHIVED}),
        Status.COMPLETED: frozenset({Status.ARCHIVED}),
        Status.ARCHIVED: frozenset(),
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="lines", db_index=False)
    colour_code = models.CharField(max_length=60)
    colour_name = models.CharField(max_length=120, blank=True)
    cad_code = models.CharField("CAD code", max_length=60, blank=True, default="")
    cad_name = models.CharField("CAD name", max_length=120, blank=True)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=3, validators=QUANTITY_RANGE)
    unit = models.ForeignKey("catalog.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    selling_price = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True, validators=PRICE_RANGE)
    supplier = models.ForeignKey("partners.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mill_price = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True, validators=PRICE_RANGE)
    commission_per_unit = models.DecimalField(
        max_digits=18, decimal_places=4, null=True, blank=True, validators=PRICE_RANGE
    )
    etd = models.DateField("ETD", null=True, blank=True)
    eta = models.DateField("ETA", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPCOMING)
    # Sum of the deliveries, converted into this line's unit (kept by the delivery service, in its transaction).
    delivered_quantity = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal(0))
    process_loss_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    mixed_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    position = models.PositiveIntegerField(default=0)

    class Shape:
        """A new line's identity, quantity, prices and mill; what an existing line may change (its identity, unit
        and mill stay: mills change by accepting offers); the columns its reads show."""

        create = (
            "colour_code",
            "colour_name",
            "cad_code",
            "cad_name",
            "item",
            "quantity",
            "unit",
            "selling_price",
            "supplier",
            "mill_price",
            "commission_per_unit",
            "etd",
            "eta",
        )
        update = (
            "colour_name",
            "cad_name",
            "quantity",
            "selling_price",
            "mill_price",
            "commission_per_unit",
            "etd",
            "eta",
            "process_loss_percent",
            "mixed_percent",
        )
        read = (
            "id",
            "style_id",
            "colour_code",
            "colour_name",
            "cad_code",
            "cad_name",
            "item_id",
            "quantity",
            "unit_id",
            "selling_price",
            "supplier_id",
            "mill_price",
            "commission_per_unit",
            "etd",
            "eta",
            "status",
            "delivered_quantity",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="sales_line_org_id_key"),
            # CAD is "" when absent, so a colour without CAD is still unique within its style.
            models.UniqueConstraint(fields=["style", "colour_code", "cad_code"], name="sales_line_identity"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="sales_line_quantity_non_negative"),
        ]
        indexes = [models.Index(fields=["organization", "order", "position"], name="sales_line_order_idx")]
        ordering = ("position",)

    def __str__(self) -> str:
        return f"{self.colour_code}{'/' + self.cad_code if self.cad_code else ''}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class MillOffer(TenantModel):
    """A mill's quote for a line; accepting one sets the line's mill and mill price."""

    audit_prefix = "mill_offer"

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="offers")
    supplier = models.ForeignKey("partners.Supplier", on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(max_digits=18, decimal_places=4, validators=PRICE_RANGE)
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    valid_until = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Shape:
        create = ("supplier", "price", "currency", "valid_until", "notes")
        read = ("id", "supplier_id", "price", "currency", "valid_until", "notes", "accepted_at", "created_at")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="sales_milloffer_org_id_key")]


class Delivery(TenantModel):
    """A supplier delivery against a line, in any unit of the line's dimension."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="deliveries")
    date = models.DateField()
    quantity = models.DecimalField(max_digits=18, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))])
    unit = models.ForeignKey("catalog.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    quantity_in_line_unit = models.DecimalField(max_digits=18, decimal_places=3, editable=False)
    note = models.CharField(max_length=300, blank=True)

    class Shape:
        create = ("date", "quantity", "unit", "note")
        read = ("id", "date", "quantity", "unit_id", "quantity_in_line_unit", "note", "created_at")

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="sales_delivery_org_id_key")]
        ordering = ("date", "created_at")


class Task(TenantModel):
    """Work around an order (chase the lab dip, book the vessel …). Assigning is audited and never changes who
    owns the order."""

    audit_prefix = "sales_task"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignee = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)

    class Shape:
        editable = ("title", "description", "assignee", "due_date", "priority", "status")
        read = ("id", "title", "description", "assignee_id", "due_date", "priority", "status", "created_at")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="sales_task_org_id_key")]
        indexes = [models.Index(fields=["organization", "assignee", "status", "due_date"], name="sales_task_work_idx")]
        ordering = ("due_date", "created_at")

    def __str__(self) -> str:
        return self.title


class ActivityNote(TenantModel):
    """A dated note on an order. The effective date may be earlier than the day it was written (backdated, and
    shown as such); edits keep every earlier version in ``NoteRevision``."""

    audit_prefix = "sales_note"

    class Category(models.TextChoices):
        GENERAL = "general", "General"
        BUYER = "buyer", "Buyer"
        MILL = "mill", "Mill"
        QUALITY = "quality", "Quality"
        SHIPPING = "shipping", "Shipping"
        FINANCE = "finance", "Finance"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="activity_notes")
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.GENERAL)
    text = models.TextField()
    effective_date = models.DateField()
    edited_at = models.DateTimeField(null=True, blank=True)

    class Shape:
        editable = ("category", "text", "effective_date")
        read = ("id", "category", "text", "effective_date", "edited_at", "created_at")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="sales_note_org_id_key")]
        ordering = ("-effective_date", "-created_at")

    @property
    def is_backdated(self) -> bool:
        return self.created_at is not None and self.effective_date < self.created_at.date()


class NoteRevision(TenantModel):
    """An earlier version of an activity note, kept when it is edited."""

    note = models.ForeignKey(ActivityNote, on_delete=models.CASCADE, related_name="revisions")
    category = models.CharField(max_length=10)
    text = models.TextField()
    effective_date = models.DateField()

    class Shape:
        read = ("category", "text", "effective_date", "created_at")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="sales_noterevision_org_id_key")]
        ordering = ("created_at",)


class DeletionRequest(TenantModel):
    """A member asks to delete an order; an owner or admin approves (the order is soft-deleted, restorable by an
    admin) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="deletion_requests")
    requested_by = models.ForeignKey("tenancy.Membership", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Shape:
        create = ("reason",)
        read = (
            "id",
            "reason",
            "status",
            "requested_by_id",
            "decided_by_id",
            "decided_at",
            "decision_note",
            "created_at",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="sales_deletionrequest_org_id_key"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="pending"), name="sales_deletionrequest_one_pending"
            ),
        ]

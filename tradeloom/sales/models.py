"""The buyer's order: Order → Style → Line (the commercial unit), with mill offers and supplier deliveries."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any, Self

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tradeloom.core.models import TenantModel
from tradeloom.core.search import SearchableModel, search_indexes
from tradeloom.core.validators import validate_currency_code
from tradeloom.records.models import RecordModel
from tradeloom.sales.search import order_search_text, search_columns

NON_NEGATIVE = [MinValueValidator(Decimal(0))]
# Bounds that keep every money figure (quantity x price, in cents) inside 18 digits: no order is larger.
MAX_QUANTITY = Decimal("999999999.999")
MAX_PRICE = Decimal("9999999.9999")
QUANTITY_RANGE = [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_QUANTITY)]
PRICE_RANGE = [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE)]
QUANTITY_ABOVE_ZERO = "Quantity must be above zero."
QUANTITY_TOO_LARGE = f"Quantity must be at most {MAX_QUANTITY:,}."
# A delivered quantity: above zero, and no larger than any line (the form, the API and the service say so on the
# field, never as a 500 from a number PostgreSQL cannot store).
DELIVERY_QUANTITY_RANGE = [
    MinValueValidator(Decimal("0.001"), message=QUANTITY_ABOVE_ZERO),
    MaxValueValidator(MAX_QUANTITY, message=QUANTITY_TOO_LARGE),
]


class Order(SearchableModel, RecordModel):
    """A buyer's order. Its search columns (``sales.search``) hold its numbers, buyer, styles and lines' colours
    and CADs; the services that change those keep them current."""

    audit_prefix = "sales_order"

    class Type(models.TextChoices):
        FOREIGN = "foreign", "Foreign"
        LOCAL = "local", "Local"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"  # a full order (styles, lines) not yet confirmed: reports and alerts leave it out
        OPEN = "open", "Open"  # confirmed
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    # The order's moves by an action (``services.order_confirm``, ``services.order_cancel``); anything else is
    # ``invalid_transition``. Open orders close and cancel as they always have (no action here yet).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.OPEN, Status.CANCELLED}),
        Status.OPEN: frozenset(),
        Status.CLOSED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    number = models.CharField(max_length=40, editable=False)
    po_number = models.CharField("buyer's PO number", max_length=60)
    # the codes in the search document with one character left out each (``core.search.code_variants``)
    search_codes = ArrayField(models.CharField(max_length=32), default=list, editable=False)
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
    # How far beyond its ordered quantity a line of this order may be shipped without an owner's or admin's reason;
    # empty: the organisation's ``shipment_tolerance_percent`` (the logistics floor reads it).
    shipment_tolerance_percent = models.DecimalField(
        "shipment tolerance %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Empty: the organisation's tolerance.",
    )
    # Sales tax on the order's lines (0-100 %); a line's own ``tax_rate`` wins where it has one (docs/sales.md).
    tax_rate = models.DecimalField(
        "tax %",
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        db_default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    # Who confirmed the order (draft → open, or created confirmed) and when; empty for a draft and for orders
    # created before confirmation existed.
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
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
            "shipment_tolerance_percent",
            "tax_rate",
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
            "shipment_tolerance_percent",
            "tax_rate",
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
            "shipment_tolerance_percent",
            "tax_rate",
            "confirmed_at",
            "confirmed_by_id",
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
            "tax_rate",
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
            # the alerts' ETAs coming up (``alerts.kinds.sales``): open orders by their ETA
            models.Index(
                fields=["organization", "eta"],
                condition=Q(status="open", archived_at__isnull=True, eta__isnull=False),
                name="sales_order_open_eta_idx",
            ),
            *search_indexes("sales_order"),
            GinIndex(fields=["search_codes"], name="sales_order_search_codes"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def search_columns(cls, text: str) -> dict[str, Any]:
        """The document and its trigrams, and the codes' one-edit variants (``sales.search``)."""
        return search_columns(text)

    def search_text(self) -> str:
        """What the order is found by, read with its styles and lines (two queries; creation builds it from what
        it inserts instead, ``services.order_create``)."""
        return order_search_text(
            number=self.number,
            po_number=self.po_number,
            buyer_name=self.buyer_name,
            styles=Style.objects.filter(order=self).values_list("style_number", flat=True),
            lines=Line.objects.filter(order=self).values_list("colour_code", "colour_name", "cad_code", "cad_name"),
        )

    def after_change(self, previous: dict[str, Any] | None = None) -> None:
        """After a header edit (``records.services.record_update``): a new PO number or buyer is found."""
        if previous is not None and any(previous.get(f) != getattr(self, f) for f in ("po_number", "buyer_name")):
            self.reindex()

    # The orders list's totals (``selectors.order_list`` annotates ``line_totals`` in its one statement): ``None``
    # where no line has the figure (``sales.money``: a missing price is not a zero price).
    def _line_total(self, index: int) -> Decimal | None:
        totals = getattr(self, "line_totals", None)
        if not totals:
            return Decimal(0)
        if index >= len(totals):  # read without the tax (``money.LINE_TOTALS_SQL``)
            return None
        return None if totals[index] is None else Decimal(totals[index])

    def _line_count(self, index: int) -> int:
        totals = getattr(self, "line_totals", None)
        return int(totals[index]) if totals else 0

    total_value = property(lambda self: self._line_total(0))
    total_cost = property(lambda self: self._line_total(1))
    total_commission = property(lambda self: self._line_total(2))
    total_profit = property(lambda self: self._line_total(3))
    total_realised_profit = property(lambda self: self._line_total(4))
    line_count = property(lambda self: self._line_count(5))
    cost_missing_lines = property(lambda self: self._line_count(6))
    price_missing_lines = property(lambda self: self._line_count(7))
    profit_left_out_lines = property(lambda self: self._line_count(8))
    total_tax = property(lambda self: self._line_total(9))  # ``money.ORDER_LIST_TOTALS_SQL``
    total_incl_tax = property(lambda self: self._line_total(10))

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    _stored_dates: tuple[Any, Any] | None = None  # (etd, order_date) as read from the database

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any) -> Self:
        order = super().from_db(db, field_names, values, **kwargs)
        order._stored_dates = (order.__dict__.get("etd"), order.__dict__.get("order_date"))
        return order

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        # checked when either date is entered or changed: an order stored before the rule (ETD before its date)
        # keeps its other fields editable
        entered = (self.etd, self.order_date) != self._stored_dates
        if entered and self.etd and self.order_date and self.etd < self.order_date:
            errors["etd"] = "The ETD cannot be before the order date."
        if self.etd and self.eta and self.eta < self.etd:
            errors["eta"] = "The ETA cannot be before the ETD."
        if errors:
            raise ValidationError(errors)


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


# An open line: not completed or archived, and not fully delivered (``sales.totals.OPEN_LINE_SQL`` in SQL).
OPEN_LINE = ~Q(status__in=("completed", "archived")) & Q(delivered_quantity__lt=models.F("quantity"))


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
    # What shipments carry of this line to the buyer (shipments not cancelled or returned), and what of it the buyer
    # received (delivered shipments): kept by the logistics floor in its transactions (``lines_shipping_move``).
    shipped_quantity = models.DecimalField(
        max_digits=18, decimal_places=3, default=Decimal(0), db_default=Decimal(0), editable=False
    )
    buyer_delivered_quantity = models.DecimalField(
        "delivered to buyer", max_digits=18, decimal_places=3, default=Decimal(0), db_default=Decimal(0), editable=False
    )
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
    # This line's tax rate (0-100 %) where it differs from its order's ``tax_rate``; empty: the order's.
    tax_rate = models.DecimalField(
        "tax %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Empty: the order's rate.",
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
            "tax_rate",
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
            "tax_rate",
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
            "tax_rate",
            "etd",
            "eta",
            "status",
            "delivered_quantity",
            "shipped_quantity",
            "buyer_delivered_quantity",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="sales_line_org_id_key"),
            # CAD is "" when absent, so a colour without CAD is still unique within its style.
            models.UniqueConstraint(fields=["style", "colour_code", "cad_code"], name="sales_line_identity"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="sales_line_quantity_non_negative"),
        ]
        indexes = [
            models.Index(fields=["organization", "order", "position"], name="sales_line_order_idx"),
            # The dashboard's ETDs coming up and late lines (``sales.dashboard``): open lines by their own ETD.
            models.Index(
                fields=["organization", "etd"],
                include=["order", "id"],
                condition=OPEN_LINE & Q(etd__isnull=False),
                name="sales_line_open_etd_idx",
            ),
            # … and by their own ETA (the alerts' ETAs coming up)
            models.Index(
                fields=["organization", "eta"],
                include=["order", "id"],
                condition=OPEN_LINE & Q(eta__isnull=False),
                name="sales_line_open_eta_idx",
            ),
        ]
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
    """A supplier delivery against a line, in any unit of the line's dimension.

    Corrected, never lost: an edit keeps the values it replaces in a ``DeliveryRevision``; a reversal keeps the row
    (with who, when and why) and takes it out of the line's delivered quantity. The services keep that quantity
    equal to the sum of the line's deliveries not reversed, with the line locked."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="deliveries")
    date = models.DateField()
    quantity = models.DecimalField(max_digits=18, decimal_places=3, validators=DELIVERY_QUANTITY_RANGE)
    unit = models.ForeignKey("catalog.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    quantity_in_line_unit = models.DecimalField(max_digits=18, decimal_places=3, editable=False)
    note = models.CharField(max_length=300, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    reversed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reversed_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    reversal_reason = models.CharField(max_length=500, blank=True, editable=False)

    class Shape:
        create = ("date", "quantity", "unit", "note")
        update = ("date", "quantity", "unit", "note")
        read = (
            "id",
            "date",
            "quantity",
            "unit_id",
            "quantity_in_line_unit",
            "note",
            "edited_at",
            "reversed_at",
            "reversed_by_id",
            "reversal_reason",
            "created_at",
        )

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="sales_delivery_org_id_key")]
        ordering = ("date", "created_at")

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} on {self.date:%d %b %Y}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class DeliveryRevision(TenantModel):
    """The values a delivery had before a correction (who corrected it and when: ``created_by``, ``created_at``)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="revisions")
    date = models.DateField()
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    unit = models.ForeignKey("catalog.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    quantity_in_line_unit = models.DecimalField(max_digits=18, decimal_places=3)
    note = models.CharField(max_length=300, blank=True)

    class Shape:
        read = ("date", "quantity", "unit_id", "quantity_in_line_unit", "note", "created_at")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="sales_deliveryrevision_org_id_key")]
        ordering = ("created_at",)


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
        """Dated before the day it was written, in the current (the organisation's) time zone."""
        return self.created_at is not None and self.effective_date < timezone.localdate(self.created_at)


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


class OrderTotals(models.Model):
    """An order's money and line counts, one row per order, kept by PostgreSQL (``sales.totals``: triggers on orders,
    lines, exchange rates and the organisation's base currency) for the reads that sum many orders — the dashboard.
    Never written by the application.

    The figures are the orders list's (``sales.money.LINE_TOTALS_SQL``, in the order's currency): each is ``None``
    when the order has lines and none of them has it, 0 for an order without lines. ``rate`` is the rate of the
    order's date to the organisation's base currency (1 in it; ``None`` without one), and the ``base_`` figures are
    the figures at that rate, rounded to cents as the order's page converts them. The order's columns the reads filter
    and group by are copied (``customer_id`` and ``merchandiser_id`` as plain ids: copies, not references).
    """

    order = models.OneToOneField(Order, on_delete=models.CASCADE, primary_key=True, related_name="+")
    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    customer_id = models.UUIDField()
    merchandiser_id = models.UUIDField(null=True)
    currency = models.CharField(max_length=3)
    order_date = models.DateField()
    etd = models.DateField(null=True)
    status = models.CharField(max_length=12)
    stage = models.CharField(max_length=40)
    archived_at = models.DateTimeField(null=True)
    value = models.DecimalField(max_digits=30, decimal_places=2, null=True)
    cost = models.DecimalField(max_digits=30, decimal_places=2, null=True)
    commission = models.DecimalField(max_digits=30, decimal_places=2, null=True)
    profit = models.DecimalField(max_digits=30, decimal_places=2, null=True)
    realised_profit = models.DecimalField(max_digits=30, decimal_places=2, null=True)
    line_count = models.IntegerField()
    cost_missing_lines = models.IntegerField()
    price_missing_lines = models.IntegerField()
    profit_left_out_lines = models.IntegerField()
    # Open lines without an ETD of their own: they are due on the order's ETD.
    open_lines_without_etd = models.IntegerField()
    rate = models.DecimalField(max_digits=60, decimal_places=40, null=True)
    base_value = models.DecimalField(max_digits=40, decimal_places=2, null=True)
    base_profit = models.DecimalField(max_digits=40, decimal_places=2, null=True)
    base_realised_profit = models.DecimalField(max_digits=40, decimal_places=2, null=True)

    class Meta:
        indexes = [
            # profit per month and quarter, top customers: the orders of a period, read from the index alone
            models.Index(
                fields=["organization", "order_date"],
                include=[
                    "status",
                    "archived_at",
                    "currency",
                    "customer_id",
                    "merchandiser_id",
                    "rate",
                    "value",
                    "profit",
                    "base_value",
                    "base_profit",
                    "base_realised_profit",
                    "line_count",
                    "cost_missing_lines",
                    "price_missing_lines",
                    "profit_left_out_lines",
                ],
                name="sales_ordertotals_date_idx",
            ),
            # ETDs coming up and late lines: open orders with lines that are due on the order's ETD
            models.Index(
                fields=["organization", "etd"],
                include=["merchandiser_id"],
                condition=Q(status="open", archived_at__isnull=True, open_lines_without_etd__gt=0),
                name="sales_ordertotals_undated_idx",
            ),
            # … and whether a line's order is open (and whose), answered from the index alone
            models.Index(
                fields=["organization", "order"],
                include=["merchandiser_id"],
                condition=Q(status="open", archived_at__isnull=True),
                name="sales_ordertotals_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Totals of {self.order_id}"


class StageTotals(models.Model):
    """The open orders (status open, not deleted) by merchandiser, stage and currency, kept by PostgreSQL from
    ``OrderTotals`` (``sales.totals``): how many, how many with a known value, their value in the currency and in the
    base currency, their lines without a selling price. ``rated``: the orders have a rate to the base currency (the
    base-currency value counts them); the others are reported apart in their currency."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    merchandiser_id = models.UUIDField(null=True)
    stage = models.CharField(max_length=40)
    currency = models.CharField(max_length=3)
    rated = models.BooleanField()
    orders = models.IntegerField()
    valued_orders = models.IntegerField()
    value = models.DecimalField(max_digits=40, decimal_places=2)
    base_value = models.DecimalField(max_digits=40, decimal_places=2)
    price_missing_lines = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "merchandiser_id", "stage", "currency", "rated"],
                nulls_distinct=False,
                name="sales_stagetotals_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} · {self.currency}"


class OpenLineTotals(models.Model):
    """The open lines (``sales.totals.OPEN_LINE_SQL``) of the open orders (status open, not deleted) by order and ETD
    (the line's, else its order's; ``None`` when neither has one), kept by PostgreSQL with the order's row
    (``sales.totals``), for the reports that read every open line — late orders, workload: how many lines and their
    value at the order's rate (each line's quantity x selling price to cents, converted and rounded to cents, as the
    late report shows a line; ``None`` when no line of the group has a selling price or the order has no rate).
    ``rated``: the order has a rate to the base currency. Copies of the order's columns the reports filter by."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+", db_index=False)
    etd = models.DateField(null=True)
    customer_id = models.UUIDField()
    merchandiser_id = models.UUIDField(null=True)
    rated = models.BooleanField()
    lines = models.IntegerField()
    value = models.DecimalField(max_digits=40, decimal_places=2, null=True)
    # the ETD of the order's group before this one (``None``: the first): a report counting orders per range of days
    # counts each order once, at its first group in the range, without grouping by order
    previous_etd = models.DateField(null=True)

    class Meta:
        constraints = [
            # the order first: the refresh replaces an order's groups by order id
            models.UniqueConstraint(
                fields=["order", "organization", "etd"], nulls_distinct=False, name="sales_openlinetotals_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "etd"],
                include=["order", "customer_id", "merchandiser_id", "rated", "lines", "value", "previous_etd"],
                name="sales_openlinetotals_etd_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Open lines of {self.order_id} due {self.etd}"


class SupplierTotals(models.Model):
    """Each counted order's lines by mill (the line's supplier; ``None``: no mill), kept by PostgreSQL with the
    order's row (``sales.totals``) for profit by mill: the orders the profit report counts (not cancelled, not a
    draft, not deleted). Each line's potential profit (``sales.money``'s rules, to cents) and realised profit (scaled
    by what was delivered, at most the quantity, to cents) converted at the order's rate and rounded to cents, summed;
    ``unrated_lines`` without a rate (not in the sums), ``left_out_lines`` with a rate but without both prices."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+", db_index=False)
    supplier_id = models.UUIDField(null=True)
    customer_id = models.UUIDField()
    merchandiser_id = models.UUIDField(null=True)
    order_date = models.DateField()
    lines = models.IntegerField()
    unrated_lines = models.IntegerField()
    left_out_lines = models.IntegerField()
    potential = models.DecimalField(max_digits=40, decimal_places=2, null=True)
    realised = models.DecimalField(max_digits=40, decimal_places=2, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "organization", "supplier_id"], nulls_distinct=False, name="sales_suppliertotals_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "order_date"],
                include=[
                    "supplier_id",
                    "customer_id",
                    "merchandiser_id",
                    "unrated_lines",
                    "left_out_lines",
                    "potential",
                    "realised",
                ],
                name="sales_suppliertotals_date_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Lines of {self.order_id} from {self.supplier_id}"

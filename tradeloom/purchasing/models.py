"""Purchase orders to mills and vendors, their approvals, amendments and goods receipts (docs/purchasing.md).

A PO has a number (``PO-000001``), a supplier (optionally one of its plants, a customer for the broker's case, a
carrier), a currency, a PO date and a due date, payment terms and a deliver-to warehouse; its lines buy a catalog item
or a free material (code and name) in a quantity and unit at a unit price, optionally for a sales-order line (back to
back). Its status moves only by the actions of ``states.ACTIONS``, by amendments and by receipts.

The money (``services.figures``): a line's amount is quantity x unit price rounded half away from zero to cents; its
tax is amount x its tax rate (the line's own, else the PO's) / 100 rounded the same way; the PO's subtotal and tax
are the sums of the lines' rounded figures and its total is subtotal + tax. The approval compares the total
converted to the base currency at the PO date's rate (rounded to cents) with the organisation's limit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tradeloom.core.models import TenantModel
from tradeloom.core.validators import validate_currency_code
from tradeloom.purchasing import states
from tradeloom.records.models import RecordModel

ZERO = Decimal(0)
AMOUNT: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}
MAX_QUANTITY = Decimal("999999999.999")
QUANTITY_RANGE = [
    MinValueValidator(Decimal("0.001"), message="Quantity must be above zero."),
    MaxValueValidator(MAX_QUANTITY, message=f"Quantity must be at most {MAX_QUANTITY:,}."),
]
RATE_RANGE = [
    MinValueValidator(ZERO, message="The tax rate cannot be below 0 %."),
    MaxValueValidator(Decimal(100), message="The tax rate cannot be above 100 %."),
]
PRICE_RANGE = [MinValueValidator(ZERO, message="The price cannot be negative.")]


class PurchaseOrder(RecordModel):
    """A purchase order. Its figures are its lines' (kept by the services); ``revision`` counts its amendments."""

    audit_prefix = "purchase_order"

    number = models.CharField(max_length=40, editable=False)
    revision = models.PositiveIntegerField(default=0, editable=False)
    supplier = models.ForeignKey("partners.Supplier", on_delete=models.PROTECT, related_name="+", db_index=False)
    plant = models.ForeignKey("partners.Plant", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    customer = models.ForeignKey(
        "partners.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The customer the goods are bought for (a broker's PO).",
    )
    carrier = models.ForeignKey("partners.Carrier", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # the sales order it was raised from (back to back), when all its lines come from one order
    order = models.ForeignKey(
        "sales.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    po_date = models.DateField("PO date")
    due_date = models.DateField("due date", null=True, blank=True)
    payment_terms = models.ForeignKey(
        "catalog.PaymentTerms", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="deliver to",
    )
    tax_rate = models.DecimalField("tax %", max_digits=5, decimal_places=2, default=ZERO, validators=RATE_RANGE)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=states.STATUSES, default=states.DRAFT, editable=False)
    status_reason = models.CharField(max_length=500, blank=True, editable=False)
    line_count = models.PositiveIntegerField(default=0, editable=False)
    subtotal = models.DecimalField(**AMOUNT, default=ZERO, editable=False)
    tax = models.DecimalField(**AMOUNT, default=ZERO, editable=False)
    total = models.DecimalField(**AMOUNT, default=ZERO, editable=False)
    # at submission (and each amendment): 1 PO currency = rate base currency at the PO date, and the total in it
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True, editable=False)
    base_total = models.DecimalField(**AMOUNT, null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Shape:
        create = (
            "supplier",
            "plant",
            "customer",
            "carrier",
            "currency",
            "po_date",
            "due_date",
            "payment_terms",
            "warehouse",
            "tax_rate",
            "notes",
        )
        update = create
        read = (
            "id",
            "number",
            "revision",
            "supplier_id",
            "plant_id",
            "customer_id",
            "carrier_id",
            "order_id",
            "currency",
            "po_date",
            "due_date",
            "payment_terms_id",
            "warehouse_id",
            "tax_rate",
            "notes",
            "status",
            "status_reason",
            "line_count",
            "subtotal",
            "tax",
            "total",
            "exchange_rate",
            "base_total",
            "submitted_at",
            "submitted_by_id",
            "approved_at",
            "approved_by_id",
            "version",
            "created_by_id",
            "created_at",
        )
        list = (
            "id",
            "number",
            "revision",
            "supplier_id",
            "customer_id",
            "order_id",
            "currency",
            "po_date",
            "due_date",
            "status",
            "line_count",
            "subtotal",
            "tax",
            "total",
            "base_total",
            "version",
            "created_at",
        )

    class Meta(RecordModel.Meta):
        verbose_name = "purchase order"
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "number"], name="purchasing_po_number_key"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=F("po_date")), name="purchasing_po_due_after_date"
            ),
            models.CheckConstraint(condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="purchasing_po_tax_rate"),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("tax")), name="purchasing_po_total"),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="po_list_idx"),
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="po_status_idx"),
            models.Index(fields=["supplier", "-created_at"], name="po_supplier_idx"),
        ]

    def __str__(self) -> str:
        return self.number if not self.revision else f"{self.number} rev. {self.revision}"

    @property
    def is_editable(self) -> bool:
        return self.status in states.EDITABLE

    @property
    def is_amendable(self) -> bool:
        return self.status in states.AMENDABLE

    @property
    def is_receivable(self) -> bool:
        return self.status in states.RECEIVABLE

    def can(self, action: str) -> bool:
        return states.can(self.status, action)


class PurchaseOrderLine(TenantModel):
    """One thing bought: a catalog item or a free material (code and name), a quantity in a unit at a unit price,
    optionally for a sales-order line (back to back). ``received_quantity`` is the receipts' (not cancelled), kept by
    ``services.receipts`` in their transactions."""

    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines", db_index=False)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    material_code = models.CharField(max_length=60, blank=True)
    material_name = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=300, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=3, validators=QUANTITY_RANGE)
    unit = models.ForeignKey("catalog.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField(max_digits=18, decimal_places=4, validators=PRICE_RANGE)
    # the line's own tax rate; empty: the PO's
    tax_rate = models.DecimalField(
        "tax %", max_digits=5, decimal_places=2, null=True, blank=True, validators=RATE_RANGE
    )
    amount = models.DecimalField(**AMOUNT, default=ZERO)
    tax = models.DecimalField(**AMOUNT, default=ZERO)
    sales_line = models.ForeignKey("sales.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    received_quantity = models.DecimalField(max_digits=18, decimal_places=3, default=ZERO, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Shape:
        create = (
            "item",
            "material_code",
            "material_name",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "tax_rate",
            "sales_line",
        )
        read = (
            "id",
            "position",
            "item_id",
            "material_code",
            "material_name",
            "description",
            "quantity",
            "unit_id",
            "unit_price",
            "tax_rate",
            "amount",
            "tax",
            "sales_line_id",
            "received_quantity",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="purchasing_poline_org_id_key"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchasing_poline_quantity_positive"),
            models.CheckConstraint(condition=Q(received_quantity__gte=0), name="purchasing_poline_received_positive"),
            models.CheckConstraint(
                condition=Q(item__isnull=False) | ~Q(material_name=""), name="purchasing_poline_item_or_material"
            ),
        ]
        indexes = [
            models.Index(fields=["purchase_order", "position"], name="poline_po_idx"),
        ]
        ordering = ("position",)

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.material_code or self.material_name:
            return " ".join(p for p in (self.material_code, self.material_name) if p)
        return self.description or "a line"


class Approval(TenantModel):
    """One decision on a submitted PO (append-only): approved at once (at or below the limit), approved by a
    manager, or sent back with a reason. Its figures are the PO's when decided."""

    class Decision(models.TextChoices):
        AUTO_APPROVED = "auto_approved", "Approved at submission (within the limit)"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Sent back"

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="approvals", db_index=False
    )
    revision = models.PositiveIntegerField(default=0)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    total = models.DecimalField(**AMOUNT)
    base_total = models.DecimalField(**AMOUNT, null=True, blank=True)
    limit = models.DecimalField(**AMOUNT)
    reason = models.CharField(max_length=500, blank=True)

    class Shape:
        read = ("id", "revision", "decision", "decided_by_id", "total", "base_total", "limit", "reason", "created_at")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="purchasing_approval_org_id_key")]
        indexes = [models.Index(fields=["purchase_order", "created_at"], name="po_approval_po_idx")]
        ordering = ("created_at", "id")


class Amendment(TenantModel):
    """A change of an approved PO: revision 1, 2 … per PO, what changed (``changes``: ``header`` field → [old, new],
    ``added`` / ``removed`` lines, ``changed`` lines with their field → [old, new]), why, and whether it needed
    approval again (the new total above the limit, and above what was approved)."""

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="amendments", db_index=False
    )
    revision = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    changes = models.JSONField(default=dict)
    total_before = models.DecimalField(**AMOUNT)
    total_after = models.DecimalField(**AMOUNT)
    reapproval = models.BooleanField(default=False)

    class Shape:
        read = ("id", "revision", "reason", "changes", "total_before", "total_after", "reapproval", "created_by_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="purchasing_amendment_org_id_key"),
            models.UniqueConstraint(fields=["purchase_order", "revision"], name="purchasing_amendment_revision_once"),
        ]
        ordering = ("revision",)

    def __str__(self) -> str:
        return f"amendment {self.revision}"


class Receipt(TenantModel):
    """Goods received against a PO's lines on a day into a warehouse: numbered per PO (``PO-000001-R1``). Recording it
    writes stock moves for its lines with a catalog item; cancelling it reverses them (it keeps its number)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Cancelled"

    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts", db_index=False)
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=50)
    received_on = models.DateField()
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField("delivery note", max_length=100, blank=True)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Shape:
        create = ("received_on", "warehouse", "reference", "note")
        read = (
            "id",
            "number",
            "sequence",
            "received_on",
            "warehouse_id",
            "reference",
            "note",
            "status",
            "cancelled_at",
            "cancel_reason",
            "created_by_id",
            "created_at",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="purchasing_receipt_org_id_key"),
            models.UniqueConstraint(fields=["purchase_order", "sequence"], name="purchasing_receipt_sequence_once"),
        ]
        ordering = ("sequence",)

    def __str__(self) -> str:
        return self.number


class ReceiptLine(TenantModel):
    """A quantity of one PO line in a receipt (in the PO line's unit), with an optional lot."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines", db_index=False)
    po_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=3, validators=QUANTITY_RANGE)
    lot = models.CharField(max_length=60, blank=True)

    class Shape:
        read = ("id", "po_line_id", "quantity", "lot")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="purchasing_receiptline_org_id_key"),
            models.UniqueConstraint(fields=["receipt", "po_line", "lot"], name="purchasing_receiptline_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchasing_receiptline_quantity_positive"),
        ]

"""Warehouses, the append-only stock-move ledger and the on-hand balances it keeps (docs/inventory.md).

A ``StockMove`` is one signed change of one item's stock in one warehouse (and lot): ``quantity`` in the item's stock
unit (> 0 in, < 0 out), with what was given (``given_quantity`` in ``given_unit``), and ``value`` in the
organisation's base currency (signed like the quantity). Moves are never changed or deleted: a mistake is corrected
by a reversal (a new move with the opposite quantity and value, ``reverses`` the original) or an adjustment.

A ``StockBalance`` is the on hand of one item x warehouse x lot (``lot`` is ``''`` when none): its quantity and value
are the sums of its moves, kept by ``inventory.services`` in the transaction of each move under the balance row's
lock, never recomputed on read; ``average_unit_cost`` is the moving average (value / quantity) per stock unit.
Each move keeps the balance after it (``quantity_after``, ``value_after``) and its place in the balance's sequence,
so an item's ledger shows the running balance without summing.

A ``ShipmentWarehouse`` says which warehouse a shipment ships from: its departure issues the shipment's items from
there (``inventory.subscribers``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from tradeloom.core.models import TenantModel
from tradeloom.records.models import RecordModel

ZERO = Decimal(0)
# decimal places: quantities in the stock unit 3 (as everywhere), values 2 (cents), unit costs 6
QUANTITY_PLACES = 3
VALUE_PLACES = 2
COST_PLACES = 6


class Warehouse(RecordModel):
    """A place stock is kept: the organisation's own store, stock held at a mill, or goods in transit."""

    audit_prefix = "warehouse"

    class Kind(models.TextChoices):
        OWN_STORE = "own_store", "Own store"
        AT_MILL = "at_mill", "At a mill"
        IN_TRANSIT = "in_transit", "In transit"

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OWN_STORE)
    supplier = models.ForeignKey(
        "partners.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The mill holding the stock (warehouses at a mill only).",
    )
    address = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Shape:
        editable = ("code", "name", "kind", "supplier", "address", "notes")

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "code"], name="inventory_warehouse_code_key"),
            models.CheckConstraint(
                condition=Q(supplier__isnull=True) | Q(kind="at_mill"), name="inventory_warehouse_supplier_at_mill"
            ),
        ]
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.supplier_id and self.kind != self.Kind.AT_MILL:
            raise ValidationError({"supplier": "Only a warehouse at a mill names a supplier."})


class StockBalance(TenantModel):
    """The on hand of one item in one warehouse (and lot): the sums of its moves, kept with each move."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+", db_index=False)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+", db_index=False)
    lot = models.CharField(max_length=60, blank=True, default="")
    quantity = models.DecimalField(max_digits=18, decimal_places=QUANTITY_PLACES, default=ZERO)
    value = models.DecimalField(max_digits=20, decimal_places=VALUE_PLACES, default=ZERO)
    # the moving average per stock unit (value / quantity while quantity > 0; the last one otherwise)
    average_unit_cost = models.DecimalField(max_digits=24, decimal_places=COST_PLACES, default=ZERO)
    move_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="inventory_stockbalance_org_id_key"),
            # the key the balance row is created on (INSERT … ON CONFLICT DO NOTHING) and locked by
            models.UniqueConstraint(
                fields=["organization", "warehouse", "item", "lot"], name="inventory_stockbalance_key"
            ),
        ]
        indexes = [
            models.Index(fields=["item", "warehouse"], name="stockbalance_item_idx"),
            models.Index(fields=["warehouse", "item"], name="stockbalance_warehouse_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} on hand"


class StockMove(TenantModel):
    """One signed change of a balance: never changed, never deleted (a reversal corrects it)."""

    audit_prefix = "stock_move"

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        ISSUE = "issue", "Issue"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        TRANSFER_IN = "transfer_in", "Transfer in"
        ADJUSTMENT = "adjustment", "Adjustment"
        PRODUCTION_IN = "production_in", "Production in"
        PRODUCTION_OUT = "production_out", "Production out"
        REVERSAL = "reversal", "Reversal"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    balance = models.ForeignKey(StockBalance, on_delete=models.PROTECT, related_name="+", db_index=False)
    # the balance's key, copied for the ledger's filters
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+", db_index=False)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+", db_index=False)
    lot = models.CharField(max_length=60, blank=True, default="")
    moved_on = models.DateField()
    # in the item's stock unit: > 0 in, < 0 out
    quantity = models.DecimalField(max_digits=18, decimal_places=QUANTITY_PLACES)
    # what the move was given in (any unit of the item's dimension)
    given_quantity = models.DecimalField(max_digits=18, decimal_places=QUANTITY_PLACES)
    given_unit = models.ForeignKey("catalog.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    # in the organisation's base currency, signed like the quantity; cost per stock unit
    value = models.DecimalField(max_digits=20, decimal_places=VALUE_PLACES)
    unit_cost = models.DecimalField(max_digits=24, decimal_places=COST_PLACES)
    # the balance after this move, and the move's place in the balance's sequence (1, 2, …)
    quantity_after = models.DecimalField(max_digits=18, decimal_places=QUANTITY_PLACES)
    value_after = models.DecimalField(max_digits=20, decimal_places=VALUE_PLACES)
    sequence = models.PositiveIntegerField()
    # what caused it: an "app.model" label and id (no foreign key: the source may be on a higher floor)
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.UUIDField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal", editable=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="inventory_stockmove_org_id_key"),
            models.UniqueConstraint(fields=["balance", "sequence"], name="inventory_stockmove_sequence_key"),
            models.CheckConstraint(condition=~Q(quantity=0), name="inventory_stockmove_quantity_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind="adjustment") | ~Q(reason=""), name="inventory_stockmove_adjustment_reason"
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="inventory_stockmove_reversal_reverses",
            ),
        ]
        indexes = [
            # the ledger (newest first) and an item's ledger
            models.Index(fields=["organization", "-created_at", "-id"], name="stockmove_list_idx"),
            models.Index(fields=["item", "-created_at", "-id"], name="stockmove_item_idx"),
            models.Index(fields=["warehouse", "-created_at", "-id"], name="stockmove_warehouse_idx"),
            # a source's moves (reversing them)
            models.Index(fields=["organization", "source_type", "source_id"], name="stockmove_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity}"


class ShipmentWarehouse(TenantModel):
    """The warehouse a shipment ships from: its departure issues the shipment's items from there."""

    audit_prefix = "shipment_warehouse"

    shipment = models.ForeignKey("logistics.Shipment", on_delete=models.CASCADE, related_name="+", db_index=False)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")

    class Shape:
        create = ("shipment", "warehouse")
        read = ("id", "shipment_id", "warehouse_id", "created_at")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="inventory_shipmentwarehouse_org_id_key"),
            models.UniqueConstraint(fields=["shipment"], name="inventory_shipmentwarehouse_once"),
        ]

    def __str__(self) -> str:
        return "ships from"

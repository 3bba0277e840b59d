"""The purchasing API's inputs and outputs. Record-shaped ones derive from the models' ``Shape`` declarations
(``records.serializers``); commands (a move, an amendment, a receipt, back to back) and what a read adds (names, the
lines, approvals, amendments with their diffs, receipts, the actions it offers) are written out here."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.core.shapes import row_encoder, shape_of
from tradeloom.purchasing import selectors, states
from tradeloom.purchasing.models import Amendment, Approval, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
from tradeloom.purchasing.selectors import PurchaseOrderDetail
from tradeloom.records.serializers import input_serializer, output_serializer

PO = shape_of(PurchaseOrder)


# --- inputs -------------------------------------------------------------------------------------------------------


class PurchaseOrderLineInput(serializers.Serializer):
    id = serializers.UUIDField(
        required=False, help_text="On an edit or an amendment: the line this row keeps (left out: a new line)."
    )
    item = serializers.UUIDField(required=False, allow_null=True, help_text="A catalog item (or give a material).")
    material_code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    material_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Required without an item."
    )
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, min_value=0)
    unit = serializers.UUIDField(required=False, allow_null=True, help_text="Default: the item's unit.")
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0)
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text="The line's own tax rate (empty: the PO's).",
    )
    sales_line = serializers.UUIDField(
        required=False, allow_null=True, help_text="The sales-order line it is bought for (back to back)."
    )


def _lines(required: bool) -> PurchaseOrderLineInput:
    return PurchaseOrderLineInput(
        many=True,
        required=required,
        help_text="The PO's lines (on an edit or amendment: all of them, replacing the current ones).",
    )


_OPTIONAL_DATE = serializers.DateField(required=False, help_text="Default today (the organisation's).")

PurchaseOrderCreateInput = input_serializer(
    PurchaseOrder,
    PO.create,
    name="PurchaseOrderCreateInput",
    overrides={
        "po_date": _OPTIONAL_DATE,
        "currency": serializers.CharField(
            max_length=3, min_length=3, required=False, help_text="Default: the supplier's currency."
        ),
    },
    extra={"lines": _lines(True)},
)
PurchaseOrderUpdateInput = input_serializer(
    PurchaseOrder, PO.update, name="PurchaseOrderUpdateInput", partial=True, extra={"lines": _lines(False)}
)
PurchaseOrderAmendInput = input_serializer(
    PurchaseOrder,
    tuple(f for f in PO.update if f not in ("supplier", "currency")),
    name="PurchaseOrderAmendInput",
    partial=True,
    extra={
        "reason": serializers.CharField(max_length=500, help_text="Why the PO is amended (kept with the revision)."),
        "lines": _lines(False),
    },
)


class PurchaseOrderReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class PurchaseOrderEmptyInput(serializers.Serializer):
    pass


class ReceiptLineInput(serializers.Serializer):
    po_line = serializers.UUIDField(help_text="A line of this PO.")
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, min_value=0)
    lot = serializers.CharField(max_length=60, required=False, allow_blank=True)


class ReceiptCreateInput(serializers.Serializer):
    received_on = serializers.DateField(required=False, help_text="Default today; not in the future.")
    warehouse = serializers.UUIDField(required=False, allow_null=True, help_text="Default: the PO's deliver-to.")
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    lines = ReceiptLineInput(many=True)


class BackToBackLineInput(serializers.Serializer):
    line = serializers.UUIDField(help_text="A line of the order.")
    quantity = serializers.DecimalField(
        max_digits=18,
        decimal_places=3,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Default: what of the line is not yet on a purchase order.",
    )


class BackToBackInput(serializers.Serializer):
    lines = BackToBackLineInput(many=True)
    po_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    warehouse = serializers.UUIDField(required=False, allow_null=True)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


# --- outputs ------------------------------------------------------------------------------------------------------

PurchaseOrderLineOutput = output_serializer(PurchaseOrderLine, name="PurchaseOrderLineOutput")
ApprovalOutput = output_serializer(Approval, name="PurchaseOrderApprovalOutput")
AmendmentOutput = output_serializer(Amendment, name="PurchaseOrderAmendmentOutput")
ReceiptLineOutput = output_serializer(ReceiptLine, name="ReceiptLineOutput")


class _ReceiptBase(serializers.ModelSerializer):
    lines = serializers.SerializerMethodField()

    @extend_schema_field(ReceiptLineOutput(many=True))
    def get_lines(self, obj: Receipt) -> Any:
        return ReceiptLineOutput(self.context.get("receipt_lines", {}).get(obj.pk, []), many=True).data


ReceiptOutput = output_serializer(Receipt, name="ReceiptOutput", extra=("lines",), base=_ReceiptBase)


class _ListBase(serializers.ModelSerializer):
    supplier_name = serializers.CharField(read_only=True)
    customer_name = serializers.CharField(read_only=True, allow_null=True)
    order_number = serializers.CharField(read_only=True, allow_null=True)


PurchaseOrderListOutput = output_serializer(
    PurchaseOrder,
    PO.list,
    name="PurchaseOrderListOutput",
    extra=("supplier_name", "customer_name", "order_number"),
    base=_ListBase,
)


LIST_EXTRA, LIST_COLUMNS = selectors.LIST_EXTRA, selectors.LIST_COLUMNS
_list_row = row_encoder(PurchaseOrder, PO.list, extra={name: name for name in LIST_EXTRA})


def purchase_order_list_rows(rows: Any) -> list[dict[str, Any]]:
    """``values(*LIST_COLUMNS)`` rows of ``selectors.purchase_order_list`` as the JSON of ``PurchaseOrderListOutput``
    (the list's fast path: no model instances, no serializer fields per row)."""
    tz = timezone.get_current_timezone()
    return [_list_row(row, tz) for row in rows]


class _DetailBase(serializers.ModelSerializer):
    supplier_name = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    approvals = serializers.SerializerMethodField()
    amendments = serializers.SerializerMethodField()
    receipts = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_supplier_name(self, obj: PurchaseOrder) -> str:
        return obj.supplier.trade_name or obj.supplier.legal_name

    @extend_schema_field(PurchaseOrderLineOutput(many=True))
    def get_lines(self, obj: PurchaseOrder) -> Any:
        return PurchaseOrderLineOutput(self.context["lines"], many=True).data

    @extend_schema_field(ApprovalOutput(many=True))
    def get_approvals(self, obj: PurchaseOrder) -> Any:
        return ApprovalOutput(self.context["approvals"], many=True).data

    @extend_schema_field(AmendmentOutput(many=True))
    def get_amendments(self, obj: PurchaseOrder) -> Any:
        return AmendmentOutput(self.context["amendments"], many=True).data

    @extend_schema_field(ReceiptOutput(many=True))
    def get_receipts(self, obj: PurchaseOrder) -> Any:
        return ReceiptOutput(
            self.context["receipts"], many=True, context={"receipt_lines": self.context["receipt_lines"]}
        ).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj: PurchaseOrder) -> list[str]:
        return po_actions(obj)


def po_actions(po: PurchaseOrder) -> list[str]:
    """What the PO offers now: its moves, ``edit`` (drafts), ``amend`` and ``receive`` (approved)."""
    offered = [t.action for t in states.actions_from(po.status)]
    if po.is_editable:
        offered.append("edit")
    if po.is_amendable:
        offered.append("amend")
    if po.is_receivable:
        offered.append("receive")
    return offered


PurchaseOrderDetailOutput = output_serializer(
    PurchaseOrder,
    name="PurchaseOrderDetailOutput",
    extra=("supplier_name", "lines", "approvals", "amendments", "receipts", "actions"),
    base=_DetailBase,
)


# ``PurchaseOrderDetailOutput``'s JSON written straight from the detail's instances by encoders derived from the same
# shapes (``core.shapes.row_encoder``): DRF's nested serializers cost several times the detail's reads.
_po_json = row_encoder(PurchaseOrder, PO.read)
_line_json = row_encoder(PurchaseOrderLine, shape_of(PurchaseOrderLine).read)
_approval_json = row_encoder(Approval, shape_of(Approval).read)
_amendment_json = row_encoder(Amendment, shape_of(Amendment).read)
_receipt_json = row_encoder(Receipt, shape_of(Receipt).read)
_receipt_line_json = row_encoder(ReceiptLine, shape_of(ReceiptLine).read)


def detail_data(detail: PurchaseOrderDetail) -> dict[str, Any]:
    """The JSON of ``PurchaseOrderDetailOutput`` for a detail, key order included (a test holds the two equal)."""
    po, tz = detail.purchase_order, timezone.get_current_timezone()
    data = _po_json(po.__dict__, tz)
    data["supplier_name"] = po.supplier.trade_name or po.supplier.legal_name
    data["lines"] = [_line_json(line.__dict__, tz) for line in detail.lines]
    data["approvals"] = [_approval_json(approval.__dict__, tz) for approval in detail.approvals]
    data["amendments"] = [_amendment_json(amendment.__dict__, tz) for amendment in detail.amendments]
    receipts = []
    for receipt in detail.receipts:
        row = _receipt_json(receipt.__dict__, tz)
        row["lines"] = [_receipt_line_json(line.__dict__, tz) for line in detail.receipt_lines.get(receipt.pk, [])]
        receipts.append(row)
    data["receipts"] = receipts
    data["actions"] = po_actions(po)
    return data


def documented_detail_data(detail: PurchaseOrderDetail) -> dict[str, Any]:
    """``PurchaseOrderDetailOutput``'s own rendering (what ``detail_data`` is held equal to)."""
    return PurchaseOrderDetailOutput(
        detail.purchase_order,
        context={
            "lines": detail.lines,
            "approvals": detail.approvals,
            "amendments": detail.amendments,
            "receipts": detail.receipts,
            "receipt_lines": detail.receipt_lines,
        },
    ).data


class BackToBackOutput(serializers.Serializer):
    purchase_orders = PurchaseOrderListOutput(many=True)

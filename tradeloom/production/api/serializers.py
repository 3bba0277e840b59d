"""The production API's inputs and outputs. Record-shaped ones derive from the models' ``Shape`` declarations
(``records.serializers``); commands (a move, a report, a correction, an issue, a receipt) and what a read adds (names,
lines with their order line's label, requirements, entries and their history, stock moves, the actions it offers)
are written out here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.core.shapes import row_encoder, shape_of
from tradeloom.production import selectors, states
from tradeloom.production.models import ProductionEntry, WorkOrder, WorkOrderLine, WorkOrderRequirement
from tradeloom.production.selectors import WorkOrderDetail
from tradeloom.records.serializers import input_serializer, output_serializer

WO = shape_of(WorkOrder)
ZERO = Decimal(0)


# --- inputs -------------------------------------------------------------------------------------------------------


class WorkOrderLineInput(serializers.Serializer):
    line = serializers.UUIDField(help_text="A line of one of the organisation's sales orders (all of one order).")
    quantity = serializers.DecimalField(
        max_digits=18,
        decimal_places=3,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Default: the line's quantity.",
    )


def _lines(required: bool) -> WorkOrderLineInput:
    return WorkOrderLineInput(
        many=True,
        required=required,
        help_text="The sales-order lines it produces for (on an edit: all of them, replacing the current ones).",
    )


WorkOrderCreateInput = input_serializer(
    WorkOrder,
    WO.create,
    name="WorkOrderCreateInput",
    overrides={
        "quantity": serializers.DecimalField(
            max_digits=18,
            decimal_places=3,
            min_value=0,
            required=False,
            help_text="Default: the sum of the lines' quantities.",
        ),
        "unit": serializers.UUIDField(required=False, help_text="Default: the first line's unit."),
        "product_name": serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            help_text="What is made (default: the first line's item, else its style and colour).",
        ),
    },
    extra={"lines": _lines(False)},
)
WorkOrderUpdateInput = input_serializer(
    WorkOrder, WO.update, name="WorkOrderUpdateInput", partial=True, extra={"lines": _lines(False)}
)


class WorkOrderEmptyInput(serializers.Serializer):
    pass


class WorkOrderReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class WorkOrderDayInput(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="Default today (the organisation's); not in the future.")


class _Figures(serializers.Serializer):
    knitted = serializers.DecimalField(max_digits=18, decimal_places=3, required=False, default=ZERO)
    dyed = serializers.DecimalField(max_digits=18, decimal_places=3, required=False, default=ZERO)
    finished = serializers.DecimalField(max_digits=18, decimal_places=3, required=False, default=ZERO)
    pieces = serializers.IntegerField(required=False, default=0)
    rejects = serializers.DecimalField(max_digits=18, decimal_places=3, required=False, default=ZERO)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ProductionEntryInput(_Figures):
    line = serializers.UUIDField(
        required=False, allow_null=True, help_text="One of the work order's lines (empty: the work order as a whole)."
    )
    produced_on = serializers.DateField(
        required=False, help_text="Default today; not in the future, not 60 days before the work order was made."
    )
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Why, when it corrects the day's figures."
    )


class ProductionReportRowInput(ProductionEntryInput):
    work_order = serializers.UUIDField(help_text="A pending or in-progress work order.")


class ProductionReportInput(serializers.Serializer):
    rows = ProductionReportRowInput(
        many=True, help_text="The rows, recorded all or nothing (errors name `rows.<n>.<field>`)."
    )


class ProductionEntryCorrectInput(serializers.Serializer):
    knitted = serializers.DecimalField(max_digits=18, decimal_places=3, required=False)
    dyed = serializers.DecimalField(max_digits=18, decimal_places=3, required=False)
    finished = serializers.DecimalField(max_digits=18, decimal_places=3, required=False)
    pieces = serializers.IntegerField(required=False)
    rejects = serializers.DecimalField(max_digits=18, decimal_places=3, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500, help_text="Why the figures are corrected.")


class WorkOrderRequirementUpdateInput(serializers.Serializer):
    item = serializers.UUIDField(required=False, allow_null=True, help_text="The yarn or greige item issued.")
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, min_value=0, required=False)
    unit = serializers.UUIDField(required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MaterialIssueInput(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, help_text="In the requirement's unit.")
    warehouse = serializers.UUIDField(required=False, allow_null=True, help_text="Default: the work order's.")
    on = serializers.DateField(required=False, help_text="Default today; not in the future.")
    lot = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class FinishedReceiveInput(MaterialIssueInput):
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, help_text="In the work order's unit.")
    unit_cost = serializers.DecimalField(
        max_digits=20, decimal_places=6, min_value=0, help_text="Per unit, in the base currency."
    )


# --- outputs ------------------------------------------------------------------------------------------------------


class _ListBase(serializers.ModelSerializer):
    order_number = serializers.CharField(read_only=True, allow_null=True)
    supplier_name = serializers.CharField(read_only=True, allow_null=True)
    unit_code = serializers.CharField(read_only=True)
    item_name = serializers.CharField(read_only=True, allow_null=True)


LIST_EXTRA, LIST_COLUMNS = selectors.LIST_EXTRA, selectors.LIST_COLUMNS

WorkOrderListOutput = output_serializer(
    WorkOrder, WO.list, name="WorkOrderListOutput", extra=LIST_EXTRA, base=_ListBase
)
_list_row = row_encoder(WorkOrder, WO.list, extra={name: name for name in LIST_EXTRA})


def work_order_list_rows(rows: Any) -> list[dict[str, Any]]:
    """``values(*LIST_COLUMNS)`` rows of ``selectors.work_order_list`` as the JSON of ``WorkOrderListOutput``."""
    tz = timezone.get_current_timezone()
    return [_list_row(row, tz) for row in rows]


class _LineBase(serializers.ModelSerializer):
    line_label = serializers.CharField(
        source="label", read_only=True, help_text="The order line's style number and colour."
    )


WorkOrderLineOutput = output_serializer(
    WorkOrderLine, name="WorkOrderLineOutput", extra=("line_label",), base=_LineBase
)
WorkOrderRequirementOutput = output_serializer(WorkOrderRequirement, name="WorkOrderRequirementOutput")
ProductionEntryOutput = output_serializer(ProductionEntry, name="ProductionEntryOutput")


class WorkOrderStockMoveOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField(help_text="`production_out` (materials issued) or `production_in` (finished goods).")
    moved_on = serializers.DateField()
    warehouse_id = serializers.UUIDField()
    item_id = serializers.UUIDField()
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, help_text="In the item's stock unit.")
    given_quantity = serializers.DecimalField(max_digits=18, decimal_places=3)
    given_unit_id = serializers.UUIDField()
    value = serializers.DecimalField(max_digits=20, decimal_places=2)
    reference = serializers.CharField()


class _DetailBase(serializers.ModelSerializer):
    order_number = serializers.SerializerMethodField()
    supplier_name = serializers.SerializerMethodField()
    item_name = serializers.SerializerMethodField()
    unit_code = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    requirements = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()
    superseded = serializers.SerializerMethodField()
    stock_moves = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_order_number(self, obj: WorkOrder) -> str | None:
        return obj.order.number if obj.order is not None else None

    def get_supplier_name(self, obj: WorkOrder) -> str | None:
        return (obj.supplier.trade_name or obj.supplier.legal_name) if obj.supplier is not None else None

    def get_item_name(self, obj: WorkOrder) -> str | None:
        return obj.item.name if obj.item is not None else None

    def get_unit_code(self, obj: WorkOrder) -> str:
        return obj.unit.code

    @extend_schema_field(WorkOrderLineOutput(many=True))
    def get_lines(self, obj: WorkOrder) -> Any:
        return WorkOrderLineOutput(self.context["detail"].lines, many=True).data

    @extend_schema_field(WorkOrderRequirementOutput(many=True))
    def get_requirements(self, obj: WorkOrder) -> Any:
        return WorkOrderRequirementOutput(self.context["detail"].requirements, many=True).data

    @extend_schema_field(ProductionEntryOutput(many=True))
    def get_entries(self, obj: WorkOrder) -> Any:
        return ProductionEntryOutput(self.context["detail"].entries, many=True).data

    @extend_schema_field(ProductionEntryOutput(many=True))
    def get_superseded(self, obj: WorkOrder) -> Any:
        return ProductionEntryOutput(self.context["detail"].superseded, many=True).data

    @extend_schema_field(WorkOrderStockMoveOutput(many=True))
    def get_stock_moves(self, obj: WorkOrder) -> Any:
        return WorkOrderStockMoveOutput(self.context["detail"].stock_moves, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj: WorkOrder) -> list[str]:
        return work_order_actions(obj)


def work_order_actions(work_order: WorkOrder) -> list[str]:
    """What the work order offers now: its moves, ``edit`` (drafts and pending), ``report`` and ``issue`` (pending
    and in progress), ``receive`` (in progress or completed, making a catalog item)."""
    offered = [t.action for t in states.actions_from(work_order.status)]
    if work_order.is_editable:
        offered.append("edit")
    if work_order.is_reportable:
        offered += ["report", "issue"]
    if work_order.item_id and work_order.status in (states.IN_PROGRESS, states.COMPLETED):
        offered.append("receive")
    return offered


WorkOrderDetailOutput = output_serializer(
    WorkOrder,
    name="WorkOrderDetailOutput",
    extra=(
        "order_number",
        "supplier_name",
        "item_name",
        "unit_code",
        "lines",
        "requirements",
        "entries",
        "superseded",
        "stock_moves",
        "actions",
    ),
    base=_DetailBase,
)


def detail_data(detail: WorkOrderDetail) -> dict[str, Any]:
    """The JSON of ``WorkOrderDetailOutput`` for a detail."""
    return dict(WorkOrderDetailOutput(detail.work_order, context={"detail": detail}).data)


class ProductionReportOutput(serializers.Serializer):
    entries = ProductionEntryOutput(many=True, help_text="The new entries (a row that changed nothing makes none).")

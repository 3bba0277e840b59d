from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.catalog.api.serializers import CurrencyCodeField
from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.partners.models import Customer, Supplier
from tradeloom.records.api import TenantPrimaryKeyRelatedField
from tradeloom.sales.extensions import ORDER_LIST_COLUMNS, OrderListColumn
from tradeloom.sales.models import (
    MAX_PRICE,
    MAX_QUANTITY,
    ActivityNote,
    DeletionRequest,
    Delivery,
    Line,
    MillOffer,
    NoteRevision,
    Order,
    Style,
    Task,
)
from tradeloom.sales.selectors import DETAIL_ORDER_FIELDS, OrderDetail
from tradeloom.tenancy.models import Membership

OVERRIDE_HELP = "An owner or admin may pass a gating rule (approvals) by giving a reason; it is audited."
PRICE = {"max_digits": 18, "decimal_places": 4, "min_value": Decimal(0), "max_value": MAX_PRICE}
QTY = {"max_digits": 18, "decimal_places": 3, "min_value": Decimal(0), "max_value": MAX_QUANTITY}


class LineInput(serializers.Serializer):
    colour_code = serializers.CharField(max_length=60)
    colour_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    cad_code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    cad_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    item = TenantPrimaryKeyRelatedField(model=Item, required=False, allow_null=True)
    quantity = serializers.DecimalField(**QTY)  # type: ignore[arg-type]
    unit = TenantPrimaryKeyRelatedField(model=UnitOfMeasure)
    selling_price = serializers.DecimalField(**PRICE, required=False, allow_null=True)  # type: ignore[arg-type]
    supplier = TenantPrimaryKeyRelatedField(model=Supplier, required=False, allow_null=True)
    mill_price = serializers.DecimalField(**PRICE, required=False, allow_null=True)  # type: ignore[arg-type]
    commission_per_unit = serializers.DecimalField(**PRICE, required=False, allow_null=True)  # type: ignore[arg-type]
    etd = serializers.DateField(required=False, allow_null=True)
    eta = serializers.DateField(required=False, allow_null=True)


class StyleInput(serializers.Serializer):
    style_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="Blank: <PO number>-01, -02 …"
    )
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    fabric_type = serializers.CharField(max_length=120, required=False, allow_blank=True)
    specification = serializers.CharField(max_length=300, required=False, allow_blank=True)
    composition = serializers.CharField(max_length=200, required=False, allow_blank=True)
    gsm = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    finish = serializers.CharField(max_length=120, required=False, allow_blank=True)
    construction = serializers.CharField(max_length=120, required=False, allow_blank=True)
    cuttable_width = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    finishing_width = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    etd = serializers.DateField(required=False, allow_null=True)
    eta = serializers.DateField(required=False, allow_null=True)
    lines = LineInput(many=True, allow_empty=False, max_length=500)  # type: ignore[call-arg]


class OrderCreateInput(serializers.Serializer):
    po_number = serializers.CharField(max_length=60)
    customer = TenantPrimaryKeyRelatedField(model=Customer)
    buyer_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    merchandiser = TenantPrimaryKeyRelatedField(model=Membership, required=False, allow_null=True)
    order_type = serializers.ChoiceField(choices=Order.Type.choices, required=False)
    currency = CurrencyCodeField()
    order_date = serializers.DateField()
    etd = serializers.DateField(required=False, allow_null=True)
    eta = serializers.DateField(required=False, allow_null=True)
    expected_delivery = serializers.DateField(required=False, allow_null=True)
    stage = serializers.CharField(max_length=40, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    merge = serializers.BooleanField(default=False, help_text="Merge into an open order of the same customer and PO.")
    styles = StyleInput(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]


class OrderUpdateInput(serializers.Serializer):
    po_number = serializers.CharField(max_length=60, required=False)
    buyer_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    merchandiser = TenantPrimaryKeyRelatedField(model=Membership, required=False, allow_null=True)
    order_type = serializers.ChoiceField(choices=Order.Type.choices, required=False)
    order_date = serializers.DateField(required=False)
    etd = serializers.DateField(required=False, allow_null=True)
    eta = serializers.DateField(required=False, allow_null=True)
    expected_delivery = serializers.DateField(required=False, allow_null=True)
    actual_delivery = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    process_loss_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False, allow_null=True
    )
    mixed_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False, allow_null=True
    )


class LineUpdateInput(serializers.Serializer):
    colour_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    cad_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    quantity = serializers.DecimalField(**QTY, required=False)  # type: ignore[arg-type]
    selling_price = serializers.DecimalField(**PRICE, required=False, allow_null=True)  # type: ignore[arg-type]
    mill_price = serializers.DecimalField(**PRICE, required=False, allow_null=True)  # type: ignore[arg-type]
    commission_per_unit = serializers.DecimalField(**PRICE, required=False, allow_null=True)  # type: ignore[arg-type]
    etd = serializers.DateField(required=False, allow_null=True)
    eta = serializers.DateField(required=False, allow_null=True)
    process_loss_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False, allow_null=True
    )
    mixed_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False, allow_null=True
    )


class RequirementOutput(serializers.Serializer):
    line_id = serializers.UUIDField()
    colour_code = serializers.CharField()
    unit = serializers.CharField()
    finished = serializers.DecimalField(max_digits=20, decimal_places=3)
    loss_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    mixed_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    greige = serializers.DecimalField(max_digits=20, decimal_places=3)
    yarn = serializers.DecimalField(max_digits=20, decimal_places=3)


class LinesTransitionInput(serializers.Serializer):
    lines = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=1000)
    status = serializers.ChoiceField(choices=Line.Status.choices)
    override_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=OVERRIDE_HELP)


class LineStatusOutput(serializers.Serializer):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    status = serializers.CharField()


class StageInput(serializers.Serializer):
    stage = serializers.CharField(max_length=40)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MoneyOutput(serializers.Serializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=2)
    cost = serializers.DecimalField(max_digits=20, decimal_places=2)
    commission = serializers.DecimalField(max_digits=20, decimal_places=2)
    profit = serializers.DecimalField(max_digits=20, decimal_places=2)
    realised_profit = serializers.DecimalField(max_digits=20, decimal_places=2)


class BaseMoneyOutput(serializers.Serializer):
    currency = serializers.CharField()
    rate = serializers.DecimalField(max_digits=20, decimal_places=8, allow_null=True)
    rate_missing = serializers.BooleanField()
    value = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    cost = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    commission = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    profit = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    realised_profit = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)


class _ContributedColumn(serializers.Field):
    """A contributed column's value on a row, as the fast rows give it (``OrderListColumn.to_json``)."""

    def __init__(self, column: OrderListColumn) -> None:
        super().__init__(source="*", read_only=True)
        self.column = column

    def to_representation(self, value: Any) -> Any:
        return self.column.to_json(getattr(value, self.column.annotation, None))


def _column_field(column: OrderListColumn) -> serializers.Field:
    """The column's field, documented as the contributing app's serializer says (``OrderListColumn.field``)."""
    documented = extend_schema_field(column.field())(type(f"{column.key.title()}Column", (_ContributedColumn,), {}))
    return documented(column)


class OrderListOutput(serializers.ModelSerializer):
    """The list's row (documentation and the reference for ``order_list_rows``, which produces the same JSON)."""

    # Columns other apps contribute (``sales.extensions.ORDER_LIST_COLUMNS``) follow the money (``get_fields``).

    customer = serializers.CharField(source="customer_name", read_only=True)
    customer_id = serializers.UUIDField(read_only=True)
    money = serializers.SerializerMethodField()
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "po_number",
            "customer",
            "customer_id",
            "buyer_name",
            "order_type",
            "currency",
            "order_date",
            "etd",
            "eta",
            "status",
            "stage",
            "line_count",
            "money",
            "version",
            "created_at",
        )
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        tail = {name: fields.pop(name) for name in ("version", "created_at")}
        for column in ORDER_LIST_COLUMNS:
            fields[column.key] = _column_field(column)
        return {**fields, **tail}

    def get_money(self, order: Order) -> dict[str, Any]:
        names = ("value", "cost", "commission", "profit", "realised_profit")
        return MoneyOutput({name: getattr(order, f"total_{name}") for name in names}).data


MONEY_NAMES = ("value", "cost", "commission", "profit", "realised_profit")


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def order_list_rows(orders: Any) -> list[dict[str, Any]]:
    """The orders list's rows (``selectors.order_list_projection``) as the JSON of ``OrderListOutput`` (a test holds
    them equal), at a fraction of the cost: the list is the hottest endpoint, and DRF builds a field tree per row."""
    rows = []
    columns = list(ORDER_LIST_COLUMNS)
    for o in orders:
        totals = o["line_totals"] or _NO_TOTALS
        rows.append(
            {
                "id": str(o["id"]),
                "number": o["number"],
                "po_number": o["po_number"],
                "customer": o["customer_name"],
                "customer_id": str(o["customer_id"]),
                "buyer_name": o["buyer_name"],
                "order_type": o["order_type"],
                "currency": o["currency"],
                "order_date": _iso(o["order_date"]),
                "etd": _iso(o["etd"]),
                "eta": _iso(o["eta"]),
                "status": o["status"],
                "stage": o["stage"],
                "line_count": int(totals[5]),
                "money": dict(zip(MONEY_NAMES, totals, strict=False)),
                **{column.key: column.to_json(o.get(column.annotation)) for column in columns},
                "version": o["version"],
                "created_at": _iso(o["created_at"]),
            }
        )
    return rows


_NO_TOTALS = ("0.00",) * 5 + ("0",)


class LineOutput(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_id = serializers.UUIDField(read_only=True)
    style_id = serializers.UUIDField(read_only=True)
    supplier_id = serializers.UUIDField(read_only=True, allow_null=True)
    item_id = serializers.UUIDField(read_only=True, allow_null=True)
    money = serializers.SerializerMethodField()
    shortage = serializers.SerializerMethodField()
    excess = serializers.SerializerMethodField()

    class Meta:
        model = Line
        fields = (
            "id",
            "style_id",
            "colour_code",
            "colour_name",
            "cad_code",
            "cad_name",
            "item_id",
            "quantity",
            "unit",
            "unit_id",
            "selling_price",
            "supplier_id",
            "mill_price",
            "commission_per_unit",
            "etd",
            "eta",
            "status",
            "delivered_quantity",
            "shortage",
            "excess",
            "money",
        )
        read_only_fields = fields

    def _figures(self, line: Line) -> Any:
        return self.context["figures"][line.pk]

    def get_money(self, line: Line) -> dict[str, Any]:
        return MoneyOutput(self._figures(line)).data

    def get_shortage(self, line: Line) -> Decimal:
        return self._figures(line).shortage

    def get_excess(self, line: Line) -> Decimal:
        return self._figures(line).excess


class StyleOutput(serializers.ModelSerializer):
    class Meta:
        model = Style
        fields = (
            "id",
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
        read_only_fields = fields


class OrderDetailOutput(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.__str__", read_only=True)
    customer_id = serializers.UUIDField(read_only=True)
    merchandiser_id = serializers.UUIDField(read_only=True, allow_null=True)
    styles = StyleOutput(many=True, read_only=True)
    lines = serializers.SerializerMethodField()
    money = serializers.SerializerMethodField()
    base_money = serializers.SerializerMethodField()

    class Meta:
        model = Order
        # The detail's projected columns, the customer's label, then the nested parts.
        fields = (
            *DETAIL_ORDER_FIELDS,
            "customer",
            "styles",
            "lines",
            "money",
            "base_money",
        )
        read_only_fields = fields

    def get_lines(self, order: Order) -> list[dict[str, Any]]:
        return LineOutput(order.lines.all(), many=True, context=self.context).data  # type: ignore[return-value]

    def get_money(self, order: Order) -> dict[str, Any]:
        return MoneyOutput(self.context["order_figures"]).data

    def get_base_money(self, order: Order) -> dict[str, Any]:
        figures = self.context["order_figures"]
        return BaseMoneyOutput(
            {
                "currency": order.organization.base_currency,
                "rate": figures.rate,
                "rate_missing": figures.rate_missing,
                **figures.base,
            }
        ).data


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in (2, 3, 4, 8)}


def _dec(value: Decimal | None, places: int) -> str | None:
    return None if value is None else str(value.quantize(_QUANTUM[places]))


def _money(figures: Any) -> dict[str, str | None]:
    return {name: _dec(getattr(figures, name), 2) for name in MONEY_NAMES}


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def order_detail_data(detail: OrderDetail) -> dict[str, Any]:
    """``OrderDetailOutput``'s JSON built directly from the detail's rows (a test holds them equal): an order of 20
    lines is read often, and DRF would build a field tree per line and per money block."""
    order, figures, totals = detail.order, detail.figures, detail.totals
    styles = [
        {
            "id": str(st["id"]),
            "style_number": st["style_number"],
            "description": st["description"],
            "fabric_type": st["fabric_type"],
            "specification": st["specification"],
            "composition": st["composition"],
            "gsm": _dec(st["gsm"], 2),
            "finish": st["finish"],
            "construction": st["construction"],
            "cuttable_width": _dec(st["cuttable_width"], 2),
            "finishing_width": _dec(st["finishing_width"], 2),
            "etd": _iso(st["etd"]),
            "eta": _iso(st["eta"]),
        }
        for st in detail.styles
    ]
    rows = []
    for line in detail.lines:
        f = figures[line["id"]]
        rows.append(
            {
                "id": str(line["id"]),
                "style_id": str(line["style_id"]),
                "colour_code": line["colour_code"],
                "colour_name": line["colour_name"],
                "cad_code": line["cad_code"],
                "cad_name": line["cad_name"],
                "item_id": _id(line["item_id"]),
                "quantity": _dec(line["quantity"], 3),
                "unit": line["unit_code"],
                "unit_id": str(line["unit_id"]),
                "selling_price": _dec(line["selling_price"], 4),
                "supplier_id": _id(line["supplier_id"]),
                "mill_price": _dec(line["mill_price"], 4),
                "commission_per_unit": _dec(line["commission_per_unit"], 4),
                "etd": _iso(line["etd"]),
                "eta": _iso(line["eta"]),
                "status": line["status"],
                "delivered_quantity": _dec(line["delivered_quantity"], 3),
                "shortage": f.shortage,
                "excess": f.excess,
                "money": _money(f),
            }
        )
    return {
        "id": str(order["id"]),
        "number": order["number"],
        "po_number": order["po_number"],
        "customer": order["customer_label"],
        "customer_id": str(order["customer_id"]),
        "buyer_name": order["buyer_name"],
        "merchandiser_id": _id(order["merchandiser_id"]),
        "order_type": order["order_type"],
        "currency": order["currency"],
        "order_date": _iso(order["order_date"]),
        "etd": _iso(order["etd"]),
        "eta": _iso(order["eta"]),
        "expected_delivery": _iso(order["expected_delivery"]),
        "actual_delivery": _iso(order["actual_delivery"]),
        "status": order["status"],
        "stage": order["stage"],
        "notes": order["notes"],
        "version": order["version"],
        "archived_at": _iso(order["archived_at"]),
        "created_at": _iso(order["created_at"]),
        "styles": styles,
        "lines": rows,
        "money": _money(totals),
        "base_money": {
            "currency": detail.base_currency,
            "rate": _dec(totals.rate, 8),
            "rate_missing": totals.rate_missing,
            **{name: _dec(totals.base.get(name), 2) for name in MONEY_NAMES},
        },
    }


class TransitionInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Line.Status.choices)
    override_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=OVERRIDE_HELP)


class DeliveryInput(serializers.Serializer):
    date = serializers.DateField()
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3)
    unit = TenantPrimaryKeyRelatedField(model=UnitOfMeasure)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DeliveryOutput(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Delivery
        fields = ("id", "date", "quantity", "unit", "quantity_in_line_unit", "note", "created_at")
        read_only_fields = fields


class OfferInput(serializers.Serializer):
    supplier = TenantPrimaryKeyRelatedField(model=Supplier)
    price = serializers.DecimalField(**PRICE)  # type: ignore[arg-type]
    currency = CurrencyCodeField()
    valid_until = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class OfferOutput(serializers.ModelSerializer):
    supplier_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = MillOffer
        fields = ("id", "supplier_id", "price", "currency", "valid_until", "notes", "accepted_at", "created_at")
        read_only_fields = fields


class TaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    assignee = TenantPrimaryKeyRelatedField(model=Membership, required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Task.Priority.choices, required=False)
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)


class TaskOutput(serializers.ModelSerializer):
    assignee_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Task
        fields = ("id", "title", "description", "assignee_id", "due_date", "priority", "status", "created_at")
        read_only_fields = fields


class NoteInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ActivityNote.Category.choices, required=False)
    text = serializers.CharField(max_length=10000)
    effective_date = serializers.DateField()


class NoteRevisionOutput(serializers.ModelSerializer):
    class Meta:
        model = NoteRevision
        fields = ("category", "text", "effective_date", "created_at")
        read_only_fields = fields


class NoteOutput(serializers.ModelSerializer):
    is_backdated = serializers.BooleanField(read_only=True)
    revisions = NoteRevisionOutput(many=True, read_only=True)

    class Meta:
        model = ActivityNote
        fields = ("id", "category", "text", "effective_date", "is_backdated", "edited_at", "created_at", "revisions")
        read_only_fields = fields


class DeletionRequestInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class DeletionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DeletionRequestOutput(serializers.ModelSerializer):
    requested_by_id = serializers.UUIDField(read_only=True)
    decided_by_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = DeletionRequest
        fields = (
            "id",
            "reason",
            "status",
            "requested_by_id",
            "decided_by_id",
            "decided_at",
            "decision_note",
            "created_at",
        )
        read_only_fields = fields

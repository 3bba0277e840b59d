"""The orders API's inputs and outputs. Record-shaped ones derive from the models' ``Shape`` declarations
(``records.serializers``): a column added to a model's shape reaches its input, its output and the fast JSON below
without another list to edit. Commands (a transition, a stage move) and computed figures are written out here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.core.money import AMOUNT_PLACES, RATE_PLACES, decimal_text
from tradeloom.core.shapes import row_encoder, shape_of
from tradeloom.records.serializers import input_serializer, output_serializer
from tradeloom.sales.extensions import ORDER_LIST_COLUMNS, OrderListColumn
from tradeloom.sales.models import (
    ActivityNote,
    DeletionRequest,
    Delivery,
    DeliveryRevision,
    Line,
    MillOffer,
    NoteRevision,
    Order,
    Style,
    Task,
)
from tradeloom.sales.money import COUNTS, FIGURES, TAX_FIGURES
from tradeloom.sales.selectors import OrderDetail

OVERRIDE_HELP = "An owner or admin may pass a gating rule (approvals) by giving a reason; it is audited."
ORDER, STYLE, LINE = shape_of(Order), shape_of(Style), shape_of(Line)

# --- inputs -------------------------------------------------------------------------------------------------------

LineInput = input_serializer(Line, LINE.create, name="LineInput")
StyleInput = input_serializer(
    Style,
    STYLE.create,
    name="StyleInput",
    overrides={
        "style_number": serializers.CharField(
            max_length=60, required=False, allow_blank=True, help_text="Blank: <PO number>-01, -02 …"
        )
    },
    extra={"lines": LineInput(many=True, allow_empty=False, max_length=500)},  # type: ignore[call-arg]
)
CONFIRM_OVERRIDE_HELP = (
    "An owner or admin may pass a rule the confirmation checks (receivables: the credit limit in block mode) by "
    "giving a reason; it is audited with the confirmation."
)
OrderCreateInput = input_serializer(
    Order,
    ORDER.create,
    name="OrderCreateInput",
    extra={
        "merge": serializers.BooleanField(
            default=False, help_text="Merge into an open order of the same customer and PO."
        ),
        "confirm": serializers.BooleanField(
            default=True,
            help_text=(
                "true (the default): the order is created confirmed (open) and the confirmation's checks run (the "
                "credit limit); false: it is created as a draft, confirmed later by POST …/confirm/."
            ),
        ),
        "override_reason": serializers.CharField(
            max_length=500, required=False, allow_blank=True, help_text=CONFIRM_OVERRIDE_HELP
        ),
        "styles": StyleInput(many=True, allow_empty=False, max_length=200),  # type: ignore[call-arg]
    },
)
OrderUpdateInput = input_serializer(Order, ORDER.update, name="OrderUpdateInput", partial=True)
LineUpdateInput = input_serializer(Line, LINE.update, name="LineUpdateInput", partial=True)


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


class OrderConfirmInput(serializers.Serializer):
    override_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text=CONFIRM_OVERRIDE_HELP
    )


class StageInput(serializers.Serializer):
    stage = serializers.CharField(max_length=40)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _amount(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True, help_text=help_text)


class LineMoneyOutput(serializers.Serializer):
    """A line's money. A missing price is not a zero price: without a selling price the value is null, without a
    mill price the cost is null, and either way the profit is unknown (null), never value - 0."""

    value = _amount("Price x quantity; null when the line has no selling price.")
    cost = _amount("Mill price x quantity; null when the line has no mill price (cost missing).")
    commission = serializers.DecimalField(max_digits=20, decimal_places=2)
    profit = _amount("Value - cost - commission; null when the value or the cost is missing.")
    realised_profit = _amount("Profit x delivered share (at most 100 %); null when the profit is unknown.")


class LineTotalsOutput(serializers.Serializer):
    """A line's tax (docs/sales.md): its value x its rate / 100, to cents half up; nothing without a selling price."""

    tax_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="The line's own tax % where it has one, else its order's."
    )
    subtotal = _amount("The line's value before tax; null when it has no selling price.")
    tax = _amount("Subtotal x tax rate / 100, to cents half up; null when the line has no selling price.")
    total = _amount("Subtotal + tax; null when the line has no selling price.")


class MoneyOutput(serializers.Serializer):
    """An order's money: each figure sums the lines that have it (null when the order has lines and none has it);
    the profit and realised profit sum only the lines with both a selling and a mill price, and the counts say how
    many lines were left out."""

    value = _amount("Sum of the lines' values (lines without a selling price add nothing).")
    cost = _amount("Sum of the lines' costs (lines without a mill price add nothing).")
    commission = serializers.DecimalField(max_digits=20, decimal_places=2)
    profit = _amount("Sum of the profits of the lines with both prices.")
    realised_profit = _amount("Sum of the realised profits of the lines with both prices.")
    cost_missing_lines = serializers.IntegerField(help_text="Lines without a mill price (cost missing).")
    price_missing_lines = serializers.IntegerField(help_text="Lines without a selling price.")
    profit_left_out_lines = serializers.IntegerField(
        help_text="Lines left out of the profit and realised profit (a price missing)."
    )


class TotalsOutput(serializers.Serializer):
    """An order's value before tax, its tax and its total (docs/sales.md): the tax is the sum of the lines' taxes,
    each to cents; lines without a selling price add nothing (``money.price_missing_lines`` counts them), and every
    figure is null when the order has lines and none has a price."""

    subtotal = _amount("The lines' values before tax (money.value).")
    tax = _amount("Sum of the lines' taxes.")
    total = _amount("Subtotal + tax.")


class BaseMoneyOutput(serializers.Serializer):
    currency = serializers.CharField()
    rate = serializers.DecimalField(max_digits=20, decimal_places=8, allow_null=True)
    rate_missing = serializers.BooleanField()
    value = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    cost = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    commission = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    profit = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    realised_profit = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)


class TransitionInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Line.Status.choices)
    override_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=OVERRIDE_HELP)


# --- outputs ------------------------------------------------------------------------------------------------------


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


class _OrderListRow(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer_name", read_only=True)
    money = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    line_count = serializers.IntegerField(read_only=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        # The order's columns, its line count and money, the columns other apps contribute
        # (``sales.extensions.ORDER_LIST_COLUMNS``), then the version and creation time.
        fields = super().get_fields()
        tail = {name: fields.pop(name) for name in ("version", "created_at")}
        for column in ORDER_LIST_COLUMNS:
            fields[column.key] = _column_field(column)
        return {**fields, **tail}

    @extend_schema_field(MoneyOutput)
    def get_money(self, order: Order) -> dict[str, Any]:
        figures = {name: getattr(order, f"total_{name}") for name in FIGURES}
        return MoneyOutput({**figures, **{name: getattr(order, name) for name in COUNTS}}).data

    @extend_schema_field(TotalsOutput)
    def get_totals(self, order: Order) -> dict[str, Any]:
        return TotalsOutput({"subtotal": order.total_value, "tax": order.total_tax, "total": order.total_incl_tax}).data


OrderListOutput = output_serializer(
    Order, ORDER.list, name="OrderListOutput", extra=("customer", "line_count", "money", "totals"), base=_OrderListRow
)
OrderListOutput.__doc__ = (
    "The list's row (documentation and the reference for ``order_list_rows``, which produces the same JSON)."
)

_NO_TOTALS = ("0.00",) * 5 + ("0",) * 4 + ("0.00",) * 2
_order_list_row = row_encoder(Order, ORDER.list, extra={"customer": "customer_name"})


def order_list_rows(orders: Any) -> list[dict[str, Any]]:
    """The orders list's rows (``selectors.order_list_projection``) as the JSON of ``OrderListOutput`` (a test holds
    them equal), at a fraction of the cost: the list is the hottest endpoint, and DRF builds a field tree per row."""
    rows = []
    columns = list(ORDER_LIST_COLUMNS)
    for o in orders:
        totals = o["line_totals"] or _NO_TOTALS
        row = _order_list_row(o)
        row["line_count"] = int(totals[5])
        money = dict(zip(FIGURES, totals, strict=False))
        for name, count in zip(COUNTS, totals[6:9], strict=True):
            money[name] = int(count)
        row["money"] = money
        row["totals"] = {"subtotal": totals[0], "tax": totals[9], "total": totals[10]}
        for column in columns:
            row[column.key] = column.to_json(o.get(column.annotation))
        rows.append(row)
    return rows


class _LineRow(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    money = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    shortage = serializers.SerializerMethodField()
    excess = serializers.SerializerMethodField()
    cost_missing = serializers.SerializerMethodField(help_text="No mill price: the line's cost and profit are unknown.")
    price_missing = serializers.SerializerMethodField(
        help_text="No selling price: the line's value and profit are unknown."
    )

    def _figures(self, line: Line) -> Any:
        return self.context["figures"][line.pk]

    @extend_schema_field(LineMoneyOutput)
    def get_money(self, line: Line) -> dict[str, Any]:
        return LineMoneyOutput(self._figures(line)).data

    @extend_schema_field(LineTotalsOutput)
    def get_totals(self, line: Line) -> dict[str, Any]:
        f = self._figures(line)
        return LineTotalsOutput({"tax_rate": f.tax_rate, "subtotal": f.value, "tax": f.tax, "total": f.total}).data

    def get_shortage(self, line: Line) -> Decimal:
        return self._figures(line).shortage

    def get_excess(self, line: Line) -> Decimal:
        return self._figures(line).excess

    def get_cost_missing(self, line: Line) -> bool:
        return bool(self._figures(line).cost_missing)

    def get_price_missing(self, line: Line) -> bool:
        return bool(self._figures(line).price_missing)


LineOutput = output_serializer(
    Line,
    name="LineOutput",
    extra=("unit", "shortage", "excess", "cost_missing", "price_missing", "money", "totals"),
    base=_LineRow,
)
StyleOutput = output_serializer(Style, name="StyleOutput")


class _OrderDetail(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.__str__", read_only=True)
    styles = StyleOutput(many=True, read_only=True)
    lines = serializers.SerializerMethodField()
    money = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    base_money = serializers.SerializerMethodField()

    def get_lines(self, order: Order) -> list[dict[str, Any]]:
        return LineOutput(order.lines.all(), many=True, context=self.context).data  # type: ignore[return-value]

    @extend_schema_field(MoneyOutput)
    def get_money(self, order: Order) -> dict[str, Any]:
        return MoneyOutput(self.context["order_figures"]).data

    @extend_schema_field(TotalsOutput)
    def get_totals(self, order: Order) -> dict[str, Any]:
        return TotalsOutput(self.context["order_figures"]).data

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


OrderDetailOutput = output_serializer(
    Order,
    name="OrderDetailOutput",
    extra=("customer", "styles", "lines", "money", "totals", "base_money"),
    base=_OrderDetail,
)


class _OrderConfirmed(_OrderDetail):
    # not read-only, so the documentation does not require it: a create answers with it only when there are some
    warnings = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=(
            "What the confirmation's checks warn about (receivables: the credit limit in warn mode). The confirm "
            "action always answers with it; a create only when there are warnings."
        ),
    )


OrderConfirmedOutput = output_serializer(
    Order,
    name="OrderConfirmedOutput",
    extra=("customer", "styles", "lines", "money", "totals", "base_money", "warnings"),
    base=_OrderConfirmed,
    doc="The order as its detail shows it, with the warnings its confirmation gave.",
)

# --- the order detail's fast JSON ----------------------------------------------------------------------------------
# ``OrderDetailOutput``'s JSON built directly from the detail's rows (a test holds them equal): an order of 20 lines
# is read often, and DRF would build a field tree per line and per money block. The row encoders come from the same
# shapes as the serializers.

_order_row = row_encoder(Order, ORDER.read, extra={"customer": "customer_label"})
_style_row = row_encoder(Style, STYLE.read)
_line_row = row_encoder(Line, LINE.read, extra={"unit": "unit_code"})


def _money(figures: Any) -> dict[str, str | None]:
    return {name: decimal_text(getattr(figures, name), AMOUNT_PLACES) for name in FIGURES}


def _line_totals(figures: Any) -> dict[str, str | None]:
    return {
        "tax_rate": decimal_text(figures.tax_rate, AMOUNT_PLACES),
        "subtotal": decimal_text(figures.value, AMOUNT_PLACES),
        "tax": decimal_text(figures.tax, AMOUNT_PLACES),
        "total": decimal_text(figures.total, AMOUNT_PLACES),
    }


def order_detail_data(detail: OrderDetail) -> dict[str, Any]:
    """The detail's JSON (``OrderDetailOutput``) from its rows."""
    figures, totals = detail.figures, detail.totals
    lines = []
    for line in detail.lines:
        f = figures[line["id"]]
        row = _line_row(line)
        row["shortage"], row["excess"] = f.shortage, f.excess
        row["cost_missing"], row["price_missing"], row["money"] = f.cost_missing, f.price_missing, _money(f)
        row["totals"] = _line_totals(f)
        lines.append(row)
    data = _order_row(detail.order)
    data["styles"] = [_style_row(style) for style in detail.styles]
    data["lines"] = lines
    data["money"] = {**_money(totals), **{name: getattr(totals, name) for name in COUNTS}}
    data["totals"] = {name: decimal_text(getattr(totals, name), AMOUNT_PLACES) for name in TAX_FIGURES}
    data["base_money"] = {
        "currency": detail.base_currency,
        "rate": decimal_text(totals.rate, RATE_PLACES),
        "rate_missing": totals.rate_missing,
        **{name: decimal_text(totals.base.get(name), AMOUNT_PLACES) for name in FIGURES},
    }
    return data


# --- the order's work: deliveries, offers, tasks, notes, deletion requests -------------------------------------------

OVER_DELIVERY_HELP = (
    "An owner or admin may take the line beyond ordered + the organisation's over-delivery tolerance by giving a "
    "reason; it is audited (sales_line.over_delivery_allowed). Without one such a delivery is 409 over_delivery."
)


def _override_reason() -> serializers.CharField:
    return serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=OVER_DELIVERY_HELP)


DeliveryInput = input_serializer(
    Delivery,
    shape_of(Delivery).create,
    name="DeliveryInput",
    extra={"override_reason": _override_reason()},
)
DeliveryUpdateInput = input_serializer(
    Delivery,
    shape_of(Delivery).update,
    name="DeliveryUpdateInput",
    partial=True,
    extra={"override_reason": _override_reason()},
)


class DeliveryReverseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the delivery is taken back (kept with it).")


class _DeliveryRevisionRow(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)


DeliveryRevisionOutput = output_serializer(
    DeliveryRevision,
    name="DeliveryRevisionOutput",
    extra=("unit",),
    base=_DeliveryRevisionRow,
    doc="The values a delivery had before a correction (``created_at``: when it was corrected).",
)


class _DeliveryRow(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    is_reversed = serializers.BooleanField(read_only=True)
    revisions = DeliveryRevisionOutput(many=True, read_only=True)


DeliveryOutput = output_serializer(
    Delivery,
    name="DeliveryOutput",
    extra=("unit", "is_reversed", "revisions"),
    base=_DeliveryRow,
    doc="A delivery with its earlier versions; a reversed one stays listed, no longer counted in the line's total.",
)
OfferInput = input_serializer(MillOffer, shape_of(MillOffer).create, name="OfferInput")
OfferOutput = output_serializer(MillOffer, name="OfferOutput")
TaskInput = input_serializer(Task, shape_of(Task).create, name="TaskInput")
TaskOutput = output_serializer(Task, name="TaskOutput")
NoteInput = input_serializer(
    ActivityNote,
    shape_of(ActivityNote).create,
    name="NoteInput",
    overrides={"text": serializers.CharField(max_length=10000)},
)
NoteRevisionOutput = output_serializer(NoteRevision, name="NoteRevisionOutput")


class _NoteRow(serializers.ModelSerializer):
    is_backdated = serializers.BooleanField(read_only=True)
    revisions = NoteRevisionOutput(many=True, read_only=True)


NoteOutput = output_serializer(ActivityNote, name="NoteOutput", extra=("is_backdated", "revisions"), base=_NoteRow)
DeletionRequestInput = input_serializer(DeletionRequest, shape_of(DeletionRequest).create, name="DeletionRequestInput")


class DeletionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


DeletionRequestOutput = output_serializer(DeletionRequest, name="DeletionRequestOutput")

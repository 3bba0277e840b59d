"""The invoices API's inputs and outputs. Record-shaped ones derive from the models' ``Shape`` declarations
(``records.serializers``); commands (create from a shipment or an order, void, a credit note) and the figures a read
adds (names, numbers, outstanding, the due date's basis) are written out here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.core.shapes import row_encoder, shape_of
from tradeloom.invoicing import selectors, states
from tradeloom.invoicing.models import CreditNote, Invoice, InvoiceLine
from tradeloom.logistics.models import Shipment
from tradeloom.records.api import TenantPrimaryKeyRelatedField
from tradeloom.records.serializers import input_serializer, output_serializer
from tradeloom.sales.models import Order

INVOICE = shape_of(Invoice)
AMOUNT: dict[str, Any] = {"max_digits": 18, "decimal_places": 2, "read_only": True}


# --- outputs ------------------------------------------------------------------------------------------------------


class _LineRow(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)


InvoiceLineOutput = output_serializer(InvoiceLine, name="InvoiceLineOutput", extra=("order_number",), base=_LineRow)
CreditNoteOutput = output_serializer(CreditNote, name="CreditNoteOutput")


class _InvoiceRow(serializers.ModelSerializer):
    customer_name = serializers.SerializerMethodField()
    order_number = serializers.SerializerMethodField()
    shipment_number = serializers.SerializerMethodField()
    outstanding = serializers.DecimalField(**AMOUNT)
    overdue = serializers.SerializerMethodField()

    def get_customer_name(self, invoice: Any) -> str:
        name = getattr(invoice, "customer_name", None)
        return str(name if name is not None else invoice.customer)

    def get_order_number(self, invoice: Any) -> str | None:
        if hasattr(invoice, "order_number"):
            return invoice.order_number
        return invoice.order.number if invoice.order_id else None

    def get_shipment_number(self, invoice: Any) -> str | None:
        if hasattr(invoice, "shipment_number"):
            return invoice.shipment_number
        return invoice.shipment.number if invoice.shipment_id else None

    def get_overdue(self, invoice: Any) -> bool:
        today = self.context.get("today")
        return bool(
            today
            and invoice.status in states.OPEN
            and invoice.due_date is not None
            and invoice.due_date < today
            and invoice.outstanding > 0
        )


InvoiceListOutput = output_serializer(
    Invoice,
    INVOICE.list,
    name="InvoiceListOutput",
    extra=("customer_name", "order_number", "shipment_number", "outstanding", "overdue"),
    base=_InvoiceRow,
)

LIST_EXTRA, LIST_COLUMNS = selectors.LIST_EXTRA, selectors.LIST_COLUMNS
_list_row = row_encoder(Invoice, INVOICE.list, extra={name: name for name in LIST_EXTRA})
CENT = Decimal("0.01")


def invoice_list_rows(rows: Any, *, today: date) -> list[dict[str, Any]]:
    """``values(*LIST_COLUMNS)`` rows of ``selectors.invoice_list`` as the JSON of ``InvoiceListOutput`` (a test
    holds them equal), without building a model or a serializer per row."""
    out = []
    tz = timezone.get_current_timezone()
    for row in rows:
        data = _list_row(row, tz)
        outstanding = row["total"] - row["paid_amount"] - row["credited_amount"]
        data["outstanding"] = str(outstanding.quantize(CENT))
        due = row["due_date"]
        data["overdue"] = row["status"] in states.OPEN and due is not None and due < today and outstanding > 0
        out.append(data)
    return out


class _InvoiceDetail(_InvoiceRow):
    letter_of_credit_number = serializers.SerializerMethodField()
    due_basis_label = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    credit_notes = serializers.SerializerMethodField()

    def get_letter_of_credit_number(self, invoice: Any) -> str | None:
        return str(invoice.letter_of_credit) if invoice.letter_of_credit_id else None

    def get_due_basis_label(self, invoice: Any) -> str:
        """How the due date is counted: "90 days from the B/L date"."""
        return due_basis_label(invoice)

    def get_actions(self, invoice: Any) -> list[str]:
        return [t.action for t in states.actions_from(invoice.status)]

    @extend_schema_field(InvoiceLineOutput(many=True))
    def get_lines(self, invoice: Any) -> list[dict[str, Any]]:
        return InvoiceLineOutput(self.context.get("lines", []), many=True).data  # type: ignore[return-value]

    @extend_schema_field(CreditNoteOutput(many=True))
    def get_credit_notes(self, invoice: Any) -> list[dict[str, Any]]:
        return CreditNoteOutput(self.context.get("credit_notes", []), many=True).data  # type: ignore[return-value]


def due_basis_label(invoice: Any) -> str:
    if not invoice.due_basis:
        return ""
    basis = states.BASIS_LABELS.get(invoice.due_basis, invoice.due_basis)
    if invoice.due_basis == "sight" and not invoice.due_days:
        return "at sight"
    return f"{invoice.due_days or 0} days from {basis}"


InvoiceDetailOutput = output_serializer(
    Invoice,
    name="InvoiceDetailOutput",
    extra=(
        "customer_name",
        "order_number",
        "shipment_number",
        "letter_of_credit_number",
        "outstanding",
        "overdue",
        "due_basis_label",
        "actions",
        "lines",
        "credit_notes",
    ),
    base=_InvoiceDetail,
)


# --- inputs -------------------------------------------------------------------------------------------------------


class InvoiceLineInput(serializers.Serializer):
    line = serializers.UUIDField(help_text="A line of the order (its quantity is in the line's unit).")
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, min_value=Decimal("0.001"))


InvoiceCreateInput = input_serializer(
    Invoice,
    INVOICE.create,
    name="InvoiceCreateInput",
    overrides={
        "issue_date": serializers.DateField(
            required=False, allow_null=True, help_text="The invoice date (default today); the number's year."
        )
    },
    extra={
        "shipment": TenantPrimaryKeyRelatedField(
            model=Shipment,
            required=False,
            allow_null=True,
            help_text="Invoice everything this shipment carries (give a shipment or an order, not both).",
        ),
        "order": TenantPrimaryKeyRelatedField(
            model=Order,
            required=False,
            allow_null=True,
            allow_archived=True,
            help_text="Invoice chosen quantities of this order's lines.",
        ),
        "lines": InvoiceLineInput(
            many=True,
            required=False,
            max_length=500,  # type: ignore[call-arg]
            help_text="With an order: the lines and quantities (none: every line with what is left to invoice).",
        ),
    },
)
InvoiceUpdateInput = input_serializer(Invoice, INVOICE.update, name="InvoiceUpdateInput", partial=True)


class InvoiceReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


CreditNoteInput = input_serializer(
    CreditNote,
    ("issue_date", "amount", "reason"),
    name="CreditNoteInput",
    overrides={
        "issue_date": serializers.DateField(
            required=False, allow_null=True, help_text="The credit note's date (default today); its number's year."
        )
    },
)

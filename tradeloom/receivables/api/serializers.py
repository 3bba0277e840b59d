"""The receivables API's inputs and outputs: payments (the list's rows, the detail with its allocations and their
exchange differences), allocation commands, the ageing report, a customer's statement and an order's finance.
Record-shaped ones derive from the models' ``Shape`` (``records.serializers``); the reports are written out here
and filled from the selectors' dataclasses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.core.money import ZERO, cents
from tradeloom.core.shapes import shape_of
from tradeloom.receivables import selectors
from tradeloom.receivables.models import Payment
from tradeloom.records.serializers import input_serializer, output_serializer

PAYMENT = shape_of(Payment)
MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 20, "decimal_places": 8}
# base-currency figures: an amount times a rate (up to 18 + 12 digits)
BASE: dict[str, Any] = {"max_digits": 32, "decimal_places": 2}


SECTIONS = [("lc_backed", "LC-backed"), ("open_account", "Open account")]
ENTRY_KINDS = [("invoice", "Invoice"), ("credit_note", "Credit note"), ("payment", "Payment")]


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, read_only=True, **kwargs)


def _base(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(**BASE, read_only=True, **kwargs)


# --- inputs -------------------------------------------------------------------------------------------------------


class PaymentAllocationInput(serializers.Serializer):
    invoice = serializers.UUIDField(
        help_text="An issued or partly paid invoice of the payment's customer, in its currency (another "
        "organisation's, or none: 404)."
    )
    amount = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        help_text="In the invoice's (and the payment's) currency; at most the invoice's outstanding amount.",
    )


PaymentCreateInput = input_serializer(
    Payment,
    PAYMENT.create,
    name="PaymentCreateInput",
    overrides={
        "exchange_rate": serializers.DecimalField(
            **RATE,
            min_value=Decimal("0.00000001"),
            max_value=Decimal(1000000),
            required=False,
            allow_null=True,
            help_text="1 unit of the payment's currency in base currency; default: the catalogue's rate on its date "
            "(400 `rate_missing` without one).",
        ),
    },
    extra={
        "allocations": PaymentAllocationInput(many=True, required=False, max_length=200),  # type: ignore[call-arg]
    },
)
PaymentUpdateInput = input_serializer(Payment, PAYMENT.update, name="PaymentUpdateInput", partial=True)


class PaymentAllocateInput(serializers.Serializer):
    allocations = PaymentAllocationInput(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]


class PaymentUnallocateInput(serializers.Serializer):
    invoice = serializers.UUIDField(help_text="The invoice whose allocation is taken back.")
    amount = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        help_text="How much to take back (default: all of it).",
    )


class PaymentVoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why (a bounced cheque, recorded twice, a recall …).")


# --- payments -----------------------------------------------------------------------------------------------------


class _PaymentListRow(serializers.ModelSerializer):
    customer_name = serializers.CharField(read_only=True)
    unallocated_amount = _money(help_text="amount - allocated (0 for a void payment).")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if instance.status == Payment.Status.VOID:
            data["unallocated_amount"] = "0.00"
        return data


PaymentListOutput = output_serializer(
    Payment,
    PAYMENT.list,
    name="PaymentListOutput",
    extra=("customer_name", "unallocated_amount"),
    base=_PaymentListRow,
    doc="A payment in the list.",
)


class PaymentAllocationOutput(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    invoice_id = serializers.UUIDField(read_only=True)
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    invoice_currency = serializers.CharField(source="invoice.currency", read_only=True)
    invoice_status = serializers.CharField(source="invoice.status", read_only=True)
    invoice_outstanding = _money(source="invoice.outstanding", help_text="What the invoice still owes, now.")
    amount = _money(help_text="In the invoice's currency.")
    payment_rate = serializers.DecimalField(**RATE, read_only=True)
    invoice_rate = serializers.DecimalField(**RATE, read_only=True)
    base_amount = serializers.SerializerMethodField(help_text="amount x the payment's rate: what it brought in base.")
    fx_difference = _base(
        help_text="amount x (payment rate - invoice rate), base currency: > 0 an exchange gain, < 0 a loss."
    )

    @extend_schema_field(serializers.DecimalField(**BASE))
    def get_base_amount(self, row: Any) -> str:
        return str(cents(row.amount * row.payment_rate))


class PaymentActionOutput(serializers.Serializer):
    action = serializers.CharField(help_text="POST …/payments/{id}/<action>/.")
    title = serializers.CharField()


class _PaymentDetail(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.__str__", read_only=True)
    net_received = _money(help_text="amount - bank charges: what reached the account.")
    unallocated = _money(help_text="amount - allocated: credit kept on the customer (0 once void).")
    base_currency = serializers.SerializerMethodField()
    base_amount = serializers.SerializerMethodField(help_text="amount x rate.")
    base_bank_charges = serializers.SerializerMethodField(help_text="bank charges x rate.")
    base_net_received = serializers.SerializerMethodField(help_text="net received x rate.")
    fx_difference = serializers.SerializerMethodField(help_text="The allocations' exchange differences, summed.")
    allocations = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_base_currency(self, payment: Payment) -> str:
        return str(self.context["base_currency"])

    @extend_schema_field(serializers.DecimalField(**BASE))
    def get_base_amount(self, payment: Payment) -> str:
        return str(cents(payment.amount * payment.exchange_rate))

    @extend_schema_field(serializers.DecimalField(**BASE))
    def get_base_bank_charges(self, payment: Payment) -> str:
        return str(cents(payment.bank_charges * payment.exchange_rate))

    @extend_schema_field(serializers.DecimalField(**BASE))
    def get_base_net_received(self, payment: Payment) -> str:
        return str(cents(payment.amount * payment.exchange_rate) - cents(payment.bank_charges * payment.exchange_rate))

    @extend_schema_field(serializers.DecimalField(**BASE))
    def get_fx_difference(self, payment: Payment) -> str:
        return str(cents(sum((a.fx_difference for a in self.context["allocations"]), ZERO)))

    @extend_schema_field(PaymentAllocationOutput(many=True))
    def get_allocations(self, payment: Payment) -> list[dict[str, Any]]:
        return list(PaymentAllocationOutput(self.context["allocations"], many=True).data)

    @extend_schema_field(PaymentActionOutput(many=True))
    def get_actions(self, payment: Payment) -> list[dict[str, str]]:
        if payment.is_void:
            return []
        actions = [{"action": "void", "title": "Void payment"}]
        if payment.unallocated > 0:
            actions.insert(0, {"action": "allocate", "title": "Allocate"})
        if payment.allocated_amount > 0:
            actions.insert(-1, {"action": "unallocate", "title": "Take back an allocation"})
        return actions


PaymentDetailOutput = output_serializer(
    Payment,
    name="PaymentDetailOutput",
    extra=(
        "customer_name",
        "net_received",
        "unallocated",
        "base_currency",
        "base_amount",
        "base_bank_charges",
        "base_net_received",
        "fx_difference",
        "allocations",
        "actions",
    ),
    base=_PaymentDetail,
    doc="A payment with its allocations, their exchange differences and what is left unallocated.",
)


# --- ageing -------------------------------------------------------------------------------------------------------


class AgeingBucketsOutput(serializers.Serializer):
    current = _base(help_text="Not yet due (or no due date yet).")
    d1_30 = _base(help_text="1-30 days past due.")
    d31_60 = _base()
    d61_90 = _base()
    d90_plus = _base(help_text="More than 90 days past due.")
    total = _base()


class AgeingCurrencyOutput(serializers.Serializer):
    currency = serializers.CharField()
    invoices = serializers.IntegerField(help_text="Invoices with something outstanding on the day.")
    amounts = AgeingBucketsOutput(help_text="In the currency.")
    base = AgeingBucketsOutput(help_text="In base currency, at each invoice's rate.")


class AgeingCustomerOutput(serializers.Serializer):
    customer_id = serializers.UUIDField()
    name = serializers.CharField()
    currencies = AgeingCurrencyOutput(many=True)
    base = AgeingBucketsOutput()


class AgeingSectionOutput(serializers.Serializer):
    key = serializers.ChoiceField(choices=SECTIONS)
    title = serializers.CharField(source="label", help_text="“LC-backed” or “Open account”.")
    customers = AgeingCustomerOutput(many=True)
    by_currency = serializers.DictField(child=AgeingBucketsOutput(), help_text="Currency → its buckets.")
    base = AgeingBucketsOutput()


class AgeingOutput(serializers.Serializer):
    as_of = serializers.DateField()
    base_currency = serializers.CharField()
    sections = AgeingSectionOutput(many=True, help_text="LC-backed first, then open account.")
    by_currency = serializers.DictField(child=AgeingBucketsOutput())
    base = AgeingBucketsOutput(help_text="Everything, in base currency.")
    unrated_invoices = serializers.IntegerField(help_text="Invoices without a rate (left out of the base figures).")


def ageing_data(report: selectors.Ageing) -> dict[str, Any]:
    return dict(AgeingOutput(report).data)


# --- statement ----------------------------------------------------------------------------------------------------


class StatementEntryOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ENTRY_KINDS)
    id = serializers.UUIDField()
    number = serializers.CharField()
    date = serializers.DateField()
    debit = _base()
    credit = _base()
    balance = _base(help_text="The running balance after this entry.")
    due_date = serializers.DateField(allow_null=True)
    reference = serializers.CharField(help_text="A credit note's invoice, a payment's bank reference.")


class StatementCurrencyOutput(serializers.Serializer):
    currency = serializers.CharField()
    opening_balance = _base()
    entries = StatementEntryOutput(many=True)
    debits = _base()
    credits = _base()
    closing_balance = _base()
    unallocated_credit = _base(help_text="Payments received up to `to` not allocated to an invoice yet.")


class StatementOutput(serializers.Serializer):
    customer_id = serializers.UUIDField(source="customer.pk")
    customer_name = serializers.CharField(source="customer.__str__")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    currencies = StatementCurrencyOutput(many=True)


# --- an order's finance -------------------------------------------------------------------------------------------


class FinanceDocumentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.DecimalField(**MONEY, allow_null=True)


class FinanceInvoiceOutput(serializers.Serializer):
    id = serializers.UUIDField(source="invoice.pk")
    number = serializers.CharField(source="invoice.number")
    status = serializers.CharField(source="invoice.status")
    currency = serializers.CharField(source="invoice.currency")
    issue_date = serializers.DateField(source="invoice.issue_date")
    due_date = serializers.DateField(source="invoice.due_date", allow_null=True)
    exchange_rate = serializers.DecimalField(**RATE, source="invoice.exchange_rate", allow_null=True)
    lc_backed = serializers.SerializerMethodField()
    invoice_total = _base(source="invoice.total")
    total = _base(help_text="What it bills of this order (its total unless it bills other orders too).")
    shared = serializers.BooleanField(help_text="It bills other orders too: the figures are this order's share.")
    credited = _base()
    received = _base()
    received_base = _base()
    fx_difference = _base()
    outstanding = _base()

    def get_lc_backed(self, row: Any) -> bool:
        return getattr(row.invoice, "letter_of_credit_id", None) is not None


class FinancePaymentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    received_on = serializers.DateField()
    currency = serializers.CharField()
    amount = _money()
    exchange_rate = serializers.DecimalField(**RATE)
    bank_charges = _money()
    status = serializers.CharField()


class OrderFinanceOutput(serializers.Serializer):
    order_id = serializers.UUIDField(source="order.pk")
    currency = serializers.CharField(source="order.currency")
    base_currency = serializers.CharField()
    proformas = serializers.SerializerMethodField()
    letters_of_credit = serializers.SerializerMethodField()
    invoices = FinanceInvoiceOutput(many=True)
    payments = FinancePaymentOutput(many=True)
    invoiced = _base(help_text="Its issued invoices' totals (order currency).")
    credited = _base()
    received = _base(help_text="The payments allocated to its invoices.")
    outstanding = _base()
    invoiced_base = serializers.DecimalField(**BASE, allow_null=True, help_text="At each invoice's rate.")
    received_base = _base(help_text="At each payment's own rate: what was actually received.")
    outstanding_base = serializers.DecimalField(**BASE, allow_null=True, help_text="At each invoice's rate.")
    fx_difference = _base(help_text="received_base - the same amounts at the invoices' rates.")

    @extend_schema_field(FinanceDocumentOutput(many=True))
    def get_proformas(self, finance: Any) -> list[dict[str, Any]]:
        return [_document(p, getattr(p, "total", None)) for p in finance.proformas]

    @extend_schema_field(FinanceDocumentOutput(many=True))
    def get_letters_of_credit(self, finance: Any) -> list[dict[str, Any]]:
        return [_document(lc, getattr(lc, "amount", None)) for lc in finance.lcs]


def _document(row: Any, amount: Any) -> dict[str, Any]:
    return {
        "id": str(row.pk),
        "number": row.number,
        "status": row.status,
        "currency": row.currency,
        "amount": None if amount is None else str(amount),
    }

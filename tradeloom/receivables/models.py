"""Payments received from customers and their allocations to invoices.

A payment is what a customer paid (``amount`` in ``currency``, booked at ``exchange_rate`` to the organisation's base
currency on ``received_on``). The banks on the way may deduct charges (``bank_charges``, in the payment's currency):
they reduce what was received (``net_received = amount - bank_charges``), not what was owed — the customer is
credited with the whole ``amount``, which is what may be allocated to its invoices (docs/receivables.md).

An allocation settles part or all of one invoice of the same customer, in the invoice's currency (the payment's: an
allocation across currencies is refused). ``Payment.allocated_amount`` is the sum of its allocations and the
invoice's ``paid_amount`` the sum of the allocations to it, both kept by ``receivables.services`` in the allocating
transaction; the rest of a payment (``unallocated``) stays on the customer as credit. Each allocation keeps its
exchange difference in base currency (``fx_difference``): amount x (payment rate - invoice rate), never folded into
the invoice's balance.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tradeloom.core.models import TenantModel
from tradeloom.core.validators import validate_currency_code
from tradeloom.records.models import RecordModel

CENT = Decimal("0.01")
MAX_RATE = Decimal(1000000)


class Payment(RecordModel):
    """Money received from a customer. Voided (never deleted): a void payment gives its allocations back."""

    audit_prefix = "payment"

    class Method(models.TextChoices):
        WIRE = "wire", "Wire transfer"
        CHEQUE = "cheque", "Cheque"
        CASH = "cash", "Cash"
        LC_PROCEEDS = "lc_proceeds", "LC proceeds"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        VOID = "void", "Void"

    number = models.CharField(max_length=40, editable=False)
    customer = models.ForeignKey("partners.Customer", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("date received")
    amount = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(CENT)],
        help_text="What the customer paid: what may be allocated to its invoices.",
    )
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    exchange_rate = models.DecimalField(
        "rate to base currency",
        max_digits=20,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001")), MaxValueValidator(MAX_RATE)],
        help_text="1 unit of the payment's currency in the base currency on its date.",
    )
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.WIRE)
    bank_reference = models.CharField(max_length=100, blank=True)
    bank_charges = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Deducted by the banks, in the payment's currency: they reduce what reached the account, not what "
        "the customer is credited with.",
    )
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED, editable=False)
    void_reason = models.CharField(max_length=500, blank=True, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    # the sum of its allocations (``services``)
    allocated_amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0), editable=False)

    class Shape:
        create = (
            "customer",
            "received_on",
            "amount",
            "currency",
            "exchange_rate",
            "method",
            "bank_reference",
            "bank_charges",
            "notes",
        )
        update = ("received_on", "amount", "exchange_rate", "method", "bank_reference", "bank_charges", "notes")
        read = (
            "id",
            "number",
            "customer_id",
            "received_on",
            "amount",
            "currency",
            "exchange_rate",
            "method",
            "bank_reference",
            "bank_charges",
            "notes",
            "status",
            "void_reason",
            "voided_at",
            "allocated_amount",
            "version",
            "created_at",
        )
        list = (
            "id",
            "number",
            "customer_id",
            "received_on",
            "amount",
            "currency",
            "exchange_rate",
            "method",
            "bank_reference",
            "bank_charges",
            "status",
            "allocated_amount",
            "version",
            "created_at",
        )

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "number"], name="receivables_payment_number_key"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receivables_payment_amount_positive"),
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="receivables_payment_rate_positive"),
            models.CheckConstraint(
                condition=Q(bank_charges__gte=0) & Q(bank_charges__lte=F("amount")),
                name="receivables_payment_charges_range",
            ),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=F("amount")),
                name="receivables_payment_not_over_allocated",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-received_on", "-id"], name="payment_list_idx"),
            models.Index(fields=["organization", "customer", "received_on"], name="payment_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def unallocated(self) -> Decimal:
        return Decimal(0) if self.status == self.Status.VOID else self.amount - self.allocated_amount

    @property
    def net_received(self) -> Decimal:
        """What reached the account: the amount less the banks' charges."""
        return self.amount - self.bank_charges

    @property
    def is_void(self) -> bool:
        return self.status == self.Status.VOID


class Allocation(TenantModel):
    """Part or all of a payment settling one invoice of its customer, in their (one) currency. One row per payment
    and invoice: allocating again adds to it; unallocating takes from it (to nothing: the row goes)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations", db_index=False)
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="+", db_index=False)
    amount = models.DecimalField(max_digits=18, decimal_places=2, validators=[MinValueValidator(CENT)])
    # the rates the difference was computed at (the payment's and the invoice's, copied when allocated or re-rated)
    payment_rate = models.DecimalField(max_digits=20, decimal_places=8, editable=False)
    invoice_rate = models.DecimalField(max_digits=20, decimal_places=8, editable=False)
    # amount x (payment rate - invoice rate), to cents, in base currency: > 0 an exchange gain, < 0 a loss
    fx_difference = models.DecimalField(max_digits=30, decimal_places=2, default=Decimal(0), editable=False)

    class Shape:
        create = ("invoice", "amount")
        read = ("id", "payment_id", "invoice_id", "amount", "payment_rate", "invoice_rate", "fx_difference")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="receivables_allocation_org_id_key"),
            # one per payment and invoice (and a payment's allocations by its key)
            models.UniqueConstraint(fields=["payment", "invoice"], name="receivables_allocation_key"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receivables_allocation_amount_positive"),
        ]
        indexes = [
            # an invoice's allocations: the ageing report's and the statement's sums, the invoice's Payments card
            models.Index(fields=["invoice"], name="allocation_invoice_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on invoice"

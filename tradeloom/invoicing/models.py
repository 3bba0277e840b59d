"""Commercial invoices and credit notes: an invoice bills a shipment's lines (or chosen quantities of an order's
lines) at the order lines' selling prices and tax rates, in the order's currency, with its rate to the base currency
at the invoice date, its payment terms and the due date they give; a credit note corrects an issued invoice.

The money (``services.figures``): each line's amount = quantity x unit price, rounded half away from zero to cents;
its tax = amount x rate / 100 to cents; the invoice's subtotal, tax and total are the sums of the lines' rounded
figures. ``paid_amount`` is the receivables floor's (through ``services.settlement.invoice_paid_set``),
``credited_amount`` the issued credit notes'; outstanding = total - paid - credited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tradeloom.core.models import TenantModel
from tradeloom.core.validators import validate_currency_code
from tradeloom.invoicing import states
from tradeloom.records.models import RecordModel

ZERO = Decimal(0)
AMOUNT: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}


class Invoice(RecordModel):
    """A commercial invoice. Its status moves only by the actions of ``states.ACTIONS`` and by its settlement; a
    draft's header may change (If-Match), an issued invoice's does not (corrections by credit note)."""

    audit_prefix = "invoice"

    number = models.CharField(max_length=40, editable=False)
    customer = models.ForeignKey("partners.Customer", on_delete=models.PROTECT, related_name="+", editable=False)
    order = models.ForeignKey(
        "sales.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    shipment = models.ForeignKey(
        "logistics.Shipment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # drawn under this LC (LC-backed) when set; issuing draws on it (``lcs.services.utilisations``) and keeps the
    # drawing, voiding releases it
    letter_of_credit = models.ForeignKey(
        "lcs.LetterOfCredit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lc_utilisation = models.ForeignKey(
        "lcs.Utilisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    currency = models.CharField(max_length=3, validators=[validate_currency_code], editable=False)
    # 1 invoice currency = rate base currency, at the invoice date (``catalog.services.exchange_rate_on``); empty
    # while no rate is known (issuing needs one)
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True, editable=False)
    issue_date = models.DateField("invoice date")
    payment_terms = models.ForeignKey(
        "catalog.PaymentTerms", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # the last instalment's due date; empty while the date it counts from (B/L, arrival) is not known yet
    due_date = models.DateField(null=True, blank=True, editable=False)
    due_basis = models.CharField(max_length=10, blank=True, editable=False)  # the last instalment's basis
    due_days = models.PositiveIntegerField(null=True, blank=True, editable=False)  # … and its days
    status = models.CharField(max_length=12, choices=states.STATUSES, default=states.DRAFT, editable=False)
    status_reason = models.CharField(max_length=500, blank=True, editable=False)
    subtotal = models.DecimalField(**AMOUNT, default=ZERO, editable=False)
    tax = models.DecimalField(**AMOUNT, default=ZERO, editable=False)
    total = models.DecimalField(**AMOUNT, default=ZERO, editable=False)
    paid_amount = models.DecimalField(**AMOUNT, default=ZERO, editable=False)
    credited_amount = models.DecimalField(**AMOUNT, default=ZERO, editable=False)
    customer_reference = models.CharField("buyer's reference", max_length=100, blank=True)
    bank_details = models.TextField(blank=True, help_text="Where the buyer pays: bank, account, SWIFT …")
    notes = models.TextField(blank=True)
    line_count = models.PositiveIntegerField(default=0, editable=False)

    class Shape:
        create = ("issue_date", "payment_terms", "letter_of_credit", "customer_reference", "bank_details", "notes")
        update = ("issue_date", "payment_terms", "letter_of_credit", "customer_reference", "bank_details", "notes")
        read = (
            "id",
            "number",
            "customer_id",
            "order_id",
            "shipment_id",
            "letter_of_credit_id",
            "lc_utilisation_id",
            "currency",
            "exchange_rate",
            "issue_date",
            "payment_terms_id",
            "due_date",
            "due_basis",
            "due_days",
            "status",
            "status_reason",
            "subtotal",
            "tax",
            "total",
            "paid_amount",
            "credited_amount",
            "customer_reference",
            "bank_details",
            "notes",
            "line_count",
            "version",
            "created_at",
        )
        list = (
            "id",
            "number",
            "customer_id",
            "order_id",
            "shipment_id",
            "letter_of_credit_id",
            "currency",
            "issue_date",
            "due_date",
            "due_basis",
            "status",
            "subtotal",
            "tax",
            "total",
            "paid_amount",
            "credited_amount",
            "line_count",
            "version",
            "created_at",
        )

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "number"], name="invoicing_invoice_number_key"),
            # a shipment is invoiced once (a void invoice gives it back)
            models.UniqueConstraint(
                fields=["shipment"],
                condition=Q(shipment__isnull=False) & ~Q(status=states.VOID),
                name="invoicing_invoice_shipment_once",
            ),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("tax")), name="invoicing_invoice_total"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0, credited_amount__gte=0)
                & Q(paid_amount__lte=F("total") - F("credited_amount")),
                name="invoicing_invoice_settled_within_total",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="invoice_list_idx"),
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="invoice_status_idx"),
            models.Index(fields=["organization", "customer", "-created_at"], name="invoice_customer_idx"),
            # the alerts, the overdue filter and ageing: what is owed, by its due date
            models.Index(
                fields=["organization", "due_date"],
                condition=Q(status__in=sorted(states.OPEN)),
                name="invoice_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid_amount - self.credited_amount

    @property
    def is_open(self) -> bool:
        return self.status in states.OPEN

    def can(self, action: str) -> bool:
        return states.can(self.status, action)


class InvoiceLine(TenantModel):
    """A billed quantity of one order line, at the price and tax rate copied when the invoice was made (a later change
    of the order does not change the invoice)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", db_index=False)
    order = models.ForeignKey("sales.Order", on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey("sales.Line", on_delete=models.PROTECT, related_name="+", db_index=False)
    shipment_line = models.ForeignKey(
        "logistics.ShipmentLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=300)
    unit_code = models.CharField(max_length=20)
    quantity = models.DecimalField(
        max_digits=18,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"), message="Quantity must be above zero.")],
    )
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)
    tax_rate = models.DecimalField(
        "tax %",
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    amount = models.DecimalField(**AMOUNT)
    tax = models.DecimalField(**AMOUNT)
    position = models.PositiveIntegerField(default=0)

    class Shape:
        read = (
            "id",
            "order_id",
            "line_id",
            "shipment_line_id",
            "description",
            "unit_code",
            "quantity",
            "unit_price",
            "tax_rate",
            "amount",
            "tax",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="invoicing_invoiceline_org_id_key"),
            models.UniqueConstraint(fields=["invoice", "line"], name="invoicing_invoiceline_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoicing_invoiceline_quantity_positive"),
        ]
        indexes = [models.Index(fields=["line"], name="invoiceline_line_idx")]
        ordering = ("position",)

    def __str__(self) -> str:
        return self.description


class CreditNote(RecordModel):
    """A correction of an issued invoice: an amount (tax included) off what is owed, with a reason. Issued when made;
    voiding it gives the amount back to the invoice. Keeps its number either way."""

    audit_prefix = "credit_note"

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        VOID = "void", "Void"

    number = models.CharField(max_length=40, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes", db_index=False)
    issue_date = models.DateField()
    amount = models.DecimalField(**AMOUNT, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED, editable=False)
    void_reason = models.CharField(max_length=500, blank=True, editable=False)

    class Shape:
        create = ("issue_date", "amount", "reason")
        read = ("id", "number", "invoice_id", "issue_date", "amount", "reason", "status", "void_reason", "version")

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "number"], name="invoicing_creditnote_number_key"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoicing_creditnote_amount_positive"),
        ]
        indexes = [models.Index(fields=["invoice", "issue_date"], name="creditnote_invoice_idx")]
        ordering = ("issue_date", "created_at")

    def __str__(self) -> str:
        return self.number

"""Proforma invoices: the seller's offer of an order (all of it, chosen lines, part quantities, or an advance as a
share of a line's value) that the buyer accepts before opening a letter of credit or paying in advance.

A PI has a number (``PI-2026-0001``, yearly by its PI date) and revisions: revising a sent or accepted PI makes a
new draft with the same number and revision + 1 and supersedes the previous one, which stays readable. Its lines
copy the order lines' selling prices and effective tax rates when made; the totals are its lines' (docs/proformas.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tradeloom.core.models import TenantModel
from tradeloom.core.validators import validate_currency_code
from tradeloom.proformas import states
from tradeloom.records.models import RecordModel

MAX_QUANTITY = Decimal("999999999.999")
QUANTITY_RANGE = [
    MinValueValidator(Decimal("0.001"), message="Quantity must be above zero."),
    MaxValueValidator(MAX_QUANTITY, message=f"Quantity must be at most {MAX_QUANTITY:,}."),
]
PERCENT_RANGE = [
    MinValueValidator(Decimal("0.01"), message="The percentage must be above zero."),
    MaxValueValidator(Decimal(100), message="The percentage must be at most 100."),
]
AMOUNT_RANGE = [MinValueValidator(Decimal(0))]


class ProformaInvoice(RecordModel):
    """One revision of a proforma invoice. Its status moves only by the actions of ``states.ACTIONS`` (and a
    revision supersedes it); its totals are its lines', kept by the services."""

    audit_prefix = "proforma"

    number = models.CharField(max_length=40, editable=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    # the revision this one replaced (empty for revision 1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    order = models.ForeignKey("sales.Order", on_delete=models.PROTECT, related_name="+", editable=False)
    customer = models.ForeignKey("partners.Customer", on_delete=models.PROTECT, related_name="+", editable=False)
    currency = models.CharField(max_length=3, validators=[validate_currency_code], editable=False)
    pi_date = models.DateField("PI date")
    valid_until = models.DateField("valid until", null=True, blank=True)
    payment_terms = models.ForeignKey(
        "catalog.PaymentTerms", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    terms = models.TextField("terms and conditions", blank=True)
    bank_details = models.TextField(blank=True, help_text="The beneficiary's bank, account and SWIFT code.")
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=states.STATUSES, default=states.DRAFT, editable=False)
    status_reason = models.CharField(max_length=500, blank=True, editable=False)
    sent_on = models.DateField(null=True, blank=True, editable=False)
    accepted_on = models.DateField(null=True, blank=True, editable=False)
    accepted_reference = models.CharField("buyer's reference", max_length=100, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # why an owner or admin accepted it beyond the order's value + tolerance (``proforma_over_order_value``)
    override_reason = models.CharField(max_length=500, blank=True, editable=False)
    # the lines' sums (``services.proformas``)
    line_count = models.PositiveIntegerField(default=0, editable=False)
    subtotal = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0), editable=False)
    tax = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0), editable=False)
    total = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0), editable=False)

    class Shape:
        create = ("pi_date", "valid_until", "payment_terms", "terms", "bank_details", "notes")
        update = ("pi_date", "valid_until", "payment_terms", "terms", "bank_details", "notes")
        read = (
            "id",
            "number",
            "revision",
            "previous_id",
            "order_id",
            "customer_id",
            "currency",
            "pi_date",
            "valid_until",
            "payment_terms_id",
            "terms",
            "bank_details",
            "notes",
            "status",
            "status_reason",
            "sent_on",
            "accepted_on",
            "accepted_reference",
            "accepted_by_id",
            "override_reason",
            "line_count",
            "subtotal",
            "tax",
            "total",
            "version",
            "archived_at",
            "created_at",
        )
        list = (
            "id",
            "number",
            "revision",
            "order_id",
            "customer_id",
            "currency",
            "pi_date",
            "valid_until",
            "status",
            "sent_on",
            "accepted_on",
            "line_count",
            "subtotal",
            "tax",
            "total",
            "version",
            "created_at",
        )

    class Meta(RecordModel.Meta):
        verbose_name = "proforma invoice"
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["organization", "number", "revision"], name="proformas_proforma_revision_key"
            ),
            # one live (not superseded) revision per number
            models.UniqueConstraint(
                fields=["organization", "number"],
                condition=~Q(status=states.SUPERSEDED),
                name="proformas_proforma_live_key",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("pi_date")),
                name="proformas_proforma_valid_after_date",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="proforma_list_idx"),
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="proforma_status_idx"),
            models.Index(fields=["organization", "pi_date"], name="proforma_date_idx"),
            # the alert: PIs sent and waiting for the buyer, by the day they were sent
            models.Index(fields=["organization", "sent_on"], condition=Q(status=states.SENT), name="proforma_sent_idx"),
        ]

    def __str__(self) -> str:
        return self.number if self.revision == 1 else f"{self.number} rev. {self.revision}"

    def clean(self) -> None:
        super().clean()
        if self.pi_date and self.valid_until and self.valid_until < self.pi_date:
            raise ValidationError({"valid_until": "The validity date cannot be before the PI date."})

    @property
    def is_final(self) -> bool:
        return self.status in states.FINAL

    @property
    def is_editable(self) -> bool:
        return self.status in states.EDITABLE

    @property
    def is_revisable(self) -> bool:
        return self.status in states.REVISABLE

    def can(self, action: str) -> bool:
        return states.can(self.status, action)


class ProformaLine(TenantModel):
    """One order line on a PI: by quantity (a quantity of the line at its selling price) or by amount (a share of
    the line's value: a percentage or an amount, e.g. a 30 % advance). The price, unit and tax rate are copied
    from the order line when the PI line is made."""

    class Basis(models.TextChoices):
        QUANTITY = "quantity", "By quantity"
        AMOUNT = "amount", "By amount"

    proforma = models.ForeignKey(ProformaInvoice, on_delete=models.CASCADE, related_name="lines", db_index=False)
    line = models.ForeignKey("sales.Line", on_delete=models.PROTECT, related_name="+", db_index=False)
    description = models.CharField(max_length=300, blank=True)
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.QUANTITY)
    quantity = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True, validators=QUANTITY_RANGE)
    unit = models.CharField(max_length=40, blank=True)
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)
    # by amount: the share of the line's value as a percentage (or empty when an amount was given)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT_RANGE)
    amount = models.DecimalField(max_digits=18, decimal_places=2, validators=AMOUNT_RANGE)
    tax_rate = models.DecimalField("tax %", max_digits=5, decimal_places=2, default=Decimal(0))
    tax = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    position = models.PositiveIntegerField(default=0)

    class Shape:
        create = ("line", "basis", "quantity", "percent", "amount")
        read = (
            "id",
            "line_id",
            "description",
            "basis",
            "quantity",
            "unit",
            "unit_price",
            "percent",
            "amount",
            "tax_rate",
            "tax",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="proformas_proformaline_org_id_key"),
            models.UniqueConstraint(fields=["proforma", "line"], name="proformas_proformaline_once"),
            models.CheckConstraint(
                condition=Q(basis="amount") | Q(quantity__isnull=False), name="proformas_line_quantity_given"
            ),
        ]
        indexes = [
            models.Index(fields=["proforma", "position"], name="proformaline_proforma_idx"),
            # the quantity already on PIs of an order line
            models.Index(fields=["line"], name="proformaline_line_idx"),
        ]
        ordering = ("position",)

    @property
    def total(self) -> Decimal:
        return self.amount + self.tax

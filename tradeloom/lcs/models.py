"""Letters of credit (ICC UCP 600): the bank's undertaking to pay the beneficiary against complying documents.

An LC's row holds its terms **as of its latest accepted amendment** (``revision``: 0 for the original terms); every
amendment keeps what it changed, old → new, so the original terms and each revision stay readable
(``selectors.lc_terms``). Drawings (``Utilisation``) are made from shipments or invoices within the amount +
tolerance and the dates; a presentation of documents has its checklist and its discrepancy log. The figures are
kept by the services (``services``), never edited.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tradeloom.core.models import TenantModel
from tradeloom.core.validators import validate_currency_code
from tradeloom.lcs import states
from tradeloom.logistics.codes import Incoterm
from tradeloom.records.models import RecordModel

AMOUNT_RANGE = [
    MinValueValidator(Decimal("0.01"), message="The amount must be above zero."),
    MaxValueValidator(Decimal("9999999999999.99")),
]
PERCENT_RANGE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
# "about" / "approximately" before the amount allows ±10 % (UCP 600 art. 30 a)
ABOUT_PERCENT = Decimal(10)
# without a stated period, documents are presented within 21 calendar days of shipment (UCP 600 art. 14 c)
DEFAULT_PRESENTATION_DAYS = 21

# the terms an amendment may change (and ``lc_terms`` reads), in the order pages show them
AMENDABLE_TERMS = (
    "amount",
    "tolerance_percent",
    "tolerance_minus_percent",
    "expiry_date",
    "expiry_place",
    "latest_shipment_date",
    "presentation_days",
    "partial_shipments_allowed",
    "transhipment_allowed",
    "incoterm",
    "incoterm_place",
    "port_of_loading",
    "port_of_discharge",
    "required_documents",
    "confirming_bank",
    "advising_bank",
)


class LetterOfCredit(RecordModel):
    """A documentary credit opened by the applicant's bank in favour of the beneficiary (the organisation, or for a
    back-to-back LC the mill). Its status moves only by ``states.ACTIONS`` and by its drawings; an issued LC's terms
    change only by an accepted amendment."""

    audit_prefix = "letter_of_credit"

    class Kind(models.TextChoices):
        SIGHT = "sight", "At sight"
        USANCE = "usance", "Usance"

    class Role(models.TextChoices):
        MASTER = "master", "Master"
        BACK_TO_BACK = "back_to_back", "Back-to-back"

    number = models.CharField(
        "LC number", max_length=40, blank=True, help_text="The issuing bank's LC number (blank: numbered here)."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SIGHT)
    usance_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(720)], help_text="For usance LCs."
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MASTER)
    master = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="back_to_backs", db_index=False
    )
    transferable = models.BooleanField(default=False)
    customer = models.ForeignKey(
        "partners.Customer", on_delete=models.PROTECT, related_name="+", help_text="The applicant (the buyer)."
    )
    beneficiary = models.CharField(
        max_length=200, blank=True, help_text="Blank: the organisation. For a back-to-back LC, the supplier's name."
    )
    supplier = models.ForeignKey(
        "partners.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text="The beneficiary of a back-to-back LC (the mill).",
    )
    issuing_bank = models.CharField(max_length=200)
    advising_bank = models.CharField(max_length=200, blank=True)
    confirming_bank = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    amount = models.DecimalField(max_digits=15, decimal_places=2, validators=AMOUNT_RANGE)
    tolerance_percent = models.DecimalField(
        "tolerance + %",
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=PERCENT_RANGE,
        help_text="How far above the amount drawings may go (“about” the amount: 10 %).",
    )
    tolerance_minus_percent = models.DecimalField(
        "tolerance - %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_RANGE,
        help_text="How far below; blank: the same as above.",
    )
    issue_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField()
    expiry_place = models.CharField("place of expiry", max_length=120, blank=True)
    latest_shipment_date = models.DateField(null=True, blank=True)
    presentation_days = models.PositiveSmallIntegerField(
        "presentation period (days)",
        default=DEFAULT_PRESENTATION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days after shipment for presenting documents (UCP 600: 21 when none is stated).",
    )
    partial_shipments_allowed = models.BooleanField(default=True)
    transhipment_allowed = models.BooleanField(default=True)
    incoterm = models.CharField(max_length=3, choices=Incoterm.choices, blank=True)
    incoterm_place = models.CharField("named place", max_length=120, blank=True)
    port_of_loading = models.CharField(max_length=120, blank=True)
    port_of_discharge = models.CharField(max_length=120, blank=True)
    required_documents = models.JSONField(
        default=list,
        blank=True,
        help_text="The documents to present: shipment document kinds (commercial_invoice …) or names of others.",
    )
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=states.STATUSES, default=states.PENDING, editable=False)
    status_reason = models.CharField(max_length=500, blank=True, editable=False)
    confirmed_on = models.DateField(null=True, blank=True, editable=False)
    # the latest accepted amendment's revision (0: the original terms)
    revision = models.PositiveIntegerField(default=0, editable=False)
    # the live drawings' sum (``services.utilisations``)
    utilised_amount = models.DecimalField(max_digits=15, decimal_places=2, default=Decimal(0), editable=False)

    class Shape:
        create = (
            "number",
            "kind",
            "usance_days",
            "role",
            "master",
            "transferable",
            "customer",
            "beneficiary",
            "supplier",
            "issuing_bank",
            "advising_bank",
            "confirming_bank",
            "currency",
            "amount",
            "tolerance_percent",
            "tolerance_minus_percent",
            "issue_date",
            "expiry_date",
            "expiry_place",
            "latest_shipment_date",
            "presentation_days",
            "partial_shipments_allowed",
            "transhipment_allowed",
            "incoterm",
            "incoterm_place",
            "port_of_loading",
            "port_of_discharge",
            "required_documents",
            "notes",
        )
        # a pending LC changes freely (except its role); an issued one only its notes (its terms by amendment)
        update = tuple(f for f in create if f not in ("role", "master"))
        read = (
            "id",
            "number",
            "kind",
            "usance_days",
            "role",
            "master_id",
            "transferable",
            "customer_id",
            "beneficiary",
            "supplier_id",
            "issuing_bank",
            "advising_bank",
            "confirming_bank",
            "currency",
            "amount",
            "tolerance_percent",
            "tolerance_minus_percent",
            "issue_date",
            "expiry_date",
            "expiry_place",
            "latest_shipment_date",
            "presentation_days",
            "partial_shipments_allowed",
            "transhipment_allowed",
            "incoterm",
            "incoterm_place",
            "port_of_loading",
            "port_of_discharge",
            "required_documents",
            "notes",
            "status",
            "status_reason",
            "confirmed_on",
            "revision",
            "utilised_amount",
            "version",
            "archived_at",
            "created_at",
            "updated_at",
        )
        list = (
            "id",
            "number",
            "kind",
            "role",
            "customer_id",
            "issuing_bank",
            "currency",
            "amount",
            "tolerance_percent",
            "tolerance_minus_percent",
            "issue_date",
            "expiry_date",
            "latest_shipment_date",
            "status",
            "revision",
            "utilised_amount",
            "version",
            "created_at",
        )

    class Meta(RecordModel.Meta):
        verbose_name = "letter of credit"
        verbose_name_plural = "letters of credit"
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["organization", "issuing_bank", "number"],
                name="lcs_lc_number_per_bank",
                violation_error_message="This issuing bank already has an LC with this number.",
            ),
            models.CheckConstraint(condition=~Q(number=""), name="lcs_lc_numbered"),
            models.CheckConstraint(
                condition=Q(kind="sight", usance_days__isnull=True) | Q(kind="usance", usance_days__isnull=False),
                name="lcs_lc_usance_days",
            ),
            models.CheckConstraint(
                condition=Q(role="master", master__isnull=True) | Q(role="back_to_back", master__isnull=False),
                name="lcs_lc_master_of_back_to_back",
            ),
            models.CheckConstraint(condition=Q(utilised_amount__gte=0), name="lcs_lc_utilised_not_negative"),
            models.CheckConstraint(
                condition=Q(latest_shipment_date__isnull=True) | Q(latest_shipment_date__lte=F("expiry_date")),
                name="lcs_lc_shipment_before_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="lc_list_idx"),
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="lc_status_idx"),
            models.Index(fields=["organization", "customer", "-created_at"], name="lc_customer_idx"),
            models.Index(fields=["organization", "expiry_date"], name="lc_expiry_idx"),
            models.Index(fields=["master"], condition=Q(master__isnull=False), name="lc_master_idx"),
            models.Index(fields=["supplier"], condition=Q(supplier__isnull=False), name="lc_supplier_idx"),
        ]

    constraint_fields = {"lcs_lc_number_per_bank": "number"}

    def __str__(self) -> str:
        return self.number

    @property
    def is_final(self) -> bool:
        return self.status in states.FINAL

    def can(self, action: str) -> bool:
        return states.can(self.status, action)


class Amendment(TenantModel):
    """A change of an LC's terms, numbered 1, 2 … per LC: what it changes (``changes``: field → [old, new], the old
    value the LC's term when proposed, refreshed on acceptance), the bank's date, and the beneficiary's decision —
    all of it or nothing (UCP 600 art. 10 e). Only one amendment is proposed at a time."""

    audit_prefix = "lc_amendment"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    letter_of_credit = models.ForeignKey(
        LetterOfCredit, on_delete=models.CASCADE, related_name="amendments", db_index=False
    )
    revision = models.PositiveIntegerField(editable=False)
    changes = models.JSONField(default=dict, editable=False)
    issue_date = models.DateField(help_text="The bank's date of the amendment.")
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED, editable=False)
    decided_on = models.DateField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    reason = models.CharField(max_length=500, blank=True, editable=False)

    class Shape:
        create = ("issue_date", "note")
        read = (
            "id",
            "revision",
            "changes",
            "issue_date",
            "note",
            "status",
            "decided_on",
            "decided_by_id",
            "reason",
            "created_at",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="lcs_amendment_org_id_key"),
            models.UniqueConstraint(fields=["letter_of_credit", "revision"], name="lcs_amendment_revision_once"),
            models.UniqueConstraint(
                fields=["letter_of_credit"], condition=Q(status="proposed"), name="lcs_amendment_one_proposed"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="lcs_amendment_revision_from_one"),
        ]
        ordering = ("revision",)

    def __str__(self) -> str:
        return f"amendment {self.revision}"


class LcOrder(TenantModel):
    """An order an LC pays for (an LC may cover several orders, an order be paid under several LCs)."""

    letter_of_credit = models.ForeignKey(LetterOfCredit, on_delete=models.CASCADE, related_name="order_links")
    order = models.ForeignKey("sales.Order", on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="lcs_lcorder_org_id_key"),
            models.UniqueConstraint(fields=["order", "letter_of_credit"], name="lcs_lcorder_once"),
        ]
        ordering = ("created_at",)


class LcProforma(TenantModel):
    """A proforma invoice the LC was opened against (the buyer opens the LC on the accepted PI)."""

    letter_of_credit = models.ForeignKey(LetterOfCredit, on_delete=models.CASCADE, related_name="proforma_links")
    proforma = models.ForeignKey(
        "proformas.ProformaInvoice", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="lcs_lcproforma_org_id_key"),
            models.UniqueConstraint(fields=["proforma", "letter_of_credit"], name="lcs_lcproforma_once"),
        ]
        ordering = ("created_at",)


class Utilisation(TenantModel):
    """A drawing under an LC: from a shipment (its goods) or an invoice, its amount in the LC's currency and the
    shipment date it was checked against. A released drawing (``released_at``) no longer counts; it stays for the
    record."""

    audit_prefix = "lc_utilisation"

    letter_of_credit = models.ForeignKey(
        LetterOfCredit, on_delete=models.PROTECT, related_name="utilisations", db_index=False
    )
    shipment = models.ForeignKey(
        "logistics.Shipment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice_reference = models.CharField(max_length=60, blank=True)
    amount = models.DecimalField(max_digits=15, decimal_places=2, validators=AMOUNT_RANGE)
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    shipped_on = models.DateField(null=True, blank=True, help_text="The shipment (B/L) date.")
    drawn_on = models.DateField()
    override_reason = models.CharField(max_length=500, blank=True)
    released_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    release_reason = models.CharField(max_length=500, blank=True, editable=False)

    class Shape:
        create = ("shipment", "invoice_reference", "amount", "currency", "shipped_on", "drawn_on", "override_reason")
        read = (
            "id",
            "shipment_id",
            "invoice_reference",
            "amount",
            "currency",
            "shipped_on",
            "drawn_on",
            "override_reason",
            "released_at",
            "released_by_id",
            "release_reason",
            "created_by_id",
            "created_at",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="lcs_utilisation_org_id_key"),
        ]
        indexes = [models.Index(fields=["letter_of_credit", "created_at"], name="utilisation_lc_idx")]
        ordering = ("created_at",)

    @property
    def is_live(self) -> bool:
        return self.released_at is None

    def __str__(self) -> str:
        return self.invoice_reference or f"{self.currency} {self.amount}"


class Presentation(TenantModel):
    """A presentation of documents under an LC (usually for one drawing): the checklist of the LC's required
    documents (``documents``: ``[{"document": kind or name, "presented": bool}]``), the day presented, the bank's
    decision due (5 banking days later) and its outcome."""

    audit_prefix = "lc_presentation"

    class Status(models.TextChoices):
        PRESENTED = "presented", "Presented"
        COMPLIANT = "compliant", "Compliant"
        DISCREPANT = "discrepant", "Discrepant"
        ACCEPTED = "accepted", "Accepted"
        REFUSED = "refused", "Refused"

    letter_of_credit = models.ForeignKey(
        LetterOfCredit, on_delete=models.CASCADE, related_name="presentations", db_index=False
    )
    utilisation = models.ForeignKey(
        Utilisation, on_delete=models.PROTECT, null=True, blank=True, related_name="presentations"
    )
    presented_on = models.DateField()
    decision_due = models.DateField(editable=False)
    documents = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PRESENTED, editable=False)
    decided_on = models.DateField(null=True, blank=True, editable=False)
    late = models.BooleanField(default=False, editable=False)
    note = models.CharField(max_length=500, blank=True)

    class Shape:
        create = ("utilisation", "presented_on", "documents", "note")
        update = ("documents", "note")
        read = (
            "id",
            "utilisation_id",
            "presented_on",
            "decision_due",
            "documents",
            "status",
            "decided_on",
            "late",
            "note",
            "created_at",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="lcs_presentation_org_id_key"),
        ]
        indexes = [models.Index(fields=["letter_of_credit", "presented_on"], name="presentation_lc_idx")]
        ordering = ("presented_on", "created_at")

    def __str__(self) -> str:
        return f"presentation of {self.presented_on:%d %b %Y}"


class Discrepancy(TenantModel):
    """A discrepancy the bank found in a presentation: open until the applicant waives it or the documents are
    corrected."""

    audit_prefix = "lc_discrepancy"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WAIVED = "waived", "Waived by applicant"
        CORRECTED = "corrected", "Corrected"

    presentation = models.ForeignKey(
        Presentation, on_delete=models.CASCADE, related_name="discrepancies", db_index=False
    )
    text = models.CharField(max_length=500)
    raised_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, editable=False)
    resolved_on = models.DateField(null=True, blank=True, editable=False)

    class Shape:
        create = ("text", "raised_on")
        read = ("id", "text", "raised_on", "status", "resolved_on", "created_at")

    class Meta:
        verbose_name_plural = "discrepancies"
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="lcs_discrepancy_org_id_key"),
        ]
        indexes = [models.Index(fields=["presentation", "raised_on"], name="discrepancy_presentation_idx")]
        ordering = ("raised_on", "created_at")

    def __str__(self) -> str:
        return self.text

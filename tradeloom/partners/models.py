"""Customers (buyers), suppliers (mills, factories, vendors, traders), their people, places and plants, and
carriers."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from tradeloom.core.search import SearchableModel, search_indexes
from tradeloom.core.validators import validate_country, validate_currency_code
from tradeloom.records.models import RecordModel


def suggest_code(model: type[models.Model], organization_id: Any, name: str) -> str:
    """A free code from the name's initial letters: "Arvind Mills Ltd" → "ARVIND", then "ARVIND-2" …"""
    base = re.sub(r"[^A-Z0-9]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper())
    base = base[:8] or "P"
    taken = set(
        model._default_manager.filter(organization_id=organization_id, code__startswith=base).values_list(
            "code", flat=True
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


class Partner(SearchableModel, RecordModel):
    """What customers and suppliers share."""

    code = models.CharField(max_length=30, help_text="Short unique code; suggested from the name when left blank.")
    legal_name = models.CharField(max_length=200)
    trade_name = models.CharField(max_length=200, blank=True)
    tax_id = models.CharField("tax id", max_length=50, blank=True)
    default_currency = models.CharField(max_length=3, default="USD", validators=[validate_currency_code])
    payment_terms = models.ForeignKey(
        "catalog.PaymentTerms", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credit_limit = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    notes = models.TextField(blank=True)

    class Shape:
        editable: tuple[str, ...] = (
            "code",
            "legal_name",
            "trade_name",
            "tax_id",
            "default_currency",
            "payment_terms",
            "credit_limit",
            "email",
            "phone",
            "website",
            "country",
            "notes",
        )

    class Meta(RecordModel.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.trade_name or self.legal_name

    def clean_fields(self, exclude: Any = None) -> None:
        if not self.code and self.legal_name:
            self.code = suggest_code(type(self), self.organization_id, self.trade_name or self.legal_name)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        if self.country:
            self.country = self.country.upper()
        if self.default_currency:
            self.default_currency = self.default_currency.upper()

    def search_text(self) -> str:
        parts = [self.code, self.legal_name, self.trade_name, self.tax_id, self.email, self.phone]
        if not self._state.adding:
            owner = {str(self._meta.model_name): self}
            contacts = Contact.objects.filter(**owner, archived_at__isnull=True).values_list("name", "email", "phone")
            parts += [value for contact in contacts for value in contact]
        return " ".join(p for p in parts if p)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # However the row is written (service, import, factory), its search columns stay current.
        self.fill_search_columns()
        super().save(*args, **kwargs)


class Customer(Partner):
    class Meta(Partner.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "code"], name="partners_customer_code_key"),
        ]
        indexes = [
            *search_indexes("partners_customer"),
            models.Index(fields=["organization", "-created_at", "-id"], name="partners_customer_list_idx"),
        ]


class Supplier(Partner):
    class Kind(models.TextChoices):
        MILL = "mill", "Mill"
        FACTORY = "factory", "Factory"
        VENDOR = "vendor", "Vendor"
        TRADER = "trader", "Trader"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MILL)

    class Shape(Partner.Shape):
        editable = ("kind", *Partner.Shape.editable)

    class Meta(Partner.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "code"], name="partners_supplier_code_key"),
        ]
        indexes = [
            *search_indexes("partners_supplier"),
            models.Index(fields=["organization", "-created_at", "-id"], name="partners_supplier_list_idx"),
        ]


class PartnerChild(RecordModel):
    """A record that belongs to exactly one customer or one supplier (contacts, addresses)."""

    # PROTECT: a partner with contacts or addresses is in use; archive it, or delete those first.
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="%(class)ss")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="%(class)ss")

    class Meta(RecordModel.Meta):
        abstract = True

    @property
    def partner(self) -> Partner | None:
        return self.customer or self.supplier

    def clean(self) -> None:
        super().clean()
        if bool(self.customer_id) == bool(self.supplier_id):
            raise ValidationError("Belongs to exactly one customer or one supplier.")

    def after_change(self, previous: dict[str, Any] | None = None) -> None:
        """Re-index the partner this belongs to, and the one it belonged to before a move."""
        partners: set[Partner] = set()
        if self.partner is not None:
            partners.add(self.partner)
        for field, model in (("customer", Customer), ("supplier", Supplier)):
            old_id = (previous or {}).get(field)
            if old_id and old_id != getattr(self, f"{field}_id"):
                partners.update(model.objects.filter(pk=old_id))
        for partner in partners:
            partner.reindex()


def _one_owner(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(customer__isnull=False, supplier__isnull=True) | Q(customer__isnull=True, supplier__isnull=False)),
        name=name,
    )


class Contact(PartnerChild):
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)

    class Shape:
        editable = ("customer", "supplier", "name", "title", "email", "phone", "is_primary")

    constraint_fields = {
        "partners_contact_one_primary_per_customer": "is_primary",
        "partners_contact_one_primary_per_supplier": "is_primary",
    }

    class Meta(PartnerChild.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            _one_owner("partners_contact_one_owner"),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_primary=True, customer__isnull=False, archived_at__isnull=True),
                name="partners_contact_one_primary_per_customer",
                violation_error_message="This customer already has a primary contact.",
            ),
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(is_primary=True, supplier__isnull=False, archived_at__isnull=True),
                name="partners_contact_one_primary_per_supplier",
                violation_error_message="This supplier already has a primary contact.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Address(PartnerChild):
    class Kind(models.TextChoices):
        BILLING = "billing", "Billing"
        SHIPPING = "shipping", "Shipping"
        OFFICE = "office", "Office"
        SITE = "site", "Site"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BILLING)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, validators=[validate_country])

    class Shape:
        editable = ("customer", "supplier", "kind", "line1", "line2", "city", "region", "postal_code", "country")

    class Meta(PartnerChild.Meta):
        verbose_name_plural = "addresses"
        constraints = [*RecordModel.Meta.constraints, _one_owner("partners_address_one_owner")]

    def __str__(self) -> str:
        return f"{self.line1}, {self.city}"

    def clean(self) -> None:
        super().clean()
        self.country = (self.country or "").upper()


class Plant(RecordModel):
    """A processing facility (dyeing, knitting, slaughter, packing …) operated by a supplier."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="plants")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    address = models.CharField(max_length=300, blank=True)
    licence_number = models.CharField("establishment / licence number", max_length=60, blank=True)
    capabilities = models.CharField(max_length=300, blank=True, help_text="e.g. knitting, dyeing, printing")

    class Shape:
        editable = ("supplier", "code", "name", "city", "country", "address", "licence_number", "capabilities")

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "code"], name="partners_plant_code_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        super().clean()
        self.country = (self.country or "").upper()


class SupplierPlantMapping(RecordModel):
    """This supplier may deliver from this plant — for every customer, or for one — within a period."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="plant_mappings")
    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="mappings")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Shape:
        editable = ("supplier", "plant", "customer", "valid_from", "valid_to", "notes")

    class Meta(RecordModel.Meta):
        verbose_name = "supplier-plant mapping"
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["organization", "supplier", "plant", "customer"],
                nulls_distinct=False,
                name="partners_mapping_unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="partners_mapping_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} x {self.plant_id}"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": "The period must end on or after its start."})


class Carrier(RecordModel):
    class Mode(models.TextChoices):
        SEA = "sea", "Sea"
        AIR = "air", "Air"
        ROAD = "road", "Road"
        COURIER = "courier", "Courier"

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=30)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    account_number = models.CharField(max_length=60, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    class Shape:
        editable = ("name", "code", "mode", "account_number", "contact_name", "email", "phone", "website", "notes")

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "code"], name="partners_carrier_code_key"),
        ]

    def __str__(self) -> str:
        return self.name

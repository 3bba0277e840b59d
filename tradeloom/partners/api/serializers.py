from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tradeloom.catalog.api.serializers import RECORD_FIELDS, CurrencyCodeField
from tradeloom.catalog.models import PaymentTerms
from tradeloom.partners.models import (
    Address,
    Carrier,
    Contact,
    Customer,
    Plant,
    Supplier,
    SupplierPlantMapping,
    validate_country,
)
from tradeloom.records.api import TenantPrimaryKeyRelatedField

PARTNER_FIELDS = (
    "code",
    "legal_name",
    "trade_name",
    "tax_id",
    "default_currency",
    "payment_terms_id",
    "credit_limit",
    "email",
    "phone",
    "website",
    "country",
    "notes",
)


class CountryField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=2, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data).upper()
        if value:
            try:
                validate_country(value)
            except Exception as exc:
                raise serializers.ValidationError(f"“{value}” is not an ISO 3166 country code.") from exc
        return value


class ContactOutput(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = (*RECORD_FIELDS, "customer_id", "supplier_id", "name", "title", "email", "phone", "is_primary")
        read_only_fields = fields


class PlantSummaryOutput(serializers.ModelSerializer):
    class Meta:
        model = Plant
        fields = ("id", "code", "name", "city", "country", "licence_number")
        read_only_fields = fields


class PartnerInput(serializers.Serializer):
    code = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="Suggested from the name when left blank."
    )
    legal_name = serializers.CharField(max_length=200)
    trade_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=50, required=False, allow_blank=True)
    default_currency = CurrencyCodeField(required=False)
    payment_terms = TenantPrimaryKeyRelatedField(model=PaymentTerms, required=False, allow_null=True)
    credit_limit = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    country = CountryField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class CustomerInput(PartnerInput):
    pass


class SupplierInput(PartnerInput):
    kind = serializers.ChoiceField(choices=Supplier.Kind.choices, required=False)


class PartnerOutputMixin(serializers.Serializer):
    primary_contact = serializers.SerializerMethodField()

    def get_primary_contact(self, partner: Any) -> dict[str, Any] | None:
        primary = getattr(partner, "primary_contacts", None)
        return ContactOutput(primary[0]).data if primary else None


class CustomerOutput(PartnerOutputMixin, serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = (*RECORD_FIELDS, *PARTNER_FIELDS, "primary_contact")
        read_only_fields = fields


class SupplierOutput(PartnerOutputMixin, serializers.ModelSerializer):
    plants = serializers.SerializerMethodField()

    class Meta:
        model = Supplier
        fields = (*RECORD_FIELDS, "kind", *PARTNER_FIELDS, "primary_contact", "plants")
        read_only_fields = fields

    def get_plants(self, supplier: Supplier) -> list[dict[str, Any]]:
        return PlantSummaryOutput(getattr(supplier, "active_plants", []), many=True).data  # type: ignore[return-value]


class ContactInput(serializers.Serializer):
    customer = TenantPrimaryKeyRelatedField(model=Customer, required=False, allow_null=True)
    supplier = TenantPrimaryKeyRelatedField(model=Supplier, required=False, allow_null=True)
    name = serializers.CharField(max_length=150)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)


class AddressOutput(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = (
            *RECORD_FIELDS,
            "customer_id",
            "supplier_id",
            "kind",
            "line1",
            "line2",
            "city",
            "region",
            "postal_code",
            "country",
        )
        read_only_fields = fields


class AddressInput(serializers.Serializer):
    customer = TenantPrimaryKeyRelatedField(model=Customer, required=False, allow_null=True)
    supplier = TenantPrimaryKeyRelatedField(model=Supplier, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Address.Kind.choices, required=False)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = CountryField()


class PlantOutput(serializers.ModelSerializer):
    class Meta:
        model = Plant
        fields = (
            *RECORD_FIELDS,
            "supplier_id",
            "code",
            "name",
            "city",
            "country",
            "address",
            "licence_number",
            "capabilities",
        )
        read_only_fields = fields


class PlantInput(serializers.Serializer):
    supplier = TenantPrimaryKeyRelatedField(model=Supplier)
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = CountryField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    licence_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    capabilities = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MappingOutput(serializers.ModelSerializer):
    class Meta:
        model = SupplierPlantMapping
        fields = (*RECORD_FIELDS, "supplier_id", "plant_id", "customer_id", "valid_from", "valid_to", "notes")
        read_only_fields = fields


class MappingInput(serializers.Serializer):
    supplier = TenantPrimaryKeyRelatedField(model=Supplier)
    plant = TenantPrimaryKeyRelatedField(model=Plant)
    customer = TenantPrimaryKeyRelatedField(model=Customer, required=False, allow_null=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CarrierOutput(serializers.ModelSerializer):
    class Meta:
        model = Carrier
        fields = (
            *RECORD_FIELDS,
            "name",
            "code",
            "mode",
            "account_number",
            "contact_name",
            "email",
            "phone",
            "website",
            "notes",
        )
        read_only_fields = fields


class CarrierInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=30)
    mode = serializers.ChoiceField(choices=Carrier.Mode.choices)
    account_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)

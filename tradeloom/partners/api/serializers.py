"""The partners' API inputs and outputs, derived from the models' shapes (``records.serializers``); what is not a
plain column — the primary contact and active plants beside a partner, a code that may be left blank — is declared
here."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tradeloom.core.shapes import shape_of
from tradeloom.partners.models import (
    Address,
    Carrier,
    Contact,
    Customer,
    Plant,
    Supplier,
    SupplierPlantMapping,
)
from tradeloom.records.serializers import input_serializer, output_serializer

ContactOutput = output_serializer(Contact, name="ContactOutput")
PlantSummaryOutput = output_serializer(
    Plant, ("id", "code", "name", "city", "country", "licence_number"), name="PlantSummaryOutput"
)


def _code() -> serializers.CharField:
    return serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="Suggested from the name when left blank."
    )


def _confirm_duplicate() -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=(
            "A new name very like an existing partner's is refused with 409 similar_records (listing them); send "
            "true to save it anyway (docs/partners.md)."
        ),
    )


CustomerInput = input_serializer(
    Customer,
    shape_of(Customer).create,
    name="CustomerInput",
    overrides={"code": _code()},
    extra={"confirm_duplicate": _confirm_duplicate()},
)
SupplierInput = input_serializer(
    Supplier,
    shape_of(Supplier).create,
    name="SupplierInput",
    overrides={"code": _code()},
    extra={"confirm_duplicate": _confirm_duplicate()},
)


class _PartnerRow(serializers.ModelSerializer):
    primary_contact = serializers.SerializerMethodField()

    def get_primary_contact(self, partner: Any) -> dict[str, Any] | None:
        primary = getattr(partner, "primary_contacts", None)
        return ContactOutput(primary[0]).data if primary else None


class _SupplierRow(_PartnerRow):
    plants = serializers.SerializerMethodField()

    def get_plants(self, supplier: Supplier) -> list[dict[str, Any]]:
        return PlantSummaryOutput(getattr(supplier, "active_plants", []), many=True).data  # type: ignore[return-value]


CustomerOutput = output_serializer(Customer, name="CustomerOutput", extra=("primary_contact",), base=_PartnerRow)
SupplierOutput = output_serializer(
    Supplier, name="SupplierOutput", extra=("primary_contact", "plants"), base=_SupplierRow
)
ContactInput = input_serializer(Contact, shape_of(Contact).create, name="ContactInput")
AddressOutput = output_serializer(Address, name="AddressOutput")
AddressInput = input_serializer(Address, shape_of(Address).create, name="AddressInput")
PlantOutput = output_serializer(Plant, name="PlantOutput")
PlantInput = input_serializer(Plant, shape_of(Plant).create, name="PlantInput")
MappingOutput = output_serializer(SupplierPlantMapping, name="MappingOutput")
MappingInput = input_serializer(SupplierPlantMapping, shape_of(SupplierPlantMapping).create, name="MappingInput")
CarrierOutput = output_serializer(Carrier, name="CarrierOutput")
CarrierInput = input_serializer(Carrier, shape_of(Carrier).create, name="CarrierInput")

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from tradeloom.partners import filters as f
from tradeloom.partners.api import serializers as s
from tradeloom.partners.capabilities import PARTNERS_MANAGE, PARTNERS_VIEW
from tradeloom.partners.models import Address, Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.partners.selectors import active_plants_prefetch, primary_contacts_prefetch
from tradeloom.partners.services import similar_partners_check
from tradeloom.records.api import RecordViewSet

PARTNER_CAPS = {
    "GET": PARTNERS_VIEW,
    "POST": PARTNERS_MANAGE,
    "PUT": PARTNERS_MANAGE,
    "PATCH": PARTNERS_MANAGE,
    "DELETE": PARTNERS_MANAGE,
}
PARTNER_ORDERINGS = {
    **RecordViewSet.orderings,
    "code": ("code", "id"),
    "-code": ("-code", "-id"),
    "legal_name": ("legal_name", "id"),
}


class SimilarNamesCheck:
    """Customers and suppliers: a create or rename to a name very like an existing partner's is 409
    ``similar_records`` unless the body says ``"confirm_duplicate": true`` (``services.similar_partners_check``)."""

    model: Any
    organization: Any

    def _input(self, request: Request, *, partial: bool, instance: Any = None) -> dict[str, Any]:
        data = super()._input(request, partial=partial, instance=instance)  # type: ignore[misc]
        confirmed = bool(data.pop("confirm_duplicate", False))
        similar_partners_check(
            model=self.model, organization=self.organization, data=data, instance=instance, confirmed=confirmed
        )
        return data


class CustomerViewSet(SimilarNamesCheck, RecordViewSet):
    model = Customer
    output_serializer = s.CustomerOutput
    input_serializer = s.CustomerInput
    serializer_class = s.CustomerOutput
    filterset_class = f.CustomerFilter
    capabilities = PARTNER_CAPS
    orderings = PARTNER_ORDERINGS
    ranked_search = True

    def base_queryset(self) -> Any:
        return super().base_queryset().prefetch_related(primary_contacts_prefetch())


class SupplierViewSet(SimilarNamesCheck, RecordViewSet):
    model = Supplier
    output_serializer = s.SupplierOutput
    input_serializer = s.SupplierInput
    serializer_class = s.SupplierOutput
    filterset_class = f.SupplierFilter
    capabilities = PARTNER_CAPS
    orderings = PARTNER_ORDERINGS
    ranked_search = True

    def base_queryset(self) -> Any:
        return super().base_queryset().prefetch_related(primary_contacts_prefetch(), active_plants_prefetch())


class ContactViewSet(RecordViewSet):
    model = Contact
    output_serializer = s.ContactOutput
    input_serializer = s.ContactInput
    serializer_class = s.ContactOutput
    filterset_class = f.ContactFilter
    capabilities = PARTNER_CAPS
    orderings = {**RecordViewSet.orderings, "name": ("name", "id")}


class AddressViewSet(RecordViewSet):
    model = Address
    output_serializer = s.AddressOutput
    input_serializer = s.AddressInput
    serializer_class = s.AddressOutput
    filterset_class = f.AddressFilter
    capabilities = PARTNER_CAPS


class PlantViewSet(RecordViewSet):
    model = Plant
    output_serializer = s.PlantOutput
    input_serializer = s.PlantInput
    serializer_class = s.PlantOutput
    filterset_class = f.PlantFilter
    capabilities = PARTNER_CAPS
    orderings = {**RecordViewSet.orderings, "code": ("code", "id"), "name": ("name", "id")}


class SupplierPlantMappingViewSet(RecordViewSet):
    model = SupplierPlantMapping
    output_serializer = s.MappingOutput
    input_serializer = s.MappingInput
    serializer_class = s.MappingOutput
    filterset_class = f.MappingFilter
    capabilities = PARTNER_CAPS


class CarrierViewSet(RecordViewSet):
    model = Carrier
    output_serializer = s.CarrierOutput
    input_serializer = s.CarrierInput
    serializer_class = s.CarrierOutput
    filterset_class = f.CarrierFilter
    capabilities = PARTNER_CAPS
    orderings = {**RecordViewSet.orderings, "name": ("name", "id"), "code": ("code", "id")}

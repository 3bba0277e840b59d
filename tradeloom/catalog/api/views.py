from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.catalog.api import serializers as s
from tradeloom.catalog.capabilities import CATALOG_MANAGE, CATALOG_VIEW
from tradeloom.catalog.filters import ExchangeRateFilter, ItemFilter, PaymentTermsFilter, UnitFilter
from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure
from tradeloom.core.validators import currency_codes
from tradeloom.records.api import RecordViewSet
from tradeloom.tenancy.api.base import TenantAPIView

CATALOG_CAPS = {
    "GET": CATALOG_VIEW,
    "POST": CATALOG_MANAGE,
    "PUT": CATALOG_MANAGE,
    "PATCH": CATALOG_MANAGE,
    "DELETE": CATALOG_MANAGE,
}


class UnitViewSet(RecordViewSet):
    model = UnitOfMeasure
    output_serializer = s.UnitOutput
    input_serializer = s.UnitInput
    serializer_class = s.UnitOutput
    filterset_class = UnitFilter
    capabilities = CATALOG_CAPS
    orderings = {**RecordViewSet.orderings, "code": ("code", "id")}


class ExchangeRateViewSet(RecordViewSet):
    model = ExchangeRate
    output_serializer = s.ExchangeRateOutput
    input_serializer = s.ExchangeRateInput
    serializer_class = s.ExchangeRateOutput
    filterset_class = ExchangeRateFilter
    capabilities = CATALOG_CAPS
    ordering = ("-date", "-id")
    orderings = {**RecordViewSet.orderings, "date": ("date", "id"), "-date": ("-date", "-id")}


class PaymentTermsViewSet(RecordViewSet):
    model = PaymentTerms
    output_serializer = s.PaymentTermsOutput
    input_serializer = s.PaymentTermsInput
    serializer_class = s.PaymentTermsOutput
    filterset_class = PaymentTermsFilter
    capabilities = CATALOG_CAPS
    orderings = {**RecordViewSet.orderings, "name": ("name", "id")}


class ItemViewSet(RecordViewSet):
    model = Item
    output_serializer = s.ItemOutput
    input_serializer = s.ItemInput
    serializer_class = s.ItemOutput
    filterset_class = ItemFilter
    capabilities = CATALOG_CAPS
    orderings = {**RecordViewSet.orderings, "code": ("code", "id"), "name": ("name", "id")}

    def base_queryset(self) -> Any:
        return super().base_queryset().select_related("unit")


class CurrencyOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CurrencyListApi(TenantAPIView):
    """ISO 4217 currencies (read-only)."""

    capabilities = {"GET": CATALOG_VIEW}

    @extend_schema(responses={200: CurrencyOutput(many=True)}, summary="ISO 4217 currency codes")
    def get(self, request: Request) -> Response:
        import pycountry

        codes = sorted(currency_codes())
        names = {c.alpha_3: c.name for c in pycountry.currencies}
        return Response([{"code": code, "name": names.get(code, code)} for code in codes])

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure, schedule_errors
from tradeloom.core.validators import currency_codes
from tradeloom.records.api import TenantPrimaryKeyRelatedField

RECORD_FIELDS = ("id", "version", "archived_at", "created_at", "updated_at")


class UnitOutput(serializers.ModelSerializer):
    class Meta:
        model = UnitOfMeasure
        fields = (*RECORD_FIELDS, "code", "name", "dimension", "factor")
        read_only_fields = fields


class UnitInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=60)
    dimension = serializers.ChoiceField(choices=UnitOfMeasure.Dimension.choices)
    factor = serializers.DecimalField(max_digits=24, decimal_places=12, min_value=0)

    def validate_factor(self, value: Any) -> Any:
        if value <= 0:
            raise serializers.ValidationError("Must be greater than zero.")
        return value


class CurrencyCodeField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=3, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data).upper()
        if value not in currency_codes():
            raise serializers.ValidationError(f"“{value}” is not an ISO 4217 currency code.")
        return value


class ExchangeRateOutput(serializers.ModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = (*RECORD_FIELDS, "date", "from_currency", "to_currency", "rate")
        read_only_fields = fields


class ExchangeRateInput(serializers.Serializer):
    date = serializers.DateField()
    from_currency = CurrencyCodeField()
    to_currency = CurrencyCodeField()
    rate = serializers.DecimalField(max_digits=20, decimal_places=8)

    def validate_rate(self, value: Any) -> Any:
        if value <= 0:
            raise serializers.ValidationError("An exchange rate must be positive.")
        return value


class InstalmentSerializer(serializers.Serializer):
    percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    days = serializers.IntegerField(min_value=0, max_value=3650)
    note = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PaymentTermsOutput(serializers.ModelSerializer):
    schedule = InstalmentSerializer(many=True)

    class Meta:
        model = PaymentTerms
        fields = (*RECORD_FIELDS, "name", "description", "schedule")
        read_only_fields = fields


class PaymentTermsInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    schedule = InstalmentSerializer(many=True)

    def validate_schedule(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        plain = [{**part, "percent": str(part["percent"])} for part in value]
        errors = schedule_errors(plain)
        if errors:
            raise serializers.ValidationError(errors)
        return plain


class ItemOutput(serializers.ModelSerializer):
    unit: serializers.SlugRelatedField[UnitOfMeasure] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Item
        fields = (
            *RECORD_FIELDS,
            "kind",
            "code",
            "name",
            "unit",
            "unit_id",
            "description",
            "composition",
            "gsm",
            "construction",
            "finish",
            "width_cm",
            "hs_code",
        )
        read_only_fields = fields


class ItemInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Item.Kind.choices)
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    unit = TenantPrimaryKeyRelatedField(model=UnitOfMeasure)
    description = serializers.CharField(required=False, allow_blank=True)
    composition = serializers.CharField(max_length=200, required=False, allow_blank=True)
    gsm = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    construction = serializers.CharField(max_length=120, required=False, allow_blank=True)
    finish = serializers.CharField(max_length=120, required=False, allow_blank=True)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    hs_code = serializers.CharField(max_length=12, required=False, allow_blank=True)

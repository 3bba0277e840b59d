"""The catalog's API inputs and outputs, derived from the models' shapes (``records.serializers``); what is not a
plain column — a unit's code beside its id, the instalments of payment terms — is declared here."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tradeloom.catalog.models import Basis, ExchangeRate, Item, PaymentTerms, UnitOfMeasure, schedule_errors
from tradeloom.core.shapes import shape_of
from tradeloom.records.serializers import input_serializer, output_serializer


class _UnitChecks(serializers.Serializer):
    def validate_factor(self, value: Any) -> Any:
        if value <= 0:
            raise serializers.ValidationError("Must be greater than zero.")
        return value


UnitOutput = output_serializer(UnitOfMeasure, name="UnitOutput")
UnitInput = input_serializer(
    UnitOfMeasure,
    shape_of(UnitOfMeasure).create,
    name="UnitInput",
    base=_UnitChecks,
    # a zero or negative factor gets the plain message of ``validate_factor``, not the validator's 1E-12
    overrides={
        "factor": serializers.DecimalField(
            max_digits=24,
            decimal_places=12,
            min_value=0,
            help_text=str(UnitOfMeasure._meta.get_field("factor").help_text),
        )
    },
)


class _RateChecks(serializers.Serializer):
    def validate_rate(self, value: Any) -> Any:
        if value <= 0:
            raise serializers.ValidationError("An exchange rate must be positive.")
        return value


ExchangeRateOutput = output_serializer(ExchangeRate, name="ExchangeRateOutput")
ExchangeRateInput = input_serializer(
    ExchangeRate,
    shape_of(ExchangeRate).create,
    name="ExchangeRateInput",
    base=_RateChecks,
    overrides={"rate": serializers.DecimalField(max_digits=20, decimal_places=8)},
)


class InstalmentSerializer(serializers.Serializer):
    percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    days = serializers.IntegerField(min_value=0, max_value=3650)
    basis = serializers.ChoiceField(
        choices=Basis.choices,
        required=False,
        help_text="What the days count from: the invoice date (default), the B/L date, the arrival, or at sight.",
    )
    note = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A PATCH makes DRF skip required fields all the way down, but an instalment is replaced whole: without
        # its percent or days it is a 400 naming the field, not a crash in the schedule's checks.
        missing = [name for name in ("percent", "days") if name not in attrs]
        if missing:
            raise serializers.ValidationError({name: ["This field is required."] for name in missing})
        return attrs


class _PaymentTermsRow(serializers.ModelSerializer):
    schedule = InstalmentSerializer(many=True)


class _ScheduleChecks(serializers.Serializer):
    def validate_schedule(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        plain = [{**part, "percent": str(part["percent"])} for part in value]
        errors = schedule_errors(plain)
        if errors:
            raise serializers.ValidationError(errors)
        return plain


PaymentTermsOutput = output_serializer(
    PaymentTerms, name="PaymentTermsOutput", extra=("schedule",), base=_PaymentTermsRow
)
PaymentTermsInput = input_serializer(
    PaymentTerms,
    shape_of(PaymentTerms).create,
    name="PaymentTermsInput",
    base=_ScheduleChecks,
    overrides={"schedule": InstalmentSerializer(many=True)},
)


class _ItemRow(serializers.ModelSerializer):
    unit: serializers.SlugRelatedField[UnitOfMeasure] = serializers.SlugRelatedField(slug_field="code", read_only=True)


ItemOutput = output_serializer(Item, name="ItemOutput", extra=("unit",), base=_ItemRow)
ItemInput = input_serializer(Item, shape_of(Item).create, name="ItemInput")

"""API fields for the codes the product validates everywhere (ISO 4217 currencies, ISO 3166 countries), and for
optional e-mail addresses and web addresses, which are ``""`` when none is recorded."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tradeloom.core.validators import currency_codes, validate_country


class CurrencyCodeField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=3, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data).upper()
        if value not in currency_codes():
            raise serializers.ValidationError(f"“{value}” is not an ISO 4217 currency code.")
        return value


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


class OptionalEmailField(serializers.EmailField):
    """An e-mail address that may be ``""`` (none recorded), read-only included: the schema then says
    ``oneOf: [format: email, ""]`` where a read-only ``EmailField`` would claim every value is an address."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


class OptionalURLField(serializers.URLField):
    """A web address that may be ``""`` (see ``OptionalEmailField``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

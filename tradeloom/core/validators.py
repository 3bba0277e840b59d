"""Validators shared by models, forms and serializers."""

from __future__ import annotations

import zoneinfo
from functools import cache

import pycountry
from django.core.exceptions import ValidationError


@cache
def currency_codes() -> frozenset[str]:
    """Active ISO 4217 alphabetic codes."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def validate_currency_code(value: str) -> None:
    if value not in currency_codes():
        raise ValidationError(f"“{value}” is not an ISO 4217 currency code.", code="invalid_currency")


def validate_country(value: str) -> None:
    if pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValidationError(f"“{value}” is not an ISO 3166 country code.", code="invalid_country")


@cache
def timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(f"“{value}” is not a known time zone.", code="invalid_timezone")

"""Catalog rules beyond one record: default units, unit conversion, exchange-rate look-up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tradeloom.catalog.models import ExchangeRate, UnitOfMeasure
from tradeloom.core.exceptions import ApplicationError

DEFAULT_UNITS = [
    ("m", "Metre", UnitOfMeasure.Dimension.LENGTH, Decimal("1")),
    ("yd", "Yard", UnitOfMeasure.Dimension.LENGTH, Decimal("0.9144")),
    ("kg", "Kilogram", UnitOfMeasure.Dimension.MASS, Decimal("1")),
    ("lb", "Pound", UnitOfMeasure.Dimension.MASS, Decimal("0.45359237")),
    ("pcs", "Pieces", UnitOfMeasure.Dimension.COUNT, Decimal("1")),
    ("dz", "Dozen", UnitOfMeasure.Dimension.COUNT, Decimal("12")),
]


def units_create_defaults(*, organization: Any, by: Any) -> None:
    """Give an organisation the usual units it lacks (m, yd, kg, lb, pcs, dz)."""
    existing = set(UnitOfMeasure.objects.filter(organization=organization).values_list("code", flat=True))
    UnitOfMeasure.objects.bulk_create(
        UnitOfMeasure(
            organization=organization,
            code=code,
            name=name,
            dimension=dimension,
            factor=factor,
            created_by_id=by.user_id,
        )
        for code, name, dimension, factor in DEFAULT_UNITS
        if code not in existing
    )


def unit_convert(*, quantity: Decimal, from_unit: UnitOfMeasure, to_unit: UnitOfMeasure) -> Decimal:
    """``quantity`` in ``from_unit`` expressed in ``to_unit`` (same dimension only)."""
    if from_unit.dimension != to_unit.dimension:
        raise ApplicationError(
            f"{from_unit.code} and {to_unit.code} measure different things.", code="incompatible_units"
        )
    if from_unit.pk == to_unit.pk:
        return quantity
    return quantity * from_unit.factor / to_unit.factor


def exchange_rate_on(*, organization: Any, day: date, from_currency: str, to_currency: str) -> Decimal | None:
    """The rate in force on ``day``: the latest published on or before it (or its inverse). None when unknown."""
    if from_currency == to_currency:
        return Decimal(1)
    direct = (
        ExchangeRate.objects.filter(
            organization=organization,
            from_currency=from_currency,
            to_currency=to_currency,
            date__lte=day,
            archived_at__isnull=True,
        )
        .order_by("-date")
        .values_list("rate", flat=True)
        .first()
    )
    if direct is not None:
        return direct
    inverse = (
        ExchangeRate.objects.filter(
            organization=organization,
            from_currency=to_currency,
            to_currency=from_currency,
            date__lte=day,
            archived_at__isnull=True,
        )
        .order_by("-date")
        .values_list("rate", flat=True)
        .first()
    )
    return (Decimal(1) / inverse) if inverse else None

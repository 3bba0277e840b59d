"""Presentation of the dashboard's order figures (``sales.dashboard``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()

_UNITS = ((Decimal(10) ** 3, "k"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 9, "bn"))


def _scaled(amount: Decimal, size: Decimal) -> Decimal:
    scaled = amount / size
    places = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
    return scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@register.filter
def short_amount(value: Any) -> str:
    """An amount for a figure tile: 9,850 · 12.5k · 980k · 2.27M · 15.9bn (three significant digits from ten
    thousand up; the tile's title has the amount in full). "—" for an unknown amount."""
    if value is None:
        return "—"
    amount = Decimal(value)
    if abs(amount) < 10_000:
        return f"{int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"
    for n, (size, suffix) in enumerate(_UNITS):
        scaled = _scaled(amount, size)
        if abs(scaled) < 1000 or n == len(_UNITS) - 1:
            text = f"{scaled:f}"
            return f"{text.rstrip('0').rstrip('.') if '.' in text else text}{suffix}"
    raise AssertionError("unreachable")


@register.filter
def whole(value: Any) -> str:
    """An amount to whole units with thousands separators (1,234,568); "—" when unknown."""
    if value is None:
        return "—"
    return f"{int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"

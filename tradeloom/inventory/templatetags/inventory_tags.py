"""How the inventory pages write figures: quantities grouped without trailing zeros (``2,743.2``), costs to four
decimals at most (``3.2262``, ``2.00``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

from tradeloom.audit import formats

register = template.Library()


@register.filter
def qty(value: Any) -> str:
    """``2743.200`` → ``2,743.2``; ``-9.144`` → ``-9.144``."""
    return formats.number(value)


@register.filter
def cost(value: Any) -> str:
    """A unit cost: at most four decimals, at least two (``3.226191`` → ``3.2262``)."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.number(amount, money=True)

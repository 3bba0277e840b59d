"""Money, written down once for every module: amounts are ``Decimal`` with an ISO 4217 code, never floats.

Rounding rules (the same in Python and in SQL):
* prices and rates keep 4 decimals (rates up to 8), quantities 3; products are computed exactly in ``Decimal``;
* an amount is rounded to cents (2 decimals) half away from zero: ``ROUND_HALF_UP`` here, ``ROUND(x, 2)`` on a
  PostgreSQL ``numeric`` (which rounds half away from zero too), so 1.005 → 1.01 and -1.005 → -1.01;
* a sum of amounts is the sum of the rounded amounts, so parts always add up to their total;
* a conversion multiplies the rounded amount by the rate of the document's date and rounds again; without a rate
  there is no converted amount (``None``) — never a silent 0.

Sales (order figures), purchasing (subtotal, tax, total) and finance (tolerances, invoices, payments) build on
these; none of them imports another for money.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
# Decimal places by kind of figure (the model fields' decimal_places).
AMOUNT_PLACES = 2
PRICE_PLACES = 4
QUANTITY_PLACES = 3
RATE_PLACES = 8

_QUANTUM = {places: ONE.scaleb(-places) for places in range(13)}


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to cents, half away from zero."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quantize(value: Decimal, places: int) -> Decimal:
    """``value`` with exactly ``places`` decimals (half away from zero)."""
    return value.quantize(_QUANTUM[places], rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal | None, places: int) -> str | None:
    """A decimal as the API writes it: a string with exactly ``places`` decimals (``None`` stays ``None``)."""
    return None if value is None else str(value.quantize(_QUANTUM[places], rounding=ROUND_HALF_UP))


def amount_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The total of rounded amounts (0 for none)."""
    return sum(amounts, ZERO)


def convert(amount: Decimal, rate: Decimal | None) -> Decimal | None:
    """``amount`` in another currency at ``rate``, rounded to cents; ``None`` when the rate is unknown."""
    return None if rate is None else cents(amount * rate)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, rounded to cents (tax, commission, a tolerance)."""
    return cents(amount * percent / Decimal(100))

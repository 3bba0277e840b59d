"""The money of an order, written down once.

Rounding rules (tested on hand-checked examples):
* prices and rates keep 4 decimals, quantities 3; products are computed exactly in ``Decimal``;
* each line figure (value, cost, commission, profit, realised profit) is rounded to 2 decimals, half up;
* order figures are the sums of the rounded line figures, so lines always add up to the order;
* base-currency figures convert each rounded order figure at the order date's rate and round again (2 decimals,
  half up). Without a rate the base-currency figures are ``None`` and ``rate_missing`` is true — never a silent 0.

Realised profit scales profit by delivered / ordered, capped at 100 % (over-delivery does not inflate profit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineFigures:
    value: Decimal
    cost: Decimal
    commission: Decimal
    profit: Decimal
    realised_profit: Decimal
    delivered_ratio: Decimal  # delivered / ordered, not capped (shows over-delivery)
    shortage: Decimal  # ordered - delivered, never negative
    excess: Decimal  # delivered - ordered, never negative


def line_figures(
    *,
    quantity: Decimal,
    selling_price: Decimal | None,
    mill_price: Decimal | None,
    commission_per_unit: Decimal | None,
    delivered: Decimal,
) -> LineFigures:
    selling_price = selling_price or ZERO
    mill_price = mill_price or ZERO
    commission_per_unit = commission_per_unit or ZERO
    value = cents(quantity * selling_price)
    cost = cents(quantity * mill_price)
    commission = cents(quantity * commission_per_unit)
    profit = value - cost - commission
    ratio = (delivered / quantity) if quantity > 0 else ZERO
    realised = cents(profit * min(ratio, ONE))
    return LineFigures(
        value=value,
        cost=cost,
        commission=commission,
        profit=profit,
        realised_profit=realised,
        delivered_ratio=ratio,
        shortage=max(quantity - delivered, ZERO),
        excess=max(delivered - quantity, ZERO),
    )


@dataclass(frozen=True)
class OrderFigures:
    value: Decimal = ZERO
    cost: Decimal = ZERO
    commission: Decimal = ZERO
    profit: Decimal = ZERO
    realised_profit: Decimal = ZERO
    rate: Decimal | None = None  # order currency → base currency on the order date
    base: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def rate_missing(self) -> bool:
        return self.rate is None


FIGURES = ("value", "cost", "commission", "profit", "realised_profit")


def order_figures(lines: Iterable[LineFigures], *, rate: Decimal | None) -> OrderFigures:
    lines = list(lines)
    totals = {name: sum((getattr(line, name) for line in lines), ZERO) for name in FIGURES}
    base = {name: (cents(totals[name] * rate) if rate is not None else None) for name in FIGURES}
    return OrderFigures(**totals, rate=rate, base=base)

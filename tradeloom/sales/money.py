"""The money of an order, written down once — in Python for an order's detail, and in SQL for the orders list,
side by side here (a property test holds them equal).

The rounding rules are ``core.money``'s: each line figure (value, cost, commission, profit, realised profit) is
rounded to cents, half away from zero; order figures are the sums of the rounded line figures; base-currency figures
convert each order figure at the order date's rate (``None`` without a rate: ``rate_missing``, never a silent 0).

Realised profit scales profit by delivered / ordered, capped at 100 % (over-delivery does not inflate profit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from tradeloom.core.money import ONE, ZERO, amount_sum, cents, convert


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
    totals = {name: amount_sum(getattr(line, name) for line in lines) for name in FIGURES}
    base = {name: convert(totals[name], rate) for name in FIGURES}
    return OrderFigures(**totals, rate=rate, base=base)


# The same figures in SQL, summed over an order's lines in one correlated subquery of the orders list's statement:
# [value, cost, commission, profit, realised profit, line count] (``Order.total_value`` … read them). Evaluated
# only for the rows of the page — the keyset scan on the orders index stops after ``limit`` rows — so the cost
# follows the page size, not the table. Each line figure to cents (``ROUND`` on numeric: half away from zero, as
# ``cents``), then summed; as text with two decimals (the count without), ready for the JSON: sums of cents are
# exact, so the final ROUND only fixes the scale ("0.00" for an order without lines).
LINE_TOTALS_SQL = """
SELECT ARRAY[ROUND(COALESCE(SUM(t.v), 0), 2), ROUND(COALESCE(SUM(t.c), 0), 2), ROUND(COALESCE(SUM(t.m), 0), 2),
             ROUND(COALESCE(SUM(t.v - t.c - t.m), 0), 2), ROUND(COALESCE(SUM(ROUND((t.v - t.c - t.m) * t.r, 2)), 0), 2),
             COUNT(*)]::text[]
FROM (
    SELECT ROUND(l.quantity * COALESCE(l.selling_price, 0), 2) AS v,
           ROUND(l.quantity * COALESCE(l.mill_price, 0), 2) AS c,
           ROUND(l.quantity * COALESCE(l.commission_per_unit, 0), 2) AS m,
           CASE WHEN l.quantity > 0 THEN LEAST(l.delivered_quantity / l.quantity, 1) ELSE 0 END AS r
    FROM sales_line l
    WHERE l.order_id = "sales_order"."id"
) t
"""

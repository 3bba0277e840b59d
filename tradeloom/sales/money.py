"""The money of an order, written down once — in Python for an order's detail, and in SQL for the orders list,
side by side here (a property test holds them equal).

The rounding rules are ``core.money``'s: each line figure (value, cost, commission, profit, realised profit) is
rounded to cents, half away from zero; order figures are the sums of the rounded line figures; base-currency figures
convert each order figure at the order date's rate (``None`` without a rate: ``rate_missing``, never a silent 0).

Realised profit scales profit by delivered / ordered, capped at 100 % (over-delivery does not inflate profit).

A missing price is not a zero price. A line without a mill price has no cost (``cost_missing``), a line without a
selling price has no value (``price_missing``), and either way its profit and realised profit are unknown
(``None``), never value - 0 or 0 - cost. An order's figures sum the lines where the figure is known and count the
lines left out (``cost_missing_lines``, ``price_missing_lines``, ``profit_left_out_lines``); a figure is ``None``
when the order has lines and none of them has it. A price of 0 is a price (a free sample line), not a missing one.
A missing commission is no commission (0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from tradeloom.core.money import ZERO, amount_sum, cents, convert


def share_of(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """``amount`` x ``part`` / ``whole`` to cents, half away from zero, computed exactly (in integers): a share such
    as 7/116 never ends, and rounding it first would turn a true half cent (0.58 x 7/116 = 0.035) either way. The
    SQL multiplies first and divides with 30 decimals, which settles every such case the same way."""
    (a, a_scale), (p, p_scale), (w, w_scale) = (x.as_integer_ratio() for x in (amount, part, whole))
    numerator, denominator = a * p * w_scale * 100, a_scale * p_scale * w  # the share in cents, as integers
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    whole_cents, rest = divmod(abs(numerator), denominator)
    if 2 * rest >= denominator:
        whole_cents += 1
    return cents(Decimal(whole_cents if numerator >= 0 else -whole_cents).scaleb(-2))


@dataclass(frozen=True)
class LineFigures:
    value: Decimal | None  # None: no selling price
    cost: Decimal | None  # None: no mill price
    commission: Decimal
    profit: Decimal | None  # None: value or cost unknown
    realised_profit: Decimal | None
    delivered_ratio: Decimal  # delivered / ordered, not capped (shows over-delivery)
    shortage: Decimal  # ordered - delivered, never negative
    excess: Decimal  # delivered - ordered, never negative

    @property
    def cost_missing(self) -> bool:
        return self.cost is None

    @property
    def price_missing(self) -> bool:
        return self.value is None


def line_figures(
    *,
    quantity: Decimal,
    selling_price: Decimal | None,
    mill_price: Decimal | None,
    commission_per_unit: Decimal | None,
    delivered: Decimal,
) -> LineFigures:
    value = None if selling_price is None else cents(quantity * selling_price)
    cost = None if mill_price is None else cents(quantity * mill_price)
    commission = cents(quantity * (commission_per_unit or ZERO))
    ratio = (delivered / quantity) if quantity > 0 else ZERO
    profit = realised = None
    if value is not None and cost is not None:
        profit = value - cost - commission
        realised = share_of(profit, min(delivered, quantity), quantity) if quantity > 0 else cents(ZERO)
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
    value: Decimal | None = ZERO
    cost: Decimal | None = ZERO
    commission: Decimal | None = ZERO
    profit: Decimal | None = ZERO  # of the lines with a value and a cost only
    realised_profit: Decimal | None = ZERO
    cost_missing_lines: int = 0  # lines without a mill price
    price_missing_lines: int = 0  # lines without a selling price
    profit_left_out_lines: int = 0  # lines whose profit is unknown (either price missing), left out of the profit
    rate: Decimal | None = None  # order currency → base currency on the order date
    base: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def rate_missing(self) -> bool:
        return self.rate is None


FIGURES = ("value", "cost", "commission", "profit", "realised_profit")
COUNTS = ("cost_missing_lines", "price_missing_lines", "profit_left_out_lines")


def known_sum(amounts: list[Decimal | None]) -> Decimal | None:
    """The total of the known amounts; ``None`` when there are amounts and none is known (0 for none at all)."""
    known = [amount for amount in amounts if amount is not None]
    return amount_sum(known) if known or not amounts else None


def _convert(amount: Decimal | None, rate: Decimal | None) -> Decimal | None:
    return None if amount is None else convert(amount, rate)


def order_figures(lines: Iterable[LineFigures], *, rate: Decimal | None) -> OrderFigures:
    lines = list(lines)
    totals = {name: known_sum([getattr(line, name) for line in lines]) for name in FIGURES}
    base = {name: _convert(totals[name], rate) for name in FIGURES}
    return OrderFigures(
        **totals,
        cost_missing_lines=sum(1 for line in lines if line.cost_missing),
        price_missing_lines=sum(1 for line in lines if line.price_missing),
        profit_left_out_lines=sum(1 for line in lines if line.profit is None),
        rate=rate,
        base=base,
    )


# The same figures in SQL, summed over an order's lines in one correlated subquery of the orders list's statement:
# [value, cost, commission, profit, realised profit, line count, lines without cost, lines without price, lines left
# out of the profit] (``Order.total_value`` … read them). Evaluated only for the rows of the page — the keyset scan
# on the orders index stops after ``limit`` rows — so the cost follows the page size, not the table. Each line
# figure to cents (``ROUND`` on numeric: half away from zero, as ``cents``), NULL when its price is missing (so the
# profit, v - c - m, is NULL too); the realised profit as profit x delivered (at most the quantity), then divided by
# the quantity to 30 decimals, so a true half cent rounds as ``share_of`` does. Then summed: ``SUM`` skips NULLs, and
# ``COALESCE(SUM(x), CASE WHEN COUNT(*) = 0 THEN 0 END)`` is 0 for an order without lines but NULL for lines none of
# which has the figure (``known_sum``).
# As text with two decimals (the counts without), ready for the JSON: sums of cents are exact, so the final ROUND
# only fixes the scale ("0.00" for an order without lines).
LINE_TOTALS_SQL = """
SELECT ARRAY[ROUND(COALESCE(SUM(t.v), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             ROUND(COALESCE(SUM(t.c), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             ROUND(COALESCE(SUM(t.m), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             ROUND(COALESCE(SUM(t.v - t.c - t.m), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             ROUND(COALESCE(SUM(CASE WHEN t.q > 0 THEN ROUND((t.v - t.c - t.m) * t.d / t.q, 2)
                                     ELSE (t.v - t.c - t.m) * 0 END), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             COUNT(*), COUNT(*) - COUNT(t.c), COUNT(*) - COUNT(t.v), COUNT(*) - COUNT(t.v - t.c)]::text[]
FROM (
    SELECT ROUND(l.quantity * l.selling_price, 2) AS v,
           ROUND(l.quantity * l.mill_price, 2) AS c,
           ROUND(l.quantity * COALESCE(l.commission_per_unit, 0), 2) AS m,
           LEAST(l.delivered_quantity, l.quantity)::numeric(48, 30) AS d,
           l.quantity AS q
    FROM sales_line l
    WHERE l.order_id = "sales_order"."id"
) t
"""

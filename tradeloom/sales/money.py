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

Tax (docs/sales.md): a line's rate is its own ``tax_rate`` or, empty, its order's (0-100 %). A line's tax is its
value (quantity x selling price, to cents) x rate / 100, rounded to cents half away from zero (``percent_of``: 0.005
→ 0.01); the order's tax is the sum of its lines' taxes, its subtotal the value, its total subtotal + tax. A line
without a selling price has no tax either (``None``) and is left out of the sums as it is of the value: the order's
tax and total are ``None`` when it has lines and none has a price, and ``price_missing_lines`` says how many are
left out. Confirming an order (``OrderConfirming``) takes the total only when no price is missing
(``confirmation_amount``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from tradeloom.core.money import ZERO, amount_sum, cents, convert, percent_of


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
    tax_rate: Decimal = ZERO  # the line's effective rate: its own, or its order's
    tax: Decimal | None = ZERO  # None: no selling price

    @property
    def total(self) -> Decimal | None:
        """Value + tax (``None`` without a selling price)."""
        return None if self.value is None or self.tax is None else self.value + self.tax

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
    tax_rate: Decimal | None = None,
    order_tax_rate: Decimal | None = None,
) -> LineFigures:
    """A line's figures; its tax at ``tax_rate``, or (empty) at its order's ``order_tax_rate``, or none."""
    value = None if selling_price is None else cents(quantity * selling_price)
    rate = effective_tax_rate(tax_rate, order_tax_rate)
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
        tax_rate=rate,
        tax=None if value is None else percent_of(value, rate),
    )


def effective_tax_rate(line_rate: Decimal | None, order_rate: Decimal | None) -> Decimal:
    """``Coalesce(line.tax_rate, order.tax_rate)``, 0 when neither is given."""
    if line_rate is not None:
        return line_rate
    return order_rate if order_rate is not None else ZERO


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
    tax: Decimal | None = ZERO  # the sum of the lines' taxes (of the lines with a selling price)

    @property
    def rate_missing(self) -> bool:
        return self.rate is None

    @property
    def subtotal(self) -> Decimal | None:
        """The value before tax (the lines' values)."""
        return self.value

    @property
    def total(self) -> Decimal | None:
        """Subtotal + tax: ``None`` when the order has lines and none has a selling price."""
        return None if self.value is None or self.tax is None else self.value + self.tax


def confirmation_amount(figures: OrderFigures) -> Decimal | None:
    """What confirming the order commits the buyer to (``OrderConfirming.amount``): the total incl. tax, or
    ``None`` when any line has no selling price (a partial total would understate it)."""
    return None if figures.price_missing_lines else figures.total


FIGURES = ("value", "cost", "commission", "profit", "realised_profit")
COUNTS = ("cost_missing_lines", "price_missing_lines", "profit_left_out_lines")
# The tax figures, after FIGURES and COUNTS (``ORDER_LIST_TOTALS_SQL``'s last two values are the tax and the total).
TAX_FIGURES = ("subtotal", "tax", "total")


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
        tax=known_sum([line.tax for line in lines]),
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
_TOTALS_SQL = """
SELECT ARRAY[ROUND(COALESCE(SUM(t.v), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             ROUND(COALESCE(SUM(t.c), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             ROUND(COALESCE(SUM(t.m), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             ROUND(COALESCE(SUM(t.v - t.c - t.m), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             ROUND(COALESCE(SUM(CASE WHEN t.q > 0 THEN ROUND((t.v - t.c - t.m) * t.d / t.q, 2)
                                     ELSE (t.v - t.c - t.m) * 0 END), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),
             COUNT(*), COUNT(*) - COUNT(t.c), COUNT(*) - COUNT(t.v), COUNT(*) - COUNT(t.v - t.c)<figures>]::text[]
FROM (
    SELECT ROUND(l.quantity * l.selling_price, 2) AS v,
           ROUND(l.quantity * l.mill_price, 2) AS c,
           ROUND(l.quantity * COALESCE(l.commission_per_unit, 0), 2) AS m,
           LEAST(l.delivered_quantity, l.quantity)::numeric(48, 30) AS d,
           l.quantity AS q<columns>
    FROM sales_line l
    WHERE l.order_id = "sales_order"."id"
) t
"""
LINE_TOTALS_SQL = _TOTALS_SQL.replace("<figures>", "").replace("<columns>", "")
# The orders list's statement (``selectors.order_list``) adds the tax and the total to the same subquery — [… nine
# values as above, tax, total]: each line's tax is its value x its rate (the line's, else the order's:
# ``"sales_order"."tax_rate"``, the row the subquery is correlated to) / 100 rounded to cents (``percent_of``), NULL
# without a price; summed as the value is (``known_sum``), and the total is the sum of value + tax. No statement
# more, no line read twice. (``OrderTotals`` keeps the nine: the dashboard reports values before tax.)
ORDER_LIST_TOTALS_SQL = _TOTALS_SQL.replace(
    "<figures>",
    ",\n             ROUND(COALESCE(SUM(t.x), CASE WHEN COUNT(*) = 0 THEN 0 END), 2),"
    "\n             ROUND(COALESCE(SUM(t.v + t.x), CASE WHEN COUNT(*) = 0 THEN 0 END), 2)",
).replace(
    "<columns>",
    ",\n           ROUND(ROUND(l.quantity * l.selling_price, 2)"
    ' * COALESCE(l.tax_rate, "sales_order"."tax_rate") / 100, 2) AS x',
)

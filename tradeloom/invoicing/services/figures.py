"""An invoice's money, written down once (docs/invoicing.md): a line's amount is quantity x unit price rounded half
away from zero to cents; its tax is amount x rate / 100 rounded the same way; the invoice's subtotal and tax are the
sums of its lines' rounded figures, and its total is subtotal + tax (``core.money``'s rules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tradeloom.core.money import ZERO, amount_sum, cents, percent_of


@dataclass(frozen=True)
class LineMoney:
    amount: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax


def line_money(*, quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> LineMoney:
    amount = cents(Decimal(quantity) * Decimal(unit_price))
    return LineMoney(amount=amount, tax=percent_of(amount, Decimal(tax_rate or ZERO)))


def totals_of(lines: Iterable[LineMoney]) -> Totals:
    lines = list(lines)
    return Totals(subtotal=amount_sum(x.amount for x in lines), tax=amount_sum(x.tax for x in lines))

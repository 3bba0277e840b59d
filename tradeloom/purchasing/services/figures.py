"""A purchase order's money, written down once (docs/purchasing.md): a line's amount is quantity x unit price rounded
half away from zero to cents; its tax is amount x its rate (the line's own, else the PO's) / 100 rounded the same
way; the PO's subtotal and tax are the sums of its lines' rounded figures and its total is subtotal + tax
(``core.money``'s rules). The total in the base currency is the total x the rate at the PO date, rounded to cents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tradeloom.core.money import ZERO, amount_sum, cents, convert, percent_of


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


def effective_rate(line_rate: Decimal | None, po_rate: Decimal | None) -> Decimal:
    """A line's tax rate: its own when given, else its PO's."""
    return Decimal(line_rate if line_rate is not None else (po_rate or ZERO))


def line_money(*, quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> LineMoney:
    amount = cents(Decimal(quantity) * Decimal(unit_price))
    return LineMoney(amount=amount, tax=percent_of(amount, Decimal(tax_rate or ZERO)))


def totals_of(lines: Iterable[LineMoney]) -> Totals:
    rows = list(lines)
    return Totals(subtotal=amount_sum(x.amount for x in rows), tax=amount_sum(x.tax for x in rows))


def base_amount(total: Decimal, rate: Decimal | None) -> Decimal | None:
    """``total`` in the base currency at ``rate`` (to cents); ``None`` without a rate."""
    return convert(Decimal(total), rate)

"""The LC's figures and dates on hand-checked examples (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from tradeloom.lcs import terms


def lc(amount="100000.00", plus="0", minus=None, utilised="0", expiry=date(2026, 12, 5), days=21):
    return SimpleNamespace(
        amount=Decimal(amount),
        tolerance_percent=Decimal(plus),
        tolerance_minus_percent=None if minus is None else Decimal(minus),
        utilised_amount=Decimal(utilised),
        expiry_date=expiry,
        presentation_days=days,
    )


def test_cap_and_floor_round_each_percentage_to_cents():
    assert terms.amount_cap(lc("50000.00", "10")) == Decimal("55000.00")
    assert terms.amount_floor(lc("50000.00", "10")) == Decimal("45000.00")
    # 12,345.67 x 5 % = 617.2835 → 617.28
    assert terms.amount_cap(lc("12345.67", "5")) == Decimal("12962.95")
    # a stated minus tolerance of its own: +10 / -5
    assert terms.amount_floor(lc("12345.67", "10", "5")) == Decimal("11728.39")
    assert terms.amount_cap(lc("100000.00")) == terms.amount_floor(lc("100000.00")) == Decimal("100000.00")


def test_a_single_drawing_may_fall_short_by_five_percent_or_the_minus_tolerance():
    assert terms.single_drawing_floor(lc("100000.00")) == Decimal("95000.00")
    assert terms.single_drawing_floor(lc("100000.00", "10")) == Decimal("90000.00")
    assert terms.single_drawing_floor(lc("100000.00", "10", "2")) == Decimal("98000.00")


def test_expiry_on_a_weekend_moves_to_the_monday():
    assert date(2026, 12, 5).weekday() == 5  # a Saturday
    assert terms.effective_expiry(lc(expiry=date(2026, 12, 5))) == date(2026, 12, 7)
    assert terms.effective_expiry(lc(expiry=date(2026, 12, 4))) == date(2026, 12, 4)


def test_the_presentation_deadline_is_shipment_plus_the_period_never_after_expiry():
    credit = lc(expiry=date(2027, 3, 31))
    # shipped Mon 1 Feb 2027 + 21 days = Mon 22 Feb
    assert terms.presentation_deadline(credit, date(2027, 2, 1)) == date(2027, 2, 22)
    # shipped Wed 3 Feb + 21 = Wed 24 Feb; shipped Sat 6 Feb + 21 = Sat 27 Feb → Mon 1 Mar
    assert terms.presentation_deadline(credit, date(2027, 2, 6)) == date(2027, 3, 1)
    # close to expiry: the expiry wins
    assert terms.presentation_deadline(credit, date(2027, 3, 20)) == date(2027, 3, 31)
    assert terms.presentation_deadline(credit, None) == date(2027, 3, 31)


def test_the_bank_has_five_banking_days():
    # presented Thu 3 Dec 2026: Fri 4, Mon 7, Tue 8, Wed 9, Thu 10
    assert terms.banking_days_after(date(2026, 12, 3), 5) == date(2026, 12, 10)
    # presented Sat 5 Dec: Mon 7 … Fri 11
    assert terms.banking_days_after(date(2026, 12, 5), 5) == date(2026, 12, 11)


def test_utilisation_percent():
    assert terms.utilisation_percent(lc("100000.00", utilised="90500.00")) == Decimal("90.5")
    assert terms.available(lc("50000.00", "10", utilised="30000.00")) == Decimal("25000.00")

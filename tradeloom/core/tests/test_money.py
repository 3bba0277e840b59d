"""The money rules every module uses: cents half away from zero, exact sums of rounded amounts, conversions that
are None without a rate."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tradeloom.core.money import amount_sum, cents, convert, decimal_text, percent_of, quantize


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("1.005"), D("1.01")), (D("1.004999"), D("1.00")), (D("-1.005"), D("-1.01")), (D("2.5"), D("2.50"))],
)
def test_cents_round_half_away_from_zero(value, expected):
    assert cents(value) == expected


def test_quantize_and_the_apis_decimal_text():
    assert quantize(D("4.25"), 4) == D("4.2500")
    assert decimal_text(D("4.25"), 4) == "4.2500"
    assert decimal_text(D("0.0005"), 3) == "0.001"
    assert decimal_text(None, 2) is None


def test_a_total_is_the_sum_of_rounded_amounts():
    assert amount_sum([cents(D("0.335") * 3), cents(D("0.335") * 3)]) == D("2.02")  # not cents(2.01)
    assert amount_sum([]) == D("0")


def test_a_conversion_without_a_rate_is_none_not_zero():
    assert convert(D("4251.01"), D("121.5")) == D("516497.72")
    assert convert(D("10"), None) is None


def test_percent_of_rounds_to_cents():
    assert percent_of(D("199.99"), D("7.5")) == D("15.00")  # 14.99925
    assert percent_of(D("100"), D("0")) == D("0.00")

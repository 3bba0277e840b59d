"""Every money figure on hand-checked examples, including partial and over delivery and a missing rate."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tradeloom.sales.money import line_figures, order_figures


def test_a_line_fully_hand_checked():
    # 1,000 m at 4.2500 sold, bought at 3.1000, 0.1500 commission per metre; 400 m delivered
    f = line_figures(
        quantity=D("1000"),
        selling_price=D("4.25"),
        mill_price=D("3.10"),
        commission_per_unit=D("0.15"),
        delivered=D("400"),
    )
    assert (f.value, f.cost, f.commission) == (D("4250.00"), D("3100.00"), D("150.00"))
    assert f.profit == D("1000.00")  # 4250 - 3100 - 150
    assert f.realised_profit == D("400.00")  # 1000 x 400/1000
    assert (f.shortage, f.excess) == (D("600"), D("0"))


def test_over_delivery_caps_realised_profit_at_100_percent():
    f = line_figures(
        quantity=D("500"), selling_price=D("2"), mill_price=D("1.5"), commission_per_unit=None, delivered=D("530")
    )
    assert f.profit == D("250.00")
    assert f.realised_profit == D("250.00")
    assert (f.shortage, f.excess) == (D("0"), D("30"))
    assert f.delivered_ratio == D("1.06")


def test_rounding_is_half_up_per_line_figure():
    # 3 x 0.335 = 1.005 → 1.01 (half up, not banker's 1.00)
    f = line_figures(
        quantity=D("3"), selling_price=D("0.335"), mill_price=D("0"), commission_per_unit=D("0"), delivered=D("1")
    )
    assert f.value == D("1.01")
    # realised: 1.01 x 1/3 = 0.33666… → 0.34
    assert f.realised_profit == D("0.34")


def test_a_line_without_prices_has_zero_figures_not_errors():
    f = line_figures(quantity=D("10"), selling_price=None, mill_price=None, commission_per_unit=None, delivered=D("0"))
    assert (f.value, f.cost, f.profit, f.realised_profit) == (D("0.00"), D("0.00"), D("0.00"), D("0.00"))


def test_zero_quantity_does_not_divide_by_zero():
    f = line_figures(
        quantity=D("0"), selling_price=D("5"), mill_price=D("4"), commission_per_unit=None, delivered=D("0")
    )
    assert f.realised_profit == D("0.00")


def test_order_totals_are_sums_of_rounded_lines_and_convert_at_the_rate():
    a = line_figures(
        quantity=D("3"), selling_price=D("0.335"), mill_price=D("0.1"), commission_per_unit=None, delivered=D("3")
    )
    b = line_figures(
        quantity=D("1000"),
        selling_price=D("4.25"),
        mill_price=D("3.10"),
        commission_per_unit=D("0.15"),
        delivered=D("400"),
    )
    order = order_figures([a, b], rate=D("121.5"))
    assert order.value == D("4251.01")  # 1.01 + 4250.00
    assert order.profit == D("1000.71")  # (1.01 - 0.30) + 1000.00
    assert order.base["value"] == D("516497.72")  # 4251.01 x 121.5 = 516497.715 → half up
    assert order.rate_missing is False


def test_a_missing_rate_is_visible_not_zero():
    a = line_figures(quantity=D("1"), selling_price=D("1"), mill_price=None, commission_per_unit=None, delivered=D("0"))
    order = order_figures([a], rate=None)
    assert order.rate_missing is True
    assert order.base == dict.fromkeys(("value", "cost", "commission", "profit", "realised_profit"))


@pytest.mark.parametrize("delivered", [D("0"), D("250"), D("1000"), D("1200")])
def test_realised_never_exceeds_potential(delivered):
    f = line_figures(
        quantity=D("1000"), selling_price=D("3"), mill_price=D("2"), commission_per_unit=D("0.1"), delivered=delivered
    )
    assert f.realised_profit <= f.profit

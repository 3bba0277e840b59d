"""Every money figure on hand-checked examples, including partial and over delivery and a missing rate."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tradeloom.sales.money import line_figures, order_figures, share_of


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


def test_a_line_without_prices_has_unknown_figures_not_zero_ones():
    f = line_figures(quantity=D("10"), selling_price=None, mill_price=None, commission_per_unit=None, delivered=D("0"))
    assert (f.value, f.cost, f.profit, f.realised_profit) == (None, None, None, None)
    assert (f.cost_missing, f.price_missing, f.commission) == (True, True, D("0.00"))


def test_a_missing_mill_price_is_a_missing_cost_not_a_zero_one():
    # given a line sold at 4.25 whose mill price is not known yet, half delivered
    f = line_figures(
        quantity=D("1000"), selling_price=D("4.25"), mill_price=None, commission_per_unit=D("0.15"), delivered=D("500")
    )
    # then its value is known, its cost and profit are not (not 4250 - 0 - 150)
    assert (f.value, f.cost, f.commission) == (D("4250.00"), None, D("150.00"))
    assert (f.profit, f.realised_profit, f.cost_missing, f.price_missing) == (None, None, True, False)


def test_a_zero_mill_price_is_a_price():
    f = line_figures(
        quantity=D("10"), selling_price=D("2"), mill_price=D("0"), commission_per_unit=None, delivered=D(0)
    )
    assert (f.cost, f.profit, f.cost_missing) == (D("0.00"), D("20.00"), False)


def test_the_orders_profit_sums_only_lines_with_a_cost_and_counts_those_left_out():
    known = line_figures(
        quantity=D("1000"), selling_price=D("4.25"), mill_price=D("3.10"), commission_per_unit=None, delivered=D(1000)
    )
    no_cost = line_figures(
        quantity=D("500"), selling_price=D("4"), mill_price=None, commission_per_unit=D("0.10"), delivered=D(500)
    )
    no_price = line_figures(
        quantity=D("200"), selling_price=None, mill_price=D("3"), commission_per_unit=None, delivered=D(0)
    )
    order = order_figures([known, no_cost, no_price], rate=D("2"))
    assert (order.value, order.cost, order.commission) == (D("6250.00"), D("3700.00"), D("50.00"))
    assert (order.profit, order.realised_profit) == (D("1150.00"), D("1150.00"))  # the first line's only
    assert (order.cost_missing_lines, order.price_missing_lines, order.profit_left_out_lines) == (1, 1, 2)
    assert order.base["profit"] == D("2300.00")


def test_an_order_whose_lines_all_lack_a_cost_has_no_profit_not_its_value():
    no_cost = line_figures(
        quantity=D("500"), selling_price=D("4"), mill_price=None, commission_per_unit=None, delivered=D(0)
    )
    order = order_figures([no_cost], rate=D("2"))
    assert (order.value, order.cost, order.profit, order.realised_profit) == (D("2000.00"), None, None, None)
    assert order.base["profit"] is None
    empty = order_figures([], rate=None)
    assert (empty.value, empty.profit, empty.profit_left_out_lines) == (D(0), D(0), 0)


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


def test_a_true_half_cent_of_realised_profit_rounds_up_whatever_the_share():
    # 0.58 x 7/116 is exactly 0.035, though 7/116 never ends: half up is 0.04 (not 0.03 from a shortened share)
    f = line_figures(
        quantity=D("0.116"),
        selling_price=D("5.561"),
        mill_price=D("0"),
        commission_per_unit=D("0.561"),
        delivered=D("0.007"),
    )
    assert (f.profit, f.realised_profit) == (D("0.58"), D("0.04"))
    assert share_of(D("-0.58"), D("7"), D("116")) == D("-0.04")  # away from zero
    assert share_of(D("10.00"), D("1"), D("3")) == D("3.33")

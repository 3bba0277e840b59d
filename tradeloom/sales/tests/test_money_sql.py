"""The orders list's money (SQL, ``sales.money.LINE_TOTALS_SQL``) equals the detail's (Python, ``line_figures``)
for any lines: the two ways of writing the order's money cannot drift apart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.postgres.fields import ArrayField
from django.db import transaction
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tradeloom.core.context import tenant_context
from tradeloom.sales.models import Order
from tradeloom.sales.money import COUNTS, FIGURES, LINE_TOTALS_SQL, line_figures, order_figures
from tradeloom.sales.tests.factories import order_with_lines
from tradeloom.sales.tests.strategies import prices, quantities

pytestmark = pytest.mark.django_db

lines = st.lists(
    st.tuples(quantities, prices, prices, prices, st.decimals(min_value=0, max_value=2, places=3)), max_size=6
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=lines)
@example(rows=[(Decimal(3), Decimal("0.335"), Decimal("0.105"), None, Decimal("0.5"))])
@example(
    rows=[(Decimal(10), Decimal(2), None, None, Decimal(1)), (Decimal(5), None, Decimal(1), Decimal(1), Decimal(0))]
)
@example(rows=[(Decimal(10), Decimal(2), None, None, Decimal(1))])
# a true half cent behind a share that never ends: 0.58 x 0.007 / 0.116 = 0.035 (found by this test)
@example(rows=[(Decimal("0.116"), Decimal("5.561"), Decimal("0"), Decimal("0.561"), Decimal("0.057"))])
def test_the_lists_sql_totals_equal_the_python_figures(org, rows):
    # given an order with these lines (delivered as a share of the ordered quantity: short, exact or over)
    with tenant_context(org), transaction.atomic():
        savepoint = transaction.savepoint()
        order, lines = order_with_lines(org, rows)
        figures = [
            line_figures(
                quantity=line.quantity,
                selling_price=line.selling_price,
                mill_price=line.mill_price,
                commission_per_unit=line.commission_per_unit,
                delivered=line.delivered_quantity,
            )
            for line in lines
        ]
        # when the list's SQL sums them
        totals = (
            Order.objects.filter(pk=order.pk)
            .annotate(t=RawSQL(LINE_TOTALS_SQL, (), output_field=ArrayField(CharField())))  # noqa: S611
            .values_list("t", flat=True)
            .get()
        )
        transaction.savepoint_rollback(savepoint)
    # then every figure is Python's, to the cent and as text with two decimals (NULL where Python has None: no line
    # has the figure), and the counts of lines left out are Python's too
    expected = order_figures(figures, rate=None)
    assert totals[:5] == [_text(getattr(expected, name)) for name in FIGURES]
    assert totals[5] == str(len(rows))
    assert totals[6:] == [str(getattr(expected, name)) for name in COUNTS]
    # and the list's row reads them as the detail does
    listed = Order()
    listed.line_totals = totals
    assert [listed.total_value, listed.total_cost, listed.total_commission] == [
        expected.value,
        expected.cost,
        expected.commission,
    ]
    assert [listed.total_profit, listed.total_realised_profit] == [expected.profit, expected.realised_profit]
    assert [getattr(listed, name) for name in COUNTS] == [getattr(expected, name) for name in COUNTS]


def _text(amount):
    return None if amount is None else f"{amount:.2f}"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a missing mill price: the line's cost and profit are unknown; the order's profit is the other line's
        (
            [(Decimal(1000), Decimal("4.25"), Decimal("3.10"), None, 1), (Decimal(500), Decimal(4), None, None, 1)],
            ["6250.00", "3100.00", "0.00", "1150.00", "1150.00", "2", "1", "0", "1"],
        ),
        # every line without a cost: no cost and no profit at all (not the value)
        ([(Decimal(500), Decimal(4), None, None, 0)], ["2000.00", None, "0.00", None, None, "1", "1", "0", "1"]),
        # no lines: zeros
        ([], ["0.00", "0.00", "0.00", "0.00", "0.00", "0", "0", "0", "0"]),
    ],
)
def test_the_lists_sql_leaves_lines_without_a_cost_out_of_the_profit(org, rows, expected):
    with tenant_context(org):
        order, _ = order_with_lines(org, rows)
        totals = (
            Order.objects.filter(pk=order.pk)
            .annotate(t=RawSQL(LINE_TOTALS_SQL, (), output_field=ArrayField(CharField())))  # noqa: S611
            .values_list("t", flat=True)
            .get()
        )
    assert totals == expected

"""The ledger invariant, over random sequences of moves (Hypothesis): for every balance, the sum of its moves'
quantities and values is the balance's quantity and value; each move's "balance after" is the running sum; a
balance never goes below zero when negative stock is not allowed; and a refused move changes nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradeloom.core.exceptions import ApplicationError
from tradeloom.inventory import services
from tradeloom.inventory.models import StockBalance, StockMove

QUANTITIES = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(500), places=3)
COSTS = st.decimals(min_value=Decimal(0), max_value=Decimal(50), places=4)
MOVE = st.one_of(
    st.tuples(
        st.just("receive"), st.integers(0, 1), st.integers(0, 1), QUANTITIES, st.sampled_from(["m", "yd"]), COSTS
    ),
    st.tuples(st.just("issue"), st.integers(0, 1), st.integers(0, 1), QUANTITIES, st.sampled_from(["m", "yd"]), COSTS),
    st.tuples(st.just("transfer"), st.integers(0, 1), st.integers(0, 1), QUANTITIES, st.just("m"), COSTS),
    st.tuples(st.just("adjust"), st.integers(0, 1), st.integers(0, 1), QUANTITIES, st.just("m"), COSTS),
    st.tuples(st.just("adjust_down"), st.integers(0, 1), st.integers(0, 1), QUANTITIES, st.just("m"), COSTS),
    st.tuples(st.just("reverse"), st.integers(0, 1), st.integers(0, 1), QUANTITIES, st.just("m"), COSTS),
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(MOVE, min_size=1, max_size=12), allow_negative=st.booleans())
def test_the_sum_of_the_moves_is_the_balance(stock, moves, allow_negative):
    s = stock
    try:
        with transaction.atomic():  # every example starts from an empty ledger
            s.org.settings = {"allow_negative_stock": allow_negative}
            _run(s, moves)
            _check(s, allow_negative)
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def _run(s, moves) -> None:
    items = [s.fabric, s.fabric]
    warehouses = [s.store, s.mill]
    units = {"m": s.m, "yd": s.yd}
    sources: list[uuid.UUID] = []
    refusals: list[str] = []
    for kind, w, other, quantity, unit, cost in moves:
        item, warehouse = items[0], warehouses[w]
        try:
            with transaction.atomic():
                if kind == "receive":
                    source = uuid.uuid4()
                    sources.append(source)
                    services.stock_receive(
                        organization=s.org, by=s.owner, warehouse=warehouse, item=item, quantity=quantity,
                        unit=units[unit], unit_cost=cost, source_type="test.receipt", source_id=source,
                        reference="", lot="L" if other else "",
                    )  # fmt: skip
                elif kind == "issue":
                    services.stock_issue(
                        organization=s.org, by=s.owner, warehouse=warehouse, item=item, quantity=quantity,
                        unit=units[unit], source_type="test.issue", source_id=uuid.uuid4(), reference="",
                        lot="L" if other else "",
                    )  # fmt: skip
                elif kind == "transfer":
                    services.stock_transfer(
                        organization=s.org, by=s.owner, from_warehouse=warehouse, to_warehouse=warehouses[1 - w],
                        item=item, quantity=quantity, unit=s.m,
                    )  # fmt: skip
                elif kind in ("adjust", "adjust_down"):
                    services.stock_adjust(
                        organization=s.org, by=s.owner, warehouse=warehouse, item=item,
                        quantity=quantity if kind == "adjust" else -quantity, unit=s.m, reason="count",
                        unit_cost=cost if kind == "adjust" and other else None,
                    )  # fmt: skip
                elif kind == "reverse" and sources:
                    services.stock_moves_reverse(
                        organization=s.org, by=s.owner, source_type="test.receipt",
                        source_id=sources[other % len(sources)], reason="undo",
                    )  # fmt: skip
        except ApplicationError as refused:
            refusals.append(refused.code)
    assert set(refusals) <= {"insufficient_stock", "validation_error"}


def _check(s, allow_negative: bool) -> None:
    for balance in StockBalance.objects.filter(organization=s.org):
        moves = StockMove.objects.filter(balance=balance)
        sums = moves.aggregate(quantity=Sum("quantity"), value=Sum("value"))
        assert (sums["quantity"] or 0) == balance.quantity
        assert (sums["value"] or 0) == balance.value
        assert moves.count() == balance.move_count
        running_quantity, running_value = Decimal(0), Decimal(0)
        for move in moves.order_by("sequence"):
            running_quantity += move.quantity
            running_value += move.value
            assert (move.quantity_after, move.value_after) == (running_quantity, running_value)
        if not allow_negative:
            assert balance.quantity >= 0
            if balance.quantity == 0:
                assert balance.value == 0
        if balance.quantity > 0:
            expected = (balance.value / balance.quantity).quantize(Decimal("0.000001"))
            assert abs(balance.average_unit_cost - expected) <= Decimal("0.000001")

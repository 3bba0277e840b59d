"""The benchmark's purchase orders and stock hold the rules the services would: PO figures the sums of their lines,
numbers without gaps, approvals automatic at or below the limit and a manager's above it, receipts within the ordered
quantities and the status they say; the ledger valued as ``inventory.services`` values it (checked by replaying the
same moves through the services), never below zero, each balance the sum of its moves — and the mill lines are read
an order's mill at a time."""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tradeloom.bench import purchasing as bench
from tradeloom.bench.streams import Ids
from tradeloom.catalog.tests.factories import ItemFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.money import cents
from tradeloom.inventory.models import StockMove
from tradeloom.inventory.services import stock_issue, stock_receive
from tradeloom.inventory.tests.factories import WarehouseFactory
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.purchasing import states
from tradeloom.purchasing.models import Approval
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.roles import Role

TODAY = date(2026, 12, 2)
POS = 1500
ORG = uuid.UUID(int=9)
WAREHOUSES = [uuid.UUID(int=100 + n) for n in range(3)]
ITEMS = [(uuid.UUID(int=1000 + n), uuid.UUID(int=50), Decimal("3.1") + Decimal(n) / 10) for n in range(12)]


def _planner(seed: int = 11) -> tuple[bench.Planner, list[bench.Planned]]:
    rng = random.Random(seed)
    planner = bench.Planner(
        organization_id=ORG,
        rng=rng,
        ids=Ids(rng),
        today=TODAY,
        author_id=uuid.UUID(int=1),
        approver_id=uuid.UUID(int=2),
        warehouses=WAREHOUSES,
    )
    start = TODAY - timedelta(days=2 * 365)
    planned = []
    for n in range(POS):
        day = start + timedelta(days=2 * 365 * n // POS)
        if n % 3 == 0:
            planned.append(bench._stock_po(planner, rng, [uuid.UUID(int=7)], ITEMS, WAREHOUSES, day))
            continue
        lines = [
            {
                "sales_line_id": uuid.UUID(int=rng.getrandbits(100)),
                "quantity": Decimal(rng.randint(5, 500) * 10),
                "unit_id": uuid.UUID(int=51),
                "unit_price": Decimal(rng.randint(150, 900)) / 100,
            }
            for _ in range(rng.randint(1, 4))
        ]
        po = planner.add(
            supplier_id=uuid.UUID(int=8),
            customer_id=uuid.UUID(int=9),
            order_id=uuid.UUID(int=n),
            currency=rng.choice(("USD", "EUR")),
            po_date=day,
            warehouse_id=None,
            lines=lines,
        )
        planned.append(po)
    return planner, planned


@pytest.fixture(scope="module")
def world() -> tuple[bench.Planner, list[bench.Planned]]:
    return _planner()


def test_figures_are_the_sums_of_the_lines_and_numbers_have_no_gaps(world):
    planner, planned = world
    assert [p.po["number"] for p in planned] == [f"PO-{n:06d}" for n in range(1, POS + 1)]
    assert planner.last_number == POS
    for p in planned:
        po = p.po
        assert po["line_count"] == len(p.lines) > 0
        for line in p.lines:
            assert line["amount"] == cents(line["quantity"] * line["unit_price"])
            assert line["tax"] == cents(line["amount"] * po["tax_rate"] / 100)
        assert po["subtotal"] == sum(line["amount"] for line in p.lines)
        assert po["tax"] == sum(line["tax"] for line in p.lines)
        assert po["total"] == po["subtotal"] + po["tax"]
        assert po["po_date"] <= po["due_date"]
        if po["base_total"] is not None:
            assert po["base_total"] == cents(po["total"] * bench.RATES[po["currency"]])


def test_every_status_and_approvals_as_the_limit_says(world):
    _planner, planned = world
    assert set(Counter(p.po["status"] for p in planned)) == set(bench.STATUS_ORDER)
    for p in planned:
        po = p.po
        if po["status"] in (states.DRAFT, states.SUBMITTED) or po["approved_at"] is None:
            assert p.approvals == []
            assert po["status"] in (states.DRAFT, states.SUBMITTED, states.CANCELLED)
            continue
        [approval] = p.approvals
        above = po["base_total"] > bench.LIMIT
        assert approval["decision"] == (Approval.Decision.APPROVED if above else Approval.Decision.AUTO_APPROVED)
        if above:  # never the author's own
            assert approval["decided_by_id"] != po["created_by_id"]
    assert any(p.approvals and p.approvals[0]["decision"] == Approval.Decision.APPROVED for p in planned)
    amended = [p for p in planned if p.amendments]
    assert amended
    assert all(p.po["revision"] == 1 for p in amended)


def test_receipts_stay_within_the_ordered_quantities_and_give_the_status(world):
    _planner, planned = world
    for p in planned:
        received: dict[Any, Decimal] = defaultdict(Decimal)
        for row in p.receipt_lines:
            received[row["po_line_id"]] += row["quantity"]
        for line in p.lines:
            assert line["received_quantity"] == received[line["id"]] <= line["quantity"]
        full = all(line["received_quantity"] == line["quantity"] for line in p.lines)
        if p.po["status"] == states.RECEIVED:
            assert full
        elif p.po["status"] == states.PARTLY_RECEIVED:
            assert not full
            assert p.receipts
        else:
            assert p.receipts == []
        assert [r["number"] for r in p.receipts] == [f"{p.po['number']}-R{n}" for n in range(1, len(p.receipts) + 1)]
        assert all(r["received_on"] <= TODAY for r in p.receipts)


def test_the_ledger_never_goes_below_zero_and_each_balance_is_the_sum_of_its_moves(world):
    planner, _planned = world
    rows = list(bench.ledger(planner))
    moves = [row for kind, row in rows if kind == "move"]
    balances = {row["id"]: row for kind, row in rows if kind == "balance"}
    assert Counter(m["kind"] for m in moves).keys() == {StockMove.Kind.RECEIPT, StockMove.Kind.ISSUE}
    by_balance: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for move in moves:
        by_balance[move["balance_id"]].append(move)
    assert by_balance.keys() == balances.keys()
    for balance_id, own in by_balance.items():
        balance = balances[balance_id]
        assert [m["sequence"] for m in own] == list(range(1, len(own) + 1)) == list(range(1, balance["move_count"] + 1))
        assert sum(m["quantity"] for m in own) == balance["quantity"] >= 0
        assert sum(m["value"] for m in own) == balance["value"]
        quantity = Decimal(0)
        for move in own:
            quantity += move["quantity"]
            assert move["quantity_after"] == quantity >= 0
        assert [m["moved_on"] for m in own] == sorted(m["moved_on"] for m in own)


@pytest.mark.django_db
def test_the_ledger_is_valued_as_the_inventory_services_value_it(org, member):
    """A few receipts and issues of one item, planned by the generator and posted through the services: the same
    values, average and balance."""
    by = member(Role.OWNER)
    with tenant_context(org):
        warehouse = WarehouseFactory(organization=org)
        item = ItemFactory(organization=org)
    rng = random.Random(5)
    planner = bench.Planner(
        organization_id=org.pk,
        rng=rng,
        ids=Ids(rng),
        today=TODAY,
        author_id=by.user_id,
        approver_id=by.user_id,
        warehouses=[warehouse.pk],
    )
    day = date(2026, 3, 1)
    for n, (quantity, cost) in enumerate(
        [(Decimal(100), Decimal("2.5")), (Decimal(40), None), (Decimal("33.333"), Decimal("2.91")), (Decimal(70), None)]
    ):
        planner.events.append(
            bench.StockEvent(day + timedelta(days=n), n, warehouse.pk, item.pk, item.unit_id, quantity, cost, None, "x")
        )
    planned = [row for kind, row in bench.ledger(planner) if kind == "move"]
    with tenant_context(org):
        posted = []
        for event in planner.events:
            common = {"organization": org, "by": by, "warehouse": warehouse, "item": item, "unit": item.unit}
            if event.unit_cost is None:
                posted.append(
                    stock_issue(**common, quantity=event.quantity, source_type="", source_id=None, reference="x")
                )
            else:
                posted.append(
                    stock_receive(
                        **common,
                        quantity=event.quantity,
                        unit_cost=event.unit_cost,
                        source_type="",
                        source_id=None,
                        reference="x",
                    )
                )
    for mine, theirs in zip(planned, posted, strict=True):
        assert (mine["quantity"], mine["value"], mine["unit_cost"], mine["quantity_after"], mine["value_after"]) == (
            theirs.quantity,
            theirs.value,
            theirs.unit_cost,
            theirs.quantity_after,
            theirs.value_after,
        )


@pytest.mark.django_db
def test_the_mill_lines_are_read_an_orders_mill_at_a_time(org):
    with tenant_context(org):
        mill, other = SupplierFactory(organization=org), SupplierFactory(organization=org)
        first = LineFactory(organization=org, supplier=mill, mill_price=Decimal("3.4"))
        LineFactory(organization=org, style=first.style, supplier=mill, mill_price=Decimal("3.6"))
        LineFactory(organization=org, style=first.style, supplier=other, mill_price=Decimal("2.0"))
        LineFactory(organization=org, style=first.style, supplier=None, mill_price=None)  # bought by nobody
        with connection.cursor() as cursor:
            cursor.execute(bench.LINES_SQL, {"org": org.pk})
            rows = cursor.fetchall()
    assert sorted((row[4], len(row[5])) for row in rows) == sorted([(mill.pk, 2), (other.pk, 1)])
    assert {row[0] for row in rows} == {first.order_id}

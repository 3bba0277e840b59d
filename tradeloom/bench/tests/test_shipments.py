"""The benchmark's shipments hold the rules the services would: about one per three orders, one customer each, valid
container and air waybill numbers, a B/L or AWB once per carrier, sea-only Incoterms at sea, dates in the order
their moves record them and the status they say, totals and search keys as the services compute them, numbers per
year without gaps — and the order lines' shipped and delivered-to-buyer figures are the shipment lines'."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tradeloom.bench import shipments as bench
from tradeloom.bench.streams import Ids
from tradeloom.core.context import tenant_context
from tradeloom.logistics import states
from tradeloom.logistics.codes import (
    SEA_ONLY_INCOTERMS,
    transport_document_normalise,
    validate_awb_number,
    validate_container_number,
)
from tradeloom.logistics.tests.factories import ShipmentFactory, ShipmentLineFactory
from tradeloom.sales.models import Line, Order
from tradeloom.sales.tests.factories import LineFactory, OrderFactory

TODAY = date(2026, 12, 2)
ORDERS = 3000
ORG = uuid.UUID(int=5)


def _carriers() -> dict[str, list[bench.CarrierRow]]:
    by_mode: dict[str, list[bench.CarrierRow]] = {}
    for _code, _name, mode, prefix, owner in bench.CARRIERS:
        by_mode.setdefault(mode, []).append(bench.CarrierRow(uuid.uuid4(), mode, prefix, owner))
    return by_mode


def _orders(seed: int = 7) -> list[bench.OrderRow]:
    """Orders over three years, oldest first, as the generator makes them (ETD 30 to 150 days after the order)."""
    rng = random.Random(seed)
    customers = [uuid.uuid4() for _ in range(40)]
    start = TODAY - timedelta(days=3 * 365)
    orders = []
    for n in range(ORDERS):
        day = start + timedelta(days=3 * 365 * n // ORDERS)
        lines = tuple((uuid.uuid4(), Decimal(rng.randint(5, 500) * 10)) for _ in range(rng.randint(1, 6)))
        orders.append(
            bench.OrderRow(
                id=uuid.uuid4(),
                created_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(seconds=n),
                customer_id=rng.choice(customers),
                etd=day + timedelta(days=rng.randint(30, 150)),
                lines=lines,
            )
        )
    return orders


def _plan(orders: list[bench.OrderRow], carriers: dict[str, list[bench.CarrierRow]], seed: int = 42) -> list[Any]:
    rng = random.Random(seed)
    planner = bench.Planner(organization_id=ORG, carriers=carriers, rng=rng, ids=Ids(rng), today=TODAY)
    planned = [p for p in (planner.add(order) for order in orders) if p is not None]
    return [planned, planner]


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    orders, carriers = _orders(), _carriers()
    planned, planner = _plan(orders, carriers)
    return {"orders": orders, "carriers": carriers, "planned": planned, "planner": planner}


def test_about_one_order_in_three_is_shipped_some_with_another_order_of_their_customer(world):
    planned, orders = world["planned"], {o.id: o for o in world["orders"]}
    assert ORDERS / 3 * 0.85 < len(planned) < ORDERS / 3 * 1.05
    multi = [p for p in planned if len({row["order_id"] for row in p.lines}) > 1]
    assert 0.05 * len(planned) < len(multi) < 0.15 * len(planned)
    for p in planned:
        assert {orders[row["order_id"]].customer_id for row in p.lines} == {p.shipment["customer_id"]}
    # a line is on one shipment at most, in part or in full, never beyond its quantity
    shipped = Counter(row["line_id"] for p in planned for row in p.lines)
    assert set(shipped.values()) == {1}
    ordered = {line_id: quantity for o in orders.values() for line_id, quantity in o.lines}
    quantities = [(row["quantity"], ordered[row["line_id"]]) for p in planned for row in p.lines]
    assert all(0 < q <= whole for q, whole in quantities)
    assert 0.2 < sum(q < whole for q, whole in quantities) / len(quantities) < 0.4


def test_every_status_comes_with_the_dates_its_moves_record(world):
    planned = world["planned"]
    by_status = Counter(p.shipment["status"] for p in planned)
    assert set(by_status) == set(states.LABELS)
    for p in planned:
        s = p.shipment
        assert s["etd"] <= s["eta"]
        assert s["created_at"].date() <= TODAY
        assert s["etd"] >= s["created_at"].date()
        recorded = [s["departed_on"], s["arrived_on"], s["delivered_on"]]
        assert all(day is None or day <= TODAY for day in recorded)
        assert [day for day in recorded if day is not None] == sorted(day for day in recorded if day is not None)
        expected = {
            states.BOOKED: (False, False, False),
            states.CANCELLED: (False, False, False),
            states.IN_TRANSIT: (True, False, False),
            states.RETURNED: (True, False, False),
            states.ARRIVED: (True, True, False),
            states.DELIVERED: (True, True, True),
        }[s["status"]]
        assert tuple(day is not None for day in recorded) == expected, s
        assert bool(s["status_reason"]) == (s["status"] in (states.CANCELLED, states.RETURNED))
        if s["status"] == states.IN_TRANSIT:
            assert s["eta"] > TODAY
        if s["status"] == states.BOOKED and s["etd"] < TODAY:
            assert s["etd"] >= TODAY - timedelta(days=30)  # the few still booked after their ETD, within a month
    late = [p for p in planned if p.shipment["status"] == states.BOOKED and p.shipment["etd"] < TODAY]
    assert late, "some shipments are still booked after their ETD (the not-departed alert's)"


def test_codes_pass_their_checks_and_a_transport_document_is_once_per_carrier(world):
    planned = world["planned"]
    for p in planned:
        s = p.shipment
        numbers = [c["number"] for c in p.containers]
        for number in numbers:
            validate_container_number(number)
        assert len(set(numbers)) == len(numbers)
        assert bool(p.containers) == (s["mode"] in ("sea", "road"))
        if s["mode"] == "air":
            validate_awb_number(s["transport_document_number"])
            assert s["flight_number"]
        if s["incoterm"] in SEA_ONLY_INCOTERMS:
            assert s["mode"] == "sea"
        assert s["transport_document_key"] == s["transport_document_number"].replace(" ", "").replace("-", "").upper()
        container_ids = {c["id"] for c in p.containers}
        assert all(row.get("container_id") in container_ids for row in p.lines) if p.containers else True
    keys = Counter(
        (p.shipment["carrier_id"], p.shipment["transport_document_key"])
        for p in planned
        if p.shipment["transport_document_key"]
    )
    assert max(keys.values()) == 1


def test_totals_document_keys_and_numbers_are_as_the_services_make_them(world):
    planned, planner = world["planned"], world["planner"]
    for p in planned:
        s, rows = p.shipment, p.lines
        assert s["line_count"] == len(rows)
        assert s["total_cartons"] == sum(r["cartons"] for r in rows)
        assert s["total_gross_kg"] == sum(r["gross_weight_kg"] for r in rows)
        assert s["total_net_kg"] == sum(r["net_weight_kg"] for r in rows)
        assert s["total_cbm"] == sum(r["volume_cbm"] for r in rows)
        assert all(r["net_weight_kg"] <= r["gross_weight_kg"] for r in rows)
        assert [r["position"] for r in rows] == list(range(len(rows)))
        assert s["transport_document_key"] == transport_document_normalise(s["transport_document_number"])
        assert [d["kind"] for d in p.documents] == [kind for kind, _ in bench.CHECKLIST]
        for revision in p.revisions:
            assert revision["previous_etd"] <= revision["previous_eta"] < revision["eta"] == s["eta"]
            assert s["created_at"].date() <= revision["revised_on"] <= TODAY
    # per year of booking: SH-<year>-00001 on without a gap; the sequences end where the numbers do
    by_year: dict[int, list[int]] = {}
    for p in planned:
        _, year, serial = p.shipment["number"].split("-")
        assert int(year) == p.shipment["created_at"].year
        by_year.setdefault(int(year), []).append(int(serial))
    assert {year: sorted(serials) for year, serials in by_year.items()} == {
        year: list(range(1, len(serials) + 1)) for year, serials in by_year.items()
    }
    assert planner.sequences == {year: len(serials) for year, serials in by_year.items()}


def test_the_same_orders_give_the_same_shipments(world):
    # generated with the orders or added to a data set later: the stream is the shipments' own
    again, _ = _plan(world["orders"], world["carriers"])
    assert [p.shipment for p in again] == [p.shipment for p in world["planned"]]
    assert [p.lines for p in again] == [p.lines for p in world["planned"]]


def test_lines_that_cannot_be_shipped_are_left_out():
    rows = [
        (uuid.uuid4(), datetime(2026, 1, 1, tzinfo=UTC), uuid.uuid4(), date(2026, 3, 1), ids, quantities, statuses)
        for ids, quantities, statuses in [
            ([1, 2, 3], [Decimal(10), Decimal(20), Decimal(0)], ["bulk", "archived", "completed"]),
            ([4], [Decimal(5)], ["archived"]),
        ]
    ]
    orders = list(bench.order_rows(rows))
    assert [o.lines for o in orders] == [((1, Decimal(10)),), ()]
    planner = bench.Planner(
        organization_id=uuid.uuid4(), carriers=_carriers(), rng=random.Random(1), ids=uuid.uuid4, today=TODAY
    )
    assert planner.add(orders[1]) is None


# --- the lines' figures, set from the shipment lines in one statement --------------------------------------------
@pytest.mark.django_db
def test_the_lines_figures_are_their_shipment_lines(org):
    with tenant_context(org):
        booked = ShipmentFactory(organization=org, status=states.BOOKED)
        delivered = ShipmentFactory(organization=org, customer=booked.customer, status=states.DELIVERED)
        cancelled = ShipmentFactory(organization=org, customer=booked.customer, status=states.CANCELLED)
        line = LineFactory(organization=org, style__order__customer=booked.customer, quantity=Decimal(1000))
        untouched = LineFactory(organization=org, quantity=Decimal(1000))
        for shipment, quantity in ((booked, 300), (delivered, 200), (cancelled, 400)):
            ShipmentLineFactory(
                organization=org, shipment=shipment, line=line, order=line.order, quantity=Decimal(quantity)
            )
    with tenant_context(org), connection.cursor() as cursor:
        cursor.execute(bench.LINE_FIGURES_SQL, {"org": org.pk})
        assert cursor.rowcount == 1
        cursor.execute(bench.LINE_FIGURES_SQL, {"org": org.pk})
        assert cursor.rowcount == 0  # already right: not written again
        cursor.execute(
            "SELECT id, shipped_quantity, buyer_delivered_quantity FROM sales_line WHERE id = ANY(%s)",
            [[line.pk, untouched.pk]],
        )
        figures = {row[0]: row[1:] for row in cursor.fetchall()}
    # shipped: the booked and the delivered shipments (not the cancelled one); delivered: the delivered one
    assert figures[line.pk] == (Decimal(500), Decimal(200))
    assert figures[untouched.pk] == (Decimal(0), Decimal(0))
    with tenant_context(org):
        assert Line.objects.get(pk=line.pk).shipped_quantity == Decimal(500)


@pytest.mark.django_db
def test_the_orders_are_read_oldest_first_without_the_benchmarks_own_or_cancelled_or_deleted_ones(org):
    cases = {
        "late": {},
        "early": {},
        "detail": {"po_number": "BENCH-DETAIL-20"},
        "created": {"po_number": "BENCH-CREATE"},
        "cancelled": {"status": "cancelled"},
        "deleted": {"archived_at": datetime(2025, 1, 1, tzinfo=UTC)},
        "no etd": {"etd": None},
    }
    with tenant_context(org):
        made = {}
        for name, extra in cases.items():
            order = OrderFactory(organization=org, **({"etd": date(2025, 6, 1)} | extra))
            LineFactory(organization=org, style__order=order)
            made[name] = order
        # as generated: the early order placed a year before the late one
        Order.objects.filter(pk=made["early"].pk).update(created_at=datetime(2024, 3, 1, tzinfo=UTC))
        Order.objects.filter(pk=made["late"].pk).update(created_at=datetime(2025, 3, 1, tzinfo=UTC))
        with connection.cursor() as cursor:
            cursor.execute(bench.ORDERS_SQL, {"org": org.pk})
            orders = list(bench.order_rows(cursor.fetchall()))
    assert [o.id for o in orders] == [made["early"].pk, made["late"].pk]
    assert all(len(o.lines) == 1 for o in orders)

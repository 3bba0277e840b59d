"""The benchmark's invoices, payments and letters of credit hold the rules the services would: one invoice per
shipment that left, its figures the sums of its lines, numbers per year without gaps, due dates from the B/L date;
payments allocated within their amount and the invoice's total, at the rates the allocation service records, older
invoices mostly paid and recent ones mostly open; LCs within their dates and amount, their status what their drawing
and dates say, amended ones at revision 1 — and the shipments are read oldest first, priced from their order
lines."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tradeloom.bench import finance as bench
from tradeloom.bench.streams import Ids
from tradeloom.core.context import tenant_context
from tradeloom.core.money import cents
from tradeloom.invoicing import states as invoice_states
from tradeloom.lcs import states as lc_states
from tradeloom.logistics import states as shipment_states
from tradeloom.logistics.tests.factories import ShipmentFactory, ShipmentLineFactory
from tradeloom.sales.tests.factories import LineFactory

TODAY = date(2026, 12, 2)
SHIPMENTS = 2000
ORG = uuid.UUID(int=9)


def _shipments(seed: int = 3) -> list[bench.ShipmentRow]:
    """Shipments over two years, oldest first, one to four lines each, as the shipments step leaves them."""
    rng = random.Random(seed)

    def uuid4() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    customers = [uuid4() for _ in range(30)]
    start = TODAY - timedelta(days=2 * 365)
    rows = []
    for n in range(SHIPMENTS):
        order = uuid4()
        lines = tuple(
            (
                order,
                uuid4(),
                uuid4(),
                Decimal(rng.randint(5, 500) * 10),
                Decimal(rng.randint(150, 900)) / 100,
                Decimal(rng.choice((0, 0, 5, 15))),
                "m",
                "NAVY",
            )
            for _ in range(rng.randint(1, 4))
        )
        departed = start + timedelta(days=2 * 365 * n // SHIPMENTS)
        rows.append(bench.ShipmentRow(uuid4(), rng.choice(customers), departed, "USD", lines))
    return rows


def _plan(seed: int = 11) -> list[bench.Planned]:
    rng = random.Random(seed)
    planner = bench.Planner(organization_id=ORG, rng=rng, ids=Ids(rng), today=TODAY)
    return [p for s in _shipments() if (p := planner.add(s)) is not None]


@pytest.fixture(scope="module")
def world() -> list[bench.Planned]:
    return _plan()


def test_one_invoice_per_shipment_its_figures_the_sums_of_its_lines(world):
    assert len(world) == SHIPMENTS
    assert len({p.invoice["shipment_id"] for p in world}) == SHIPMENTS
    for planned in world:
        invoice, lines = planned.invoice, planned.lines
        assert invoice["line_count"] == len(lines) > 0
        assert invoice["subtotal"] == sum(line["amount"] for line in lines)
        assert invoice["tax"] == sum(line["tax"] for line in lines)
        assert invoice["total"] == invoice["subtotal"] + invoice["tax"]
        for line in lines:
            assert line["amount"] == cents(line["quantity"] * line["unit_price"])
            assert line["tax"] == cents(line["amount"] * line["tax_rate"] / 100)
        assert invoice["issue_date"] <= TODAY
        assert invoice["due_basis"] == "bl_date"
        assert invoice["due_date"] == invoice["issue_date"] + timedelta(days=invoice["due_days"])
        assert invoice["due_days"] in bench.DUE_DAYS


def test_numbers_run_per_year_without_gaps(world):
    for key, prefix, rows in (
        ("number", "INV", [p.invoice for p in world]),
        ("number", "RCPT", [r for p in world for r in p.payments]),
        ("number", "LC", [r for p in world for r in p.lcs]),
    ):
        by_year: dict[str, list[int]] = {}
        for row in rows:
            head, year, n = row[key].split("-")
            assert head == prefix
            by_year.setdefault(year, []).append(int(n))
        for numbers in by_year.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_payments_are_allocated_within_their_amount_and_the_invoices_total(world):
    payments = {r["id"]: r for p in world for r in p.payments}
    allocated: Counter[Any] = Counter()
    for planned in world:
        invoice = planned.invoice
        paid = sum((a["amount"] for a in planned.allocations), Decimal(0))
        assert invoice["paid_amount"] == paid <= invoice["total"]
        expected = (
            invoice_states.PAID
            if paid == invoice["total"]
            else invoice_states.PARTLY_PAID
            if paid
            else invoice_states.ISSUED
        )
        assert invoice["status"] == expected
        for allocation in planned.allocations:
            payment = payments[allocation["payment_id"]]
            allocated[payment["id"]] += allocation["amount"]
            assert allocation["payment_rate"] == payment["exchange_rate"]
            assert allocation["fx_difference"] == cents(
                allocation["amount"] * (allocation["payment_rate"] - allocation["invoice_rate"])
            )
            assert invoice["issue_date"] <= payment["received_on"] <= TODAY
    for payment in payments.values():
        assert payment["allocated_amount"] == allocated[payment["id"]] <= payment["amount"]
        assert 0 <= payment["bank_charges"] <= payment["amount"]
        assert payment["exchange_rate"] > 0
    assert any(p["amount"] > p["allocated_amount"] for p in payments.values())  # some credit kept on customers


def test_older_invoices_are_mostly_paid_so_the_ageing_fills_every_bucket(world):
    def paid_share(rows):
        return sum(r["status"] == invoice_states.PAID for r in rows) / len(rows)

    invoices = [p.invoice for p in world]
    long_due = [i for i in invoices if (TODAY - i["due_date"]).days >= 30]
    not_due = [i for i in invoices if i["due_date"] > TODAY]
    assert paid_share(long_due) > 0.75 > 0.3 > paid_share(not_due)
    buckets = Counter()
    for invoice in invoices:
        if invoice["status"] in invoice_states.OPEN:
            days = (TODAY - invoice["due_date"]).days
            buckets[
                next(b for b, low in (("90+", 91), ("61-90", 61), ("31-60", 31), ("1-30", 1)) if days >= low)
                if days > 0
                else "current"
            ] += 1
    assert set(buckets) == {"current", "1-30", "31-60", "61-90", "90+"}


def test_letters_of_credit_keep_their_dates_amount_and_status(world):
    backed = [p for p in world if p.lcs]
    assert 0.15 < len(backed) / len(world) < 0.25
    amended = 0
    for planned in backed:
        (lc,), (utilisation,), invoice = planned.lcs, planned.utilisations, planned.invoice
        assert lc["issue_date"] < invoice["issue_date"] <= lc["latest_shipment_date"] <= lc["expiry_date"]
        assert utilisation["amount"] == lc["utilised_amount"] == invoice["total"] <= lc["amount"]
        assert utilisation["shipment_id"] == invoice["shipment_id"]
        assert invoice["letter_of_credit_id"] == lc["id"]
        assert invoice["lc_utilisation_id"] == utilisation["id"]
        assert (lc["usance_days"] is not None) == (lc["kind"] == "usance")
        floor = lc["amount"] - cents(lc["amount"] * lc["tolerance_percent"] / 100)
        if lc["utilised_amount"] >= floor:
            assert lc["status"] == lc_states.UTILISED
        else:
            assert lc["status"] == (lc_states.EXPIRED if lc["expiry_date"] < TODAY else lc_states.ISSUED)
        assert {r["order_id"] for r in planned.lc_orders} == {line["order_id"] for line in planned.lines}
        assert lc["revision"] == len(planned.amendments)
        for amendment in planned.amendments:
            amended += 1
            assert (amendment["revision"], amendment["status"]) == (1, "accepted")
            assert lc["issue_date"] <= amendment["issue_date"] <= invoice["issue_date"]
            old, new = amendment["changes"].obj["expiry_date"]
            assert new == lc["expiry_date"].isoformat() > old  # the row holds the amended terms
        for payment in planned.payments:
            assert payment["method"] == "lc_proceeds"
    assert 0.2 < amended / len(backed) < 0.4


def test_the_same_shipments_give_the_same_finance():
    first, second = _plan(), _plan()
    assert [p.invoice for p in first] == [p.invoice for p in second]
    assert [p.payments for p in first] == [p.payments for p in second]


def test_a_shipment_leaving_after_today_is_not_invoiced():
    later = bench.ShipmentRow(uuid.uuid4(), uuid.uuid4(), TODAY + timedelta(days=1), "USD", _shipments()[0].lines)
    planner = bench.Planner(organization_id=uuid.uuid4(), rng=random.Random(1), ids=uuid.uuid4, today=TODAY)
    assert planner.add(later) is None


@pytest.mark.django_db
def test_the_shipments_are_read_oldest_first_priced_from_their_order_lines(org):
    with tenant_context(org):
        late = ShipmentFactory(organization=org, status=shipment_states.IN_TRANSIT, departed_on=date(2026, 5, 2))
        early = ShipmentFactory(
            organization=org, customer=late.customer, status=shipment_states.DELIVERED, departed_on=date(2026, 3, 1)
        )
        booked = ShipmentFactory(organization=org, customer=late.customer, status=shipment_states.BOOKED)
        cancelled = ShipmentFactory(
            organization=org, customer=late.customer, status=shipment_states.CANCELLED, departed_on=None
        )
        line = LineFactory(
            organization=org,
            style__order__customer=late.customer,
            quantity=Decimal(1000),
            selling_price=Decimal("4.25"),
        )
        for shipment in (late, early, booked, cancelled):
            ShipmentLineFactory(organization=org, shipment=shipment, line=line, order=line.order, quantity=Decimal(400))
        with connection.cursor() as cursor:
            cursor.execute(bench.SHIPMENTS_SQL, {"org": org.pk})
            rows = list(bench.shipment_rows(cursor.fetchall()))
    assert [r.id for r in rows] == [early.pk, late.pk]
    order_id, line_id, _sl, quantity, price, tax_rate, unit, text = rows[0].lines[0]
    assert (order_id, line_id, quantity, price) == (line.order_id, line.pk, Decimal(400), Decimal("4.25"))
    assert tax_rate == line.order.tax_rate
    assert (unit, text) == (line.unit.code, line.colour_code)
    assert rows[0].currency == line.order.currency

"""The benchmark's T&A plans and work orders hold the rules the services would: planned dates counted back from the
ETD, forecasts and slippage as ``tna.planning`` propagates them, done milestones with their actual date; work-order
totals the sums of their entries, progress and the late flag as ``production.services.figures`` says — and the
orders are read an order's mill at a time."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection

from tradeloom.bench import production as bench
from tradeloom.bench.streams import Ids
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.production import states
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tna import planning
from tradeloom.tna.models import STANDARD_MILESTONES

TODAY = date(2026, 12, 2)
ORG = uuid.UUID(int=9)


def _plans(count: int = 300) -> list[tuple[dict, list[dict]]]:
    rng = random.Random(5)
    ids = Ids(rng)
    plans = []
    for n in range(count):
        etd = TODAY + timedelta(days=n - count // 2)
        order = (uuid.UUID(int=n), etd, etd - timedelta(days=90), uuid.UUID(int=3), etd - timedelta(days=95))
        plans.append(
            bench.plan_rows(rng=rng, ids=ids, organization_id=ORG, order=order, today=TODAY, author_id=uuid.UUID(int=1))
        )
    return plans


def test_plans_count_back_from_the_etd_and_forecast_as_planning_does():
    statuses = Counter()
    for plan, milestones in _plans():
        assert [m["code"] for m in milestones] == [code for code, *_ in STANDARD_MILESTONES]
        for m in milestones:
            assert m["planned_date"] == plan["etd"] + timedelta(days=m["offset_days"])
            assert (m["status"] == "done") == (m["actual_date"] is not None)
            assert m["actual_date"] is None or m["actual_date"] <= TODAY
            assert m["actual_date"] is None or m["planned_date"] < TODAY  # only what was due is done
            if m["planned_date"] < TODAY - timedelta(days=42):
                assert m["status"] == "done"  # an old plan is complete: late ones are recent
            statuses[m["status"]] += 1
        rows = [
            planning.Row(m["code"], m["planned_date"], tuple(m["depends_on"]), m["actual_date"]) for m in milestones
        ]
        expected = planning.forecast(rows, today=TODAY)
        assert {m["code"]: (m["forecast_date"], m["slippage_days"]) for m in milestones} == {
            code: tuple(f) for code, f in expected.items()
        }
    assert statuses["done"] > 0
    assert statuses["pending"] > 0
    # some plans slipped: a pending milestone whose forecast is after its planned date
    assert any(m["slippage_days"] > 0 and m["status"] == "pending" for _, ms in _plans() for m in ms)


def test_work_orders_carry_the_sums_of_their_entries_and_the_figures_of_the_services():
    rng = random.Random(8)
    ids = Ids(rng)
    seen = Counter()
    for n in range(400):
        created = TODAY - timedelta(days=n // 2)
        order = (
            uuid.UUID(int=n),
            created + timedelta(days=75),
            uuid.UUID(int=7),
            [uuid.UUID(int=1000 + n), uuid.UUID(int=2000 + n)],
            [Decimal(1200), Decimal(800)],
            [uuid.UUID(int=50), uuid.UUID(int=50)],
            None,
            created,
        )
        wo, lines, entries = bench.work_order_rows(
            rng=rng, ids=ids, organization_id=ORG, number=f"WO-{n + 1:06d}", order=order, today=TODAY, author_id=None
        )
        assert wo["quantity"] == sum(line["quantity"] for line in lines) == Decimal(2000)
        for key in ("knitted", "dyed", "finished"):
            assert wo[f"{key}_quantity"] == sum((e[key] for e in entries), Decimal(0))
        assert all(e["produced_on"] < TODAY and bench.WEEK.is_working(e["produced_on"]) for e in entries)
        # the goods go through the processes in order: never more dyed than knitted, nor finished than dyed
        assert wo["finished_quantity"] <= wo["dyed_quantity"] <= wo["knitted_quantity"]
        assert wo["progress_percent"] == (wo["finished_quantity"] * 100 / wo["quantity"]).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert (wo["status"] == states.COMPLETED) == (wo["finished_quantity"] >= wo["quantity"])
        assert wo["is_late"] is False or wo["status"] in states.OPEN
        seen[wo["status"]] += 1
        seen["late"] += wo["is_late"]
    assert {states.IN_PROGRESS, states.COMPLETED, states.PENDING} <= set(seen)
    assert seen["late"] > 0


@pytest.mark.django_db
def test_the_orders_are_read_with_an_etd_one_mill_at_a_time(org):
    with tenant_context(org):
        mill, other = SupplierFactory(organization=org), SupplierFactory(organization=org)
        first = LineFactory(organization=org, supplier=mill)
        order = first.order
        order.etd = TODAY
        order.save(update_fields=["etd"])
        LineFactory(organization=org, style=first.style, supplier=mill)
        LineFactory(organization=org, style=first.style, supplier=other)
        LineFactory(organization=org, style=first.style, supplier=None)
        LineFactory(organization=org)  # another order without an ETD: no plan, no work order
        with connection.cursor() as cursor:
            cursor.execute(bench.ORDERS_SQL, {"org": org.pk})
            rows = cursor.fetchall()
    assert {row[0] for row in rows} == {order.pk}
    assert sorted((str(row[5]), len(row[6])) for row in rows) == sorted(
        [("None", 1), (str(mill.pk), 2), (str(other.pk), 1)]
    )

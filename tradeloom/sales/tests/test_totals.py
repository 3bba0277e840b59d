"""``sales_ordertotals`` (``sales.totals``): every order's row equals the orders list's totals and Python's figures,
whichever way the order or its lines change, and the database runs the functions this code installs."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tradeloom.catalog.models import ExchangeRate, UnitOfMeasure
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.context import tenant_context
from tradeloom.sales import totals
from tradeloom.sales.models import Line, Order, OrderTotals, StageTotals
from tradeloom.sales.money import COUNTS, FIGURES, line_figures, order_figures
from tradeloom.sales.services import delivery_record, line_transition, line_update, order_create, order_stage_change
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory, committed_order, order_with_lines
from tradeloom.sales.tests.strategies import prices, quantities
from tradeloom.tenancy.models import Organization
from tradeloom.testing.summaries import assert_installed

pytestmark = pytest.mark.django_db

statuses = st.sampled_from([s for s, _ in Line.Status.choices])
etds = st.one_of(st.none(), st.just(date(2026, 12, 1)))
lines = st.lists(
    st.tuples(quantities, prices, prices, prices, st.decimals(min_value=0, max_value=2, places=3), statuses, etds),
    max_size=6,
)


def row_of(order: Order) -> dict:
    return OrderTotals.objects.filter(order=order).values().get()


def expected_figures(line_rows: list[Line]) -> dict:
    figures = order_figures(
        [
            line_figures(
                quantity=line.quantity,
                selling_price=line.selling_price,
                mill_price=line.mill_price,
                commission_per_unit=line.commission_per_unit,
                delivered=line.delivered_quantity,
            )
            for line in line_rows
        ],
        rate=None,
    )
    expected = {name if name != "realised_profit" else "realised_profit": getattr(figures, name) for name in FIGURES}
    expected |= {name: getattr(figures, name) for name in COUNTS}
    expected["line_count"] = len(line_rows)
    expected["open_lines_without_etd"] = sum(
        1
        for line in line_rows
        if line.etd is None and line.status not in ("completed", "archived") and line.delivered_quantity < line.quantity
    )
    return expected


def figures_of(row: dict) -> dict:
    return {name: row[name] for name in (*FIGURES, *COUNTS, "line_count", "open_lines_without_etd")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=lines)
@example(rows=[(Decimal(3), Decimal("0.335"), Decimal("0.105"), None, Decimal("0.5"), "running", None)])
@example(rows=[(Decimal("0.116"), Decimal("5.561"), Decimal("0"), Decimal("0.561"), Decimal("0.057"), "bulk", None)])
@example(rows=[(Decimal(500), Decimal(4), None, None, Decimal(0), "upcoming", None)])
@example(rows=[])
def test_an_orders_row_holds_python_s_figures_for_any_lines(org, rows):
    # given an order with these lines, inserted one by one (a trigger per statement)
    with tenant_context(org), transaction.atomic():
        savepoint = transaction.savepoint()
        order, created = order_with_lines(org, rows)
        # when the row is read
        row = row_of(order)
        transaction.savepoint_rollback(savepoint)
    # then it holds Python's figures, to the cent, None where no line has the figure
    assert figures_of(row) == expected_figures(created)


def test_a_new_order_has_a_row_with_its_columns_and_zeros(org, member):
    merchandiser = member()
    with tenant_context(org):
        order = OrderFactory(
            organization=org, merchandiser=merchandiser, stage="sampling", etd=date(2026, 12, 20), currency="EUR"
        )
        row = row_of(order)
    assert row["organization_id"] == org.pk
    assert (row["customer_id"], row["merchandiser_id"]) == (order.customer_id, merchandiser.pk)
    assert (row["currency"], row["order_date"], row["etd"]) == ("EUR", order.order_date, date(2026, 12, 20))
    assert (row["status"], row["stage"], row["archived_at"]) == ("open", "sampling", None)
    assert figures_of(row) == {**dict.fromkeys(figures_of(row), 0)}


def test_the_create_service_s_bulk_inserts_are_summed_once_per_order(org, owner):
    # given
    with tenant_context(org):
        customer = OrderFactory(organization=org).customer
        unit = UnitOfMeasure.objects.create(organization=org, code="m", name="Metre", dimension="length", factor=1)
        # when an order with two styles and three lines is created
        order = order_create(
            organization=org,
            by=owner,
            styles=[
                {
                    "style_number": "A",
                    "lines": [
                        {
                            "colour_code": "NAVY",
                            "quantity": Decimal(1000),
                            "unit": unit,
                            "selling_price": Decimal(4),
                            "mill_price": Decimal(3),
                        },
                        {"colour_code": "RED", "quantity": Decimal(500), "unit": unit, "selling_price": Decimal(2)},
                    ],
                },
                {"style_number": "B", "lines": [{"colour_code": "SKY", "quantity": Decimal(10), "unit": unit}]},
            ],
            data={"po_number": "PO-1", "customer": customer, "currency": "USD", "order_date": date(2026, 11, 2)},
        ).order
        row = row_of(order)
    # then its row has every line: 4000 + 1000 value, one cost, one price missing, two lines out of the profit
    assert (row["value"], row["cost"], row["profit"]) == (Decimal("5000.00"), Decimal("3000.00"), Decimal("1000.00"))
    assert (row["line_count"], row["cost_missing_lines"], row["price_missing_lines"]) == (3, 2, 1)
    assert (row["profit_left_out_lines"], row["open_lines_without_etd"]) == (2, 3)


def test_a_lines_change_deliveries_status_and_deletion_move_its_orders_row(org, owner):
    with tenant_context(org):
        line = LineFactory(
            organization=org, quantity=Decimal(1000), selling_price=Decimal(4), mill_price=Decimal(3), status="bulk"
        )
        order = line.order
        assert row_of(order)["profit"] == Decimal("1000.00")
        # a price changed through the service
        line_update(line=line, by=owner, data={"selling_price": Decimal(5)})
        assert row_of(order)["profit"] == Decimal("2000.00")
        # a delivery of 250: a quarter of the profit is realised
        delivery_record(line=line, by=owner, date=date(2026, 11, 20), quantity=Decimal(250), unit=line.unit)
        assert row_of(order)["realised_profit"] == Decimal("500.00")
        assert row_of(order)["open_lines_without_etd"] == 1
        # completed: no longer open
        line_transition(line=Line.objects.get(pk=line.pk), status="completed", by=owner)
        assert row_of(order)["open_lines_without_etd"] == 0
        # an ETD on a second line, set with QuerySet.update(): it is no longer due on the order's ETD
        other = LineFactory(organization=org, style=line.style, order=order, quantity=Decimal(10))
        assert row_of(order)["open_lines_without_etd"] == 1
        Line.objects.filter(pk=other.pk).update(etd=date(2026, 12, 1))
        assert row_of(order)["open_lines_without_etd"] == 0
        # a line deleted
        other.delete()
        row = row_of(order)
    assert (row["line_count"], row["value"]) == (1, Decimal("5000.00"))


def test_a_change_to_a_column_that_is_not_a_figure_writes_no_new_row_version(org):
    with tenant_context(org):
        line = LineFactory(organization=org, selling_price=Decimal(4), mill_price=Decimal(3))
        before = _row_version(line.order_id)
        Line.objects.filter(pk=line.pk).update(colour_name="Navy blue", position=3)
        after = _row_version(line.order_id)
    assert before == after


def _row_version(order_id) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text || ctid::text FROM sales_ordertotals WHERE order_id = %s", [order_id])
        return cursor.fetchone()[0]


def test_the_orders_columns_are_copied_when_they_change(org, owner, member):
    other = member()
    with tenant_context(org):
        order = OrderFactory(organization=org, stage="enquiry")
        order_stage_change(order=order, by=owner, stage="production")
        Order.objects.filter(pk=order.pk).update(merchandiser=other, etd=date(2027, 1, 5), status="closed")
        row = row_of(order)
        assert (row["stage"], row["merchandiser_id"], row["etd"], row["status"]) == (
            "production",
            other.pk,
            date(2027, 1, 5),
            "closed",
        )
        # deleted (archived): the row says so
        Order.objects.filter(pk=order.pk).update(archived_at="2026-11-30T10:00:00Z")
        assert row_of(order)["archived_at"] is not None


def test_an_order_deleted_takes_its_row(org):
    with tenant_context(org):
        order = LineFactory(organization=org).order
        order_id = order.pk
        order.delete()
        assert not OrderTotals.objects.filter(order_id=order_id).exists()


def test_bulk_inserted_lines_of_several_orders_are_each_summed(org):
    # given two orders, and lines of both inserted in one statement (core.bulk)
    with tenant_context(org):
        first, second = StyleFactory(organization=org), StyleFactory(organization=org)
        unit = LineFactory(organization=org, style=first, order=first.order, quantity=Decimal(1)).unit
        made = [
            Line(
                organization=org,
                order=style.order,
                style=style,
                colour_code=f"C{n}",
                quantity=Decimal(100),
                unit=unit,
                selling_price=Decimal(n + 1),
            )
            for n, style in enumerate([first, second, second])
        ]
        bulk_insert_objects(made)
        rows = {r["order_id"]: r for r in OrderTotals.objects.filter(order__in=[first.order, second.order]).values()}
    # then: the first order 1 x 4.25 + 100 x 1, the second 100 x 2 + 100 x 3
    assert rows[first.order_id]["value"] == Decimal("104.25")
    assert rows[second.order_id]["value"] == Decimal("500.00")
    assert rows[second.order_id]["line_count"] == 2


def test_the_rebuild_computes_what_the_triggers_kept(org, owner):
    with tenant_context(org):
        line = LineFactory(organization=org, quantity=Decimal(1000), selling_price=Decimal(4), mill_price=None)
        LineFactory(organization=org, quantity=Decimal(3), selling_price=Decimal("0.335"), mill_price=Decimal("0.1"))
        kept = {r["order_id"]: r for r in OrderTotals.objects.values()}
        OrderTotals.objects.filter(order_id=line.order_id).update(value=0, line_count=0)
        with connection.cursor() as cursor:
            cursor.execute(totals.REBUILD_SQL)
        rebuilt = {r["order_id"]: r for r in OrderTotals.objects.values()}
    assert rebuilt == kept


def test_the_database_runs_the_functions_and_triggers_this_code_installs():
    # a change to the SQL here needs a migration that runs ``install()`` again
    assert_installed(
        like="sales_%totals_%", functions=totals.FUNCTIONS, install_sql=totals.INSTALL_SQL, triggers=totals.TRIGGERS
    )


# --- the base currency ------------------------------------------------------------------------------------------------
def base_of(order: Order) -> tuple:
    row = row_of(order)
    return row["rate"], row["base_value"], row["base_profit"], row["base_realised_profit"]


def eur_order(org, *, day=date(2026, 11, 2)) -> Order:
    line = LineFactory(
        organization=org,
        style__order__currency="EUR",
        style__order__order_date=day,
        quantity=Decimal(3),
        selling_price=Decimal("0.335"),  # value 1.005 → 1.01
        mill_price=Decimal("0.105"),  # cost 0.315 → 0.32; profit 0.69
        delivered_quantity=Decimal(1),  # realised 0.23
    )
    return line.order


def test_an_order_in_the_base_currency_is_at_rate_one(org):
    with tenant_context(org):
        line = LineFactory(organization=org, quantity=Decimal(10), selling_price=Decimal(2), mill_price=Decimal(1))
        assert base_of(line.order) == (1, Decimal("20.00"), Decimal("10.00"), Decimal("0.00"))


def test_an_order_without_a_rate_has_no_base_figures_until_one_is_published(org):
    with tenant_context(org):
        order = eur_order(org)
        assert base_of(order) == (None, None, None, None)
        # a rate published for an earlier day covers it: each figure converted and rounded on its own, as the page
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 10, 1), from_currency="EUR", to_currency="USD", rate=Decimal("1.5")
        )
        assert base_of(order) == (Decimal("1.5"), Decimal("1.52"), Decimal("1.04"), Decimal("0.35"))


def test_an_inverse_rate_converts_and_a_direct_one_takes_over(org):
    with tenant_context(org):
        order = eur_order(org)
        inverse = ExchangeRate.objects.create(
            organization=org, date=date(2026, 10, 1), from_currency="USD", to_currency="EUR", rate=Decimal("0.8")
        )
        assert base_of(order)[:2] == (Decimal("1.25"), Decimal("1.26"))  # 1.01 x 1.25 = 1.2625
        direct = ExchangeRate.objects.create(
            organization=org, date=date(2026, 10, 15), from_currency="EUR", to_currency="USD", rate=Decimal("2")
        )
        assert base_of(order)[:2] == (Decimal(2), Decimal("2.02"))
        # corrected, then archived: the order takes the rate in force again
        ExchangeRate.objects.filter(pk=direct.pk).update(rate=Decimal(3))
        assert base_of(order)[:2] == (Decimal(3), Decimal("3.03"))
        ExchangeRate.objects.filter(pk=direct.pk).update(archived_at="2026-11-20T10:00:00Z")
        assert base_of(order)[:2] == (Decimal("1.25"), Decimal("1.26"))
        inverse.delete()
        assert base_of(order) == (None, None, None, None)


def test_a_rate_recomputes_only_the_orders_it_covers(org):
    with tenant_context(org):
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 10, 1), from_currency="EUR", to_currency="USD", rate=Decimal(1)
        )
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 11, 1), from_currency="EUR", to_currency="USD", rate=Decimal(2)
        )
        before, covered, after = (eur_order(org, day=date(2026, 10, n)) for n in (5, 20, 25))
        later = eur_order(org, day=date(2026, 11, 3))
        untouched = {o.pk: _row_version(o.pk) for o in (before, later)}
        # a rate for 15 October: the orders from then to 1 November take it, no others are rewritten
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 10, 15), from_currency="EUR", to_currency="USD", rate=Decimal(5)
        )
        assert [base_of(o)[0] for o in (before, covered, after, later)] == [1, 5, 5, 2]
        assert {pk: _row_version(pk) for pk in untouched} == untouched


def test_a_new_base_currency_converts_every_order_again(org):
    with tenant_context(org):
        order = eur_order(org)
        usd = LineFactory(organization=org, quantity=Decimal(10), selling_price=Decimal(2)).order
        Organization.objects.filter(pk=org.pk).update(base_currency="EUR")
        assert base_of(order)[:2] == (1, Decimal("1.01"))
        assert base_of(usd)[:2] == (None, None)


# --- the stage rollup -------------------------------------------------------------------------------------------------
def rollup(org) -> dict:
    return {
        (r["merchandiser_id"], r["stage"], r["currency"], r["rated"]): (
            r["orders"],
            r["valued_orders"],
            r["value"],
            r["base_value"],
            r["price_missing_lines"],
        )
        for r in StageTotals.objects.filter(organization=org).values()
        if r["orders"]
    }


def recomputed(org) -> dict:
    """The rollup as it should be, summed here from the orders' rows."""
    expected: dict = {}
    for t in OrderTotals.objects.filter(organization=org, status="open", archived_at__isnull=True).values():
        key = (t["merchandiser_id"], t["stage"], t["currency"], t["rate"] is not None)
        n, valued, value, base, missing = expected.get(key, (0, 0, Decimal(0), Decimal(0), 0))
        expected[key] = (
            n + 1,
            valued + (t["value"] is not None),
            value + (t["value"] or 0),
            base + (t["base_value"] or 0),
            missing + t["price_missing_lines"],
        )
    return expected


def test_the_stage_rollup_follows_every_change_to_open_orders(org, owner, member):
    other = member()
    with tenant_context(org):
        a = LineFactory(
            organization=org, style__order__stage="sampling", quantity=Decimal(10), selling_price=Decimal(2)
        )
        b = LineFactory(organization=org, style__order__stage="sampling", quantity=Decimal(5), selling_price=None)
        eur = eur_order(org)
        assert rollup(org) == recomputed(org)
        assert rollup(org)[(None, "sampling", "USD", True)] == (2, 1, Decimal("20.00"), Decimal("20.00"), 1)
        # a price, a stage, a merchandiser, a rate, a close, a deletion — the rollup moves with each
        line_update(line=a, by=owner, data={"selling_price": Decimal(3)})
        order_stage_change(order=b.order, by=owner, stage="production")
        Order.objects.filter(pk=a.order_id).update(merchandiser=other)
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 1, 1), from_currency="EUR", to_currency="USD", rate=Decimal(2)
        )
        assert rollup(org) == recomputed(org)
        assert rollup(org)[(None, "", "EUR", True)] == (1, 1, Decimal("1.01"), Decimal("2.02"), 0)
        Order.objects.filter(pk=eur.pk).update(status="closed")
        Order.objects.filter(pk=b.order_id).update(archived_at="2026-11-30T10:00:00Z")
        assert (
            rollup(org)
            == recomputed(org)
            == {(other.pk, "sampling", "USD", True): (1, 1, Decimal("30.00"), Decimal("30.00"), 0)}
        )
        a.order.delete()
        assert rollup(org) == {}


def test_a_rate_moves_an_order_without_a_value_into_the_rated_rollup(org, owner):
    """Its value is unknown (no selling price), so only the rate's presence changes: the order still moves from
    "no rate" to "rated", and a later change takes it out of the bucket it is in."""
    with tenant_context(org):
        line = LineFactory(
            organization=org,
            style__order__currency="EUR",
            style__order__order_date=date(2026, 11, 2),
            selling_price=None,
        )
        assert rollup(org) == recomputed(org)
        assert (None, "", "EUR", False) in rollup(org)
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 1, 1), from_currency="EUR", to_currency="USD", rate=Decimal(2)
        )
        assert rollup(org) == recomputed(org)
        assert rollup(org)[(None, "", "EUR", True)][0] == 1
        line_update(line=line, by=owner, data={"selling_price": Decimal(1)})
        assert rollup(org) == recomputed(org)


@pytest.mark.django_db(databases=["default", "owner"])
def test_concurrent_changes_to_two_lines_of_one_order_are_both_counted():
    """Two transactions on their own connections deliver on two lines of one order at once; the second waits for
    the order's totals row, and must recompute once the first has committed, or its figures (read before) would
    overwrite the first's delivery."""
    with committed_order(
        lines={"NAVY": {"selling_price": 2, "mill_price": 1}, "ECRU": {"selling_price": 2, "mill_price": 1}},
        order_date=date(2026, 11, 2),
    ) as ids:
        first, second = ids["connect"](), ids["connect"]()
        try:
            first.execute("BEGIN")
            first.execute("UPDATE sales_line SET delivered_quantity = 500 WHERE id = %s", [ids["lines"]["NAVY"]])
            blocked = threading.Thread(
                target=second.execute,
                args=("UPDATE sales_line SET delivered_quantity = 500 WHERE id = %s", [ids["lines"]["ECRU"]]),
            )
            second.execute("BEGIN")
            blocked.start()
            time.sleep(0.3)  # the second waits for the totals row the first holds
            first.execute("COMMIT")
            blocked.join(timeout=10)
            second.execute("COMMIT")
            with ids["connect"]() as conn:
                (realised,) = conn.execute(
                    "SELECT realised_profit FROM sales_ordertotals WHERE order_id = %s", [ids["order"]]
                ).fetchone()
        finally:
            first.close()
            second.close()
    assert realised == Decimal("1000.00")  # two lines x 500 delivered x 1.00 profit per unit

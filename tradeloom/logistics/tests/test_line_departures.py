"""``logistics_linedepartures`` (``logistics.departures``): every counted line's row equals what Python reads from
its shipments after each kind of change — shipment lines added, changed, moved and removed, a departure, a shipment
cancelled, the line's ETD, quantity and status, the order's ETD, tolerance and status — the rebuild computes what the
triggers kept, two transactions on one line leave it right, and the database runs the functions this code installs."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from tradeloom.core.context import tenant_context
from tradeloom.logistics import departures
from tradeloom.logistics.models import LineDepartures, Shipment, ShipmentLine
from tradeloom.logistics.tests.factories import ShipmentFactory, ShipmentLineFactory
from tradeloom.sales.models import Line, Order
from tradeloom.sales.tests.factories import LineFactory, committed_order
from tradeloom.testing.summaries import assert_installed

pytestmark = pytest.mark.django_db


def rows(org) -> dict:
    return {
        r["line_id"]: (
            r["etd"],
            r["quantity"],
            r["tolerance_percent"],
            r["first_departed_on"],
            r["departed"],
            r["departed_by_etd"],
            r["customer_id"],
        )
        for r in LineDepartures.objects.filter(organization=org).values()
    }


def expected(org) -> dict:
    """The counted lines (not archived, of orders not cancelled, drafts or deleted, with an ETD) and what departed of
    each in shipments not cancelled or returned, read here from the shipment lines."""
    out = {}
    for line in Line.objects.filter(organization=org).select_related("order"):
        order = line.order
        etd = line.etd or order.etd
        if line.status == "archived" or order.status in ("cancelled", "draft") or order.archived_at or etd is None:
            continue
        live = [
            (sl.shipment.departed_on, sl.quantity)
            for sl in ShipmentLine.objects.filter(line=line).select_related("shipment")
            if sl.shipment.departed_on is not None and sl.shipment.status not in ("cancelled", "returned")
        ]
        out[line.pk] = (
            etd,
            line.quantity,
            order.shipment_tolerance_percent,
            min((day for day, _ in live), default=None),
            sum((quantity for _, quantity in live), Decimal(0)),
            sum((quantity for day, quantity in live if day <= etd), Decimal(0)),
            order.customer_id,
        )
    return out


def depart(shipment: Shipment, day: date) -> None:
    Shipment.objects.filter(pk=shipment.pk).update(departed_on=day, status="departed")


def test_a_line_s_row_follows_its_shipments_and_its_order(org):
    with tenant_context(org):
        line = LineFactory(organization=org, quantity=Decimal(1000), etd=date(2026, 11, 20))
        assert rows(org) == expected(org)
        assert rows(org)[line.pk][3:6] == (None, 0, 0)
        customer = line.order.customer
        first = ShipmentFactory(organization=org, customer=customer)
        second = ShipmentFactory(organization=org, customer=customer)
        a = ShipmentLineFactory(organization=org, shipment=first, line=line, quantity=Decimal(600))
        b = ShipmentLineFactory(organization=org, shipment=second, line=line, quantity=Decimal(300))
        assert rows(org)[line.pk][3:6] == (None, 0, 0)  # booked, not departed
        depart(first, date(2026, 11, 18))
        depart(second, date(2026, 11, 25))
        assert rows(org) == expected(org)
        assert rows(org)[line.pk][3:6] == (date(2026, 11, 18), 900, 600)
        ShipmentLine.objects.filter(pk=a.pk).update(quantity=Decimal(650))
        assert rows(org)[line.pk][4:6] == (950, 650)
        Line.objects.filter(pk=line.pk).update(etd=date(2026, 11, 30))  # now both departed by the ETD
        assert rows(org)[line.pk][:1] + rows(org)[line.pk][4:6] == (date(2026, 11, 30), 950, 950)
        Shipment.objects.filter(pk=first.pk).update(status="cancelled")
        assert rows(org) == expected(org)
        assert rows(org)[line.pk][3:6] == (date(2026, 11, 25), 300, 300)
        ShipmentLine.objects.filter(pk=b.pk).delete()
        assert rows(org)[line.pk][3:6] == (None, 0, 0)
        Order.objects.filter(pk=line.order_id).update(shipment_tolerance_percent=Decimal(5))
        assert rows(org)[line.pk][2] == Decimal(5)
        Order.objects.filter(pk=line.order_id).update(status="cancelled")
        assert rows(org) == expected(org) == {}


def test_a_line_without_an_etd_takes_its_order_s_and_is_counted_only_with_one(org):
    with tenant_context(org):
        line = LineFactory(organization=org, etd=None, style__order__etd=None)
        assert rows(org) == {}
        Order.objects.filter(pk=line.order_id).update(etd=date(2026, 12, 1))
        assert rows(org) == expected(org)
        assert rows(org)[line.pk][0] == date(2026, 12, 1)
        Line.objects.filter(pk=line.pk).update(status="archived")
        assert rows(org) == {}
        Line.objects.filter(pk=line.pk).update(status="running")
        assert rows(org) == expected(org)
        Line.objects.filter(pk=line.pk).delete()
        assert rows(org) == {}


def test_a_shipment_line_moved_to_another_line_recomputes_both(org):
    with tenant_context(org):
        shipment = ShipmentFactory(organization=org)
        row = ShipmentLineFactory(
            organization=org, shipment=shipment, quantity=Decimal(200), line__etd=date(2026, 12, 1)
        )
        other = LineFactory(organization=org, style__order__customer=shipment.customer, etd=date(2026, 12, 20))
        depart(shipment, date(2026, 12, 5))
        ShipmentLine.objects.filter(pk=row.pk).update(line=other, order=other.order)
        assert rows(org) == expected(org)
        assert rows(org)[other.pk][4] == 200
        assert rows(org)[row.line_id][4] == 0


def test_the_rebuild_computes_what_the_triggers_kept(org):
    with tenant_context(org):
        shipment = ShipmentFactory(organization=org)
        ShipmentLineFactory(organization=org, shipment=shipment, quantity=Decimal(40), line__etd=date(2026, 12, 1))
        ShipmentLineFactory(organization=org, shipment=shipment, quantity=Decimal(70), line__etd=date(2026, 12, 20))
        depart(shipment, date(2026, 12, 10))
        kept = rows(org)
        LineDepartures.objects.update(departed=0, first_departed_on=None)
        with connection.cursor() as cursor:
            cursor.execute(departures.REBUILD_SQL)
        assert rows(org) == kept == expected(org)


def test_the_database_runs_the_functions_and_triggers_this_code_installs():
    # a change to the SQL here needs a migration that runs ``install()`` again
    assert_installed(
        like="logistics_line_departures_%",
        functions=departures.FUNCTIONS,
        install_sql=departures.INSTALL_SQL,
        triggers=departures.TRIGGERS,
    )


@pytest.mark.django_db(databases=["default", "owner"])
def test_a_line_change_and_a_new_order_etd_at_once_both_count():
    """One transaction changes the line's quantity while another moves its order's ETD; the second waits for the
    line and recomputes once the first has committed, or its row (computed before) would keep the old quantity."""
    with committed_order(lines={"NAVY": {"etd": None}}, order_date=date(2026, 11, 2)) as ids:
        line_id = ids["lines"]["NAVY"]
        first, second = ids["connect"](), ids["connect"]()
        try:
            first.execute("UPDATE sales_order SET etd = '2026-11-20' WHERE id = %s", [ids["order"]])
            first.execute("BEGIN")
            first.execute("UPDATE sales_line SET quantity = 1500 WHERE id = %s", [line_id])
            blocked = threading.Thread(
                target=second.execute,
                args=("UPDATE sales_order SET etd = '2026-11-30' WHERE id = %s", [ids["order"]]),
            )
            second.execute("BEGIN")
            blocked.start()
            time.sleep(0.3)  # the second waits for the line the first holds
            first.execute("COMMIT")
            blocked.join(timeout=10)
            second.execute("COMMIT")
            with ids["connect"]() as conn:
                row = conn.execute(
                    "SELECT etd, quantity FROM logistics_linedepartures WHERE line_id = %s", [line_id]
                ).fetchone()
        finally:
            first.close()
            second.close()
    assert row == (date(2026, 11, 30), Decimal(1500))

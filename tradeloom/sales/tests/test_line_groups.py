"""``sales_openlinetotals`` and ``sales_suppliertotals`` (``sales.totals``): the open orders' open lines by order and
ETD, and the counted orders' lines by mill, equal what Python sums from the lines after every kind of change — a
line's figures, ETD, status, delivery and supplier, the order's ETD, status, merchandiser and deletion, a rate — and
the rebuild computes what the triggers kept."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection

from tradeloom.catalog.models import ExchangeRate
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.sales import totals
from tradeloom.sales.models import Line, OpenLineTotals, Order, OrderTotals, SupplierTotals
from tradeloom.sales.tests.factories import LineFactory, StyleFactory

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)  # PostgreSQL's round(): half away from zero


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return b if a is None else a if b is None else a + b


def open_groups(org) -> dict:
    return {
        (r["order_id"], r["etd"]): (
            r["customer_id"],
            r["merchandiser_id"],
            r["rated"],
            r["lines"],
            r["value"],
            r["previous_etd"],
        )
        for r in OpenLineTotals.objects.filter(organization=org).values()
    }


def expected_open_groups(org) -> dict:
    """The open lines (not completed or archived, not fully delivered) of open orders (not deleted), grouped by order
    and ETD (the line's, else the order's), summed here."""
    expected: dict = {}
    rows = {t.order_id: t for t in OrderTotals.objects.filter(organization=org)}
    for line in Line.objects.filter(organization=org).select_related("order"):
        order, t = line.order, rows[line.order_id]
        if order.status != "open" or order.archived_at is not None:
            continue
        if line.status in ("completed", "archived") or line.delivered_quantity >= line.quantity:
            continue
        key = (order.pk, line.etd or order.etd)
        value = None
        if line.selling_price is not None and t.rate is not None:
            value = cents(cents(line.quantity * line.selling_price) * t.rate)
        customer, merchandiser, rated, n, total = expected.get(
            key, (order.customer_id, order.merchandiser_id, t.rate is not None, 0, None)
        )
        expected[key] = (customer, merchandiser, rated, n + 1, _add(total, value))
    # each group with the ETD of its order's group before it (by ETD, the one without an ETD last)
    previous: dict = {}
    for order_id, etd in sorted(expected, key=lambda k: (str(k[0]), k[1] is None, k[1] or date.min)):
        expected[(order_id, etd)] += (previous.get(order_id),)
        previous[order_id] = etd
    return expected


def supplier_groups(org) -> dict:
    return {
        (r["order_id"], r["supplier_id"]): (
            r["customer_id"],
            r["merchandiser_id"],
            r["order_date"],
            r["lines"],
            r["unrated_lines"],
            r["left_out_lines"],
            r["potential"],
            r["realised"],
        )
        for r in SupplierTotals.objects.filter(organization=org).values()
    }


def expected_supplier_groups(org) -> dict:
    """Each counted order's (not cancelled, a draft or deleted) lines by supplier: the line's profit to cents, its
    realised share (delivered / ordered, at most all) to cents, each converted at the order's rate to cents."""
    expected: dict = {}
    rows = {t.order_id: t for t in OrderTotals.objects.filter(organization=org)}
    for line in Line.objects.filter(organization=org).select_related("order"):
        order, rate = line.order, rows[line.order_id].rate
        if order.status in ("cancelled", "draft") or order.archived_at is not None:
            continue
        profit = None
        if line.selling_price is not None and line.mill_price is not None:
            q = line.quantity
            profit = cents(q * line.selling_price) - cents(q * line.mill_price)
            profit -= cents(q * (line.commission_per_unit or 0))
        key = (order.pk, line.supplier_id)
        group = expected.get(key, (order.customer_id, order.merchandiser_id, order.order_date, 0, 0, 0, None, None))
        lines, unrated, left_out, potential, realised = group[3:]
        lines += 1
        if rate is None:
            unrated += 1
        elif profit is None:
            left_out += 1
        else:
            share = cents(profit * min(line.delivered_quantity, line.quantity) / line.quantity) if line.quantity else 0
            potential = _add(potential, cents(profit * rate))
            realised = _add(realised, cents(share * rate))
        expected[key] = (*group[:3], lines, unrated, left_out, potential, realised)
    return expected


def check(org) -> None:
    assert open_groups(org) == expected_open_groups(org)
    assert supplier_groups(org) == expected_supplier_groups(org)


def test_open_lines_are_grouped_by_order_and_etd_with_their_value(org):
    with tenant_context(org):
        style = StyleFactory(organization=org, order__etd=date(2026, 12, 10))
        order = style.order
        a = LineFactory(organization=org, style=style, quantity=Decimal(3), selling_price=Decimal("0.335"))
        LineFactory(organization=org, style=style, quantity=Decimal(10), selling_price=Decimal(2), etd=None)
        LineFactory(organization=org, style=style, quantity=Decimal(5), selling_price=None, etd=date(2026, 11, 1))
        LineFactory(organization=org, style=style, status="completed", etd=date(2026, 11, 1))
        # two lines on the order's ETD (one with a line ETD equal to it, one without), one of its own, one closed
        Line.objects.filter(pk=a.pk).update(etd=date(2026, 12, 10))
        check(org)
        assert open_groups(org) == {
            (order.pk, date(2026, 12, 10)): (order.customer_id, None, True, 2, Decimal("21.01"), date(2026, 11, 1)),
            (order.pk, date(2026, 11, 1)): (order.customer_id, None, True, 1, None, None),
        }


def test_the_groups_follow_every_change_to_lines_and_orders(org, owner, member):
    other = member()
    with tenant_context(org):
        mill, second_mill = SupplierFactory(organization=org), SupplierFactory(organization=org)
        style = StyleFactory(organization=org, order__etd=date(2026, 12, 10), order__order_date=date(2026, 11, 2))
        order = style.order
        a = LineFactory(
            organization=org,
            style=style,
            supplier=mill,
            quantity=Decimal(100),
            selling_price=Decimal("4.25"),
            mill_price=Decimal("3.10"),
            commission_per_unit=Decimal("0.05"),
        )
        b = LineFactory(
            organization=org, style=style, supplier=mill, quantity=Decimal(3), selling_price=Decimal("0.335")
        )
        LineFactory(organization=org, style=style, supplier=None, mill_price=Decimal(1))
        check(org)
        # a line's price, ETD, delivery, supplier and status; the order's ETD, merchandiser and status
        Line.objects.filter(pk=a.pk).update(selling_price=Decimal("4.40"), delivered_quantity=Decimal(40))
        check(org)
        Line.objects.filter(pk=b.pk).update(etd=date(2026, 11, 20), supplier=second_mill, mill_price=Decimal("0.2"))
        check(org)
        assert (order.pk, second_mill.pk) in supplier_groups(org)
        Line.objects.filter(pk=a.pk).update(delivered_quantity=Decimal(100))  # fully delivered: no longer open
        check(org)
        Order.objects.filter(pk=order.pk).update(etd=date(2027, 1, 5), merchandiser=other)
        check(org)
        assert {etd for _, etd in open_groups(org)} == {date(2027, 1, 5), date(2026, 11, 20)}
        Line.objects.filter(pk=b.pk).update(status="archived")
        check(org)
        Order.objects.filter(pk=order.pk).update(status="closed")  # not open: no open lines; still counted by mill
        check(org)
        assert open_groups(org) == {}
        assert supplier_groups(org)
        Order.objects.filter(pk=order.pk).update(status="cancelled")  # not counted by mill either
        check(org)
        assert supplier_groups(org) == {}
        Order.objects.filter(pk=order.pk).update(status="open")
        check(org)
        Line.objects.filter(pk=b.pk).delete()
        check(org)
        order.delete()
        assert open_groups(org) == {}
        assert supplier_groups(org) == {}


def test_a_rate_converts_the_groups_of_an_order_in_another_currency(org):
    with tenant_context(org):
        LineFactory(
            organization=org,
            style__order__currency="EUR",
            style__order__order_date=date(2026, 11, 2),
            quantity=Decimal(3),
            selling_price=Decimal("0.335"),
            mill_price=Decimal("0.105"),
            delivered_quantity=Decimal(1),
        )
        check(org)
        ((_, _, rated, _, value, _),) = open_groups(org).values()
        ((*_, unrated, _, potential, _),) = supplier_groups(org).values()
        assert (rated, value, unrated, potential) == (False, None, 1, None)
        ExchangeRate.objects.create(
            organization=org, date=date(2026, 10, 1), from_currency="EUR", to_currency="USD", rate=Decimal("1.5")
        )
        check(org)
        ((_, _, rated, _, value, _),) = open_groups(org).values()
        ((*_, unrated, _, potential, realised),) = supplier_groups(org).values()
        # value 1.005 → 1.01 x 1.5 = 1.515 → 1.52; profit 0.69 x 1.5 = 1.035 → 1.04; realised 0.23 x 1.5 → 0.35
        assert (rated, value, unrated, potential, realised) == (
            True,
            Decimal("1.52"),
            0,
            Decimal("1.04"),
            Decimal("0.35"),
        )


def test_the_groups_are_another_organisations_only_under_its_context(org, other_org):
    with tenant_context(org):
        LineFactory(organization=org)
    with tenant_context(other_org):
        LineFactory(organization=other_org)
        assert {r.organization_id for r in OpenLineTotals.objects.all()} == {other_org.pk}
        assert {r.organization_id for r in SupplierTotals.objects.all()} == {other_org.pk}


def test_the_rebuild_computes_what_the_triggers_kept_for_the_groups(org):
    with tenant_context(org):
        mill = SupplierFactory(organization=org)
        LineFactory(organization=org, supplier=mill, mill_price=Decimal(3), etd=date(2026, 11, 30))
        LineFactory(organization=org, selling_price=None)
        kept = (open_groups(org), supplier_groups(org))
        OpenLineTotals.objects.update(lines=0)
        SupplierTotals.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(totals.REBUILD_SQL)
        assert (open_groups(org), supplier_groups(org)) == kept
        check(org)

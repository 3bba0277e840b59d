"""Tax on sales orders, hand-checked (docs/sales.md): a line's tax is its value x its rate (its own, else its
order's) / 100 to cents half up; the order's tax sums the lines'; subtotal + tax = total — the same in Python (the
order's page and detail), in the orders list's SQL, in the API and on the pages. A missing price leaves its line
out of every figure, as it does of the value."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.contrib.postgres.fields import ArrayField
from django.db import transaction
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.models import Line, Order
from tradeloom.sales.money import (
    LINE_TOTALS_SQL,
    ORDER_LIST_TOTALS_SQL,
    confirmation_amount,
    line_figures,
    order_figures,
)
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, order_with_lines
from tradeloom.sales.tests.strategies import prices, quantities
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


def figures(quantity, price, *, rate=None, order_rate=D(0)):
    return line_figures(
        quantity=D(quantity),
        selling_price=None if price is None else D(price),
        mill_price=None,
        commission_per_unit=None,
        delivered=D(0),
        tax_rate=None if rate is None else D(rate),
        order_tax_rate=D(order_rate),
    )


# --- the rule, in Python -------------------------------------------------------------------------------------------


def test_a_lines_own_rate_overrides_its_orders():
    # 1,000 m x 4.25 = 4,250.00 at the order's 5 % = 212.50; 500 m x 4.00 = 2,000.00 at the line's own 10 % = 200.00
    navy = figures("1000", "4.25", order_rate="5")
    white = figures("500", "4.00", rate="10", order_rate="5")
    assert (navy.tax_rate, navy.tax, navy.total) == (D("5"), D("212.50"), D("4462.50"))
    assert (white.tax_rate, white.tax, white.total) == (D("10"), D("200.00"), D("2200.00"))
    order = order_figures([navy, white], rate=None)
    assert (order.subtotal, order.tax, order.total) == (D("6250.00"), D("412.50"), D("6662.50"))
    # a line's own 0 % is a rate (exempt), not "the order's"
    exempt = figures("1000", "4.25", rate="0", order_rate="5")
    assert (exempt.tax_rate, exempt.tax) == (D("0"), D("0.00"))


@pytest.mark.parametrize(
    ("quantity", "price", "rate", "tax"),
    [
        ("1", "0.10", "5", "0.01"),  # 0.10 x 5 % = 0.005: half a cent rounds up
        ("1", "0.50", "5", "0.03"),  # 0.025 → 0.03 (half up, not to even: 0.02)
        ("1", "0.30", "5", "0.02"),  # 0.015 → 0.02
        ("1", "0.10", "4", "0.00"),  # 0.004 → 0.00
        ("3", "0.335", "15", "0.15"),  # the value first, to cents: 1.005 → 1.01; then 1.01 x 15 % = 0.1515 → 0.15
        ("1", "10.10", "7.5", "0.76"),  # 0.7575 → 0.76
        ("2", "99.99", "100", "199.98"),  # 100 %: the tax is the value
    ],
)
def test_each_lines_tax_is_rounded_to_cents_half_up(quantity, price, rate, tax):
    assert figures(quantity, price, order_rate=rate).tax == D(tax)


def test_the_orders_tax_is_the_sum_of_the_lines_rounded_taxes():
    # three lines of 0.10 at 5 %: each 0.005 → 0.01, so 0.03 — not 0.30 x 5 % = 0.015 → 0.02
    order = order_figures([figures("1", "0.10", order_rate="5") for _ in range(3)], rate=None)
    assert (order.subtotal, order.tax, order.total) == (D("0.30"), D("0.03"), D("0.33"))


def test_a_missing_price_leaves_the_line_out_and_the_confirmation_amount_unknown():
    priced = figures("1000", "4.25", order_rate="5")
    unpriced = figures("500", None, order_rate="5")
    assert (unpriced.value, unpriced.tax, unpriced.total) == (None, None, None)
    order = order_figures([priced, unpriced], rate=None)
    # the known lines' figures, and the count of those left out (as the value always was)
    assert (order.subtotal, order.tax, order.total, order.price_missing_lines) == (
        D("4250.00"),
        D("212.50"),
        D("4462.50"),
        1,
    )
    assert confirmation_amount(order) is None  # a partial total would understate what is confirmed
    assert confirmation_amount(order_figures([priced], rate=None)) == D("4462.50")
    none_priced = order_figures([unpriced], rate=None)
    assert (none_priced.subtotal, none_priced.tax, none_priced.total) == (None, None, None)
    empty = order_figures([], rate=None)
    assert (empty.subtotal, empty.tax, empty.total) == (D(0), D(0), D(0))


# --- the list's SQL says the same ----------------------------------------------------------------------------------


def _list_totals(order):
    return (
        Order.objects.filter(pk=order.pk)
        .annotate(t=RawSQL(ORDER_LIST_TOTALS_SQL, (), output_field=ArrayField(CharField())))  # noqa: S611
        .values_list("t", flat=True)
        .get()
    )


@pytest.mark.parametrize(
    ("order_rate", "rows", "rates", "tax", "total"),
    [
        ("5", [("1000", "4.25"), ("500", "4.00")], [None, "10"], "412.50", "6662.50"),
        ("5", [("1", "0.10"), ("1", "0.10"), ("1", "0.10")], [None, None, None], "0.03", "0.33"),
        ("5", [("1", "0.50")], [None], "0.03", "0.53"),
        ("5", [("1000", "4.25"), ("500", None)], [None, None], "212.50", "4462.50"),
        ("5", [("500", None)], [None], None, None),
        ("0", [], [], "0.00", "0.00"),
    ],
)
def test_the_lists_sql_computes_the_tax_as_python_does(org, order_rate, rows, rates, tax, total):
    with tenant_context(org):
        order, lines = order_with_lines(org, [(D(q), None if p is None else D(p), None, None, D(0)) for q, p in rows])
        Order.objects.filter(pk=order.pk).update(tax_rate=D(order_rate))
        for line, rate in zip(lines, rates, strict=True):
            Line.objects.filter(pk=line.pk).update(tax_rate=None if rate is None else D(rate))
        totals = _list_totals(order)
        nine = (
            Order.objects.filter(pk=order.pk)
            .annotate(t=RawSQL(LINE_TOTALS_SQL, (), output_field=ArrayField(CharField())))  # noqa: S611
            .values_list("t", flat=True)
            .get()
        )
    assert totals[:9] == nine  # the nine figures are the ones the dashboard's table keeps
    assert totals[9:] == [tax, total]
    expected = order_figures(
        [figures(q, p, rate=r, order_rate=order_rate) for (q, p), r in zip(rows, rates, strict=True)],
        rate=None,
    )
    assert totals[9:] == [None if x is None else f"{x:.2f}" for x in (expected.tax, expected.total)]


rates = st.one_of(st.none(), st.integers(min_value=0, max_value=10000).map(lambda n: D(n) / 100))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order_rate=rates.filter(lambda r: r is not None),
    rows=st.lists(st.tuples(quantities, prices, rates), max_size=5),
)
@example(order_rate=D("5"), rows=[(D(1), D("0.1"), None), (D(3), D("0.335"), D("15"))])
def test_the_lists_tax_equals_pythons_for_any_lines(org, order_rate, rows):
    with tenant_context(org), transaction.atomic():
        savepoint = transaction.savepoint()
        order, lines = order_with_lines(org, [(q, p, None, None, D(0)) for q, p, _ in rows])
        Order.objects.filter(pk=order.pk).update(tax_rate=order_rate)
        for line, (_, _, rate) in zip(lines, rows, strict=True):
            Line.objects.filter(pk=line.pk).update(tax_rate=rate)
        totals = _list_totals(order)
        transaction.savepoint_rollback(savepoint)
    expected = order_figures(
        [
            line_figures(
                quantity=q,
                selling_price=p,
                mill_price=None,
                commission_per_unit=None,
                delivered=D(0),
                tax_rate=rate,
                order_tax_rate=order_rate,
            )
            for q, p, rate in rows
        ],
        rate=None,
    )
    assert totals[9:] == [None if x is None else f"{x:.2f}" for x in (expected.tax, expected.total)]


# --- the API and the pages -------------------------------------------------------------------------------------------


@pytest.fixture
def setup(org, member, api_as):
    merch = member(Role.MERCHANDISER)
    return {
        "client": api_as(merch),
        "merch": merch,
        "unit": UnitFactory(organization=org, code="m"),
        "customer": CustomerFactory(organization=org),
        "url": f"/api/v1/o/{org.slug}/orders/",
    }


def _payload(setup, **extra):
    unit = str(setup["unit"].pk)
    return {
        "po_number": "PO-TAX",
        "customer": str(setup["customer"].pk),
        "order_type": "foreign",
        "currency": "USD",
        "order_date": "2026-11-01",
        "tax_rate": "5",
        "styles": [
            {
                "style_number": "TEE",
                "lines": [
                    {"colour_code": "NAVY", "quantity": "1000", "unit": unit, "selling_price": "4.25"},
                    {"colour_code": "WHITE", "quantity": "500", "unit": unit, "selling_price": "4", "tax_rate": "10"},
                ],
            }
        ],
        **extra,
    }


def test_the_api_takes_the_rates_and_shows_subtotal_tax_and_total(setup):
    created = setup["client"].post(setup["url"], _payload(setup), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tax_rate"] == "5.00"
    assert body["totals"] == {"subtotal": "6250.00", "tax": "412.50", "total": "6662.50"}
    navy, white = body["lines"]
    assert (navy["tax_rate"], white["tax_rate"]) == (None, "10.00")
    assert navy["totals"] == {"tax_rate": "5.00", "subtotal": "4250.00", "tax": "212.50", "total": "4462.50"}
    assert white["totals"] == {"tax_rate": "10.00", "subtotal": "2000.00", "tax": "200.00", "total": "2200.00"}
    assert body["money"]["value"] == "6250.00"  # the value stays the value before tax
    listed = setup["client"].get(setup["url"]).json()["results"][0]
    assert listed["tax_rate"] == "5.00"
    assert listed["totals"] == {"subtotal": "6250.00", "tax": "412.50", "total": "6662.50"}


def test_changing_the_rates_changes_the_totals(setup):
    body = setup["client"].post(setup["url"], _payload(setup), format="json").json()
    order_url = f"{setup['url']}{body['id']}/"
    navy = body["lines"][0]
    # the line takes a rate of its own: 4,250.00 x 20 % = 850.00
    response = setup["client"].patch(f"{order_url}lines/{navy['id']}/", {"tax_rate": "20"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["totals"]["tax"] == "1050.00"
    # the order's rate no longer reaches NAVY; WHITE keeps its own 10 %
    response = setup["client"].patch(order_url, {"tax_rate": "0"}, format="json")
    assert response.json()["totals"] == {"subtotal": "6250.00", "tax": "1050.00", "total": "7300.00"}
    # back to the order's rate: the line's rate emptied
    response = setup["client"].patch(f"{order_url}lines/{navy['id']}/", {"tax_rate": None}, format="json")
    assert response.json()["totals"]["tax"] == "200.00"


@pytest.mark.parametrize("rate", ["-1", "100.01", "ten"])
def test_a_rate_outside_0_to_100_is_refused_on_its_field(setup, rate):
    response = setup["client"].post(setup["url"], _payload(setup, tax_rate=rate), format="json")
    assert response.status_code == 400
    assert "tax_rate" in response.json()["errors"]
    payload = _payload(setup)
    payload["styles"][0]["lines"][0]["tax_rate"] = rate
    response = setup["client"].post(setup["url"], payload, format="json")
    assert response.status_code == 400
    assert any(key.endswith("tax_rate") for key in response.json()["errors"])


def test_the_list_with_tax_stays_one_statement_a_page(setup, org, django_assert_max_num_queries):
    for _ in range(10):
        order = OrderFactory(organization=org, tax_rate=D("5"))
        for _ in range(5):
            LineFactory(organization=org, style__order=order, tax_rate=D("10"))
    with django_assert_max_num_queries(budget("api.orders.list")):
        body = setup["client"].get(setup["url"] + "?limit=50").json()
    # 1,000 x 4.25 = 4,250.00 at the lines' 10 % = 425.00, five lines
    assert {row["totals"]["tax"] for row in body["results"]} == {"2125.00"}


def test_the_pages_show_subtotal_tax_and_total(setup, org):
    order = OrderFactory(organization=org, tax_rate=D("5"))
    LineFactory(organization=org, style__order=order, quantity=D("1000"), selling_price=D("4.25"))
    LineFactory(organization=org, style__order=order, quantity=D("500"), selling_price=D("4"), tax_rate=D("10"))
    browser = Client()
    browser.force_login(setup["merch"].user)
    page = browser.get(f"/o/{org.slug}/orders/{order.pk}/").content.decode()
    assert "<dt>Total incl. tax</dt><dd>USD 6,662.50</dd>" in page
    assert "Subtotal 6,250.00 + tax 412.50 (order rate 5 %)" in page
    assert "+ tax 200.00 (10 %)" in page  # the line's own rate on its row
    listing = browser.get(f"/o/{org.slug}/orders/").content.decode()
    assert "USD 6,662.50" in listing
    assert "incl. tax 412.50" in listing


def test_the_forms_take_the_rates_with_errors_next_to_the_field(setup, org):
    browser = Client()
    browser.force_login(setup["merch"].user)
    form = browser.get(f"/o/{org.slug}/orders/new/").content.decode()
    assert 'name="tax_rate"' in form
    assert 'name="s0-l0-tax_rate"' in form
    fields = {
        "po_number": "PO-WEB-TAX",
        "customer": str(setup["customer"].pk),
        "order_type": "foreign",
        "currency": "USD",
        "order_date": "2026-11-01",
        "tax_rate": "150",
        "s0-style_number": "TEE",
        "s0-l0-colour_code": "NAVY",
        "s0-l0-quantity": "10",
        "s0-l0-unit": str(setup["unit"].pk),
        "s0-l0-selling_price": "4",
        "s0-l0-tax_rate": "101",
    }
    refused = browser.post(f"/o/{org.slug}/orders/new/", fields).content.decode()
    assert 'id="id_tax_rate_error"' in refused
    line_cell = refused.split('data-cell="tax_rate"')[1].split("</div>")[0]
    assert "field-error" in line_cell
    with tenant_context(org):
        assert not Order.objects.filter(po_number="PO-WEB-TAX").exists()
    response = browser.post(f"/o/{org.slug}/orders/new/", {**fields, "tax_rate": "7.5", "s0-l0-tax_rate": ""})
    assert response.status_code == 302
    with tenant_context(org):
        order = Order.objects.get(po_number="PO-WEB-TAX")
        assert order.tax_rate == D("7.5")
        assert Line.objects.get(order=order).tax_rate is None

"""Back to back: POs raised from chosen sales-order lines, one per mill at the lines' mill prices and quantities,
linked both ways; refusals (no mill, no mill price, bought already); the order's Purchasing tab figures (ordered,
purchased, received, delivered to the buyer) and its query budget; the back-to-back page (preview, then create)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.purchasing import services, states
from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine
from tradeloom.purchasing.selectors import order_purchasing
from tradeloom.sales.models import Line
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

D = Decimal


@pytest.fixture
def ctx(org, member):
    merch = member(Role.MERCHANDISER)
    with tenant_context(org):
        from tradeloom.catalog.tests.factories import UnitFactory

        unit = UnitFactory(organization=org, code="m")
        mill_a = SupplierFactory(organization=org, legal_name="Alpha Mills")
        mill_b = SupplierFactory(organization=org, legal_name="Beta Knit")
        order = OrderFactory(organization=org, currency="USD")
        style = StyleFactory(organization=org, order=order, style_number="TEE")

        def mk(colour, quantity, supplier, price, position):
            return LineFactory(
                organization=org,
                style=style,
                colour_code=colour,
                quantity=D(quantity),
                unit=unit,
                supplier=supplier,
                mill_price=None if price is None else D(price),
                position=position,
            )

        lines = {
            "NAVY": mk("NAVY", "1000", mill_a, "2.10", 0),
            "RED": mk("RED", "500", mill_a, "2.35", 1),
            "WHITE": mk("WHITE", "300", mill_b, "1.90", 2),
            "BARE": mk("BARE", "10", None, "1", 3),
            "NOPRICE": mk("NOPRICE", "10", mill_b, None, 4),
        }
        yield {"org": org, "by": merch, "order": order, "lines": lines, "a": mill_a, "b": mill_b, "member": merch}


def chosen(ctx, *colours, **quantities):
    rows = [{"line": ctx["lines"][c].pk} for c in colours]
    rows += [{"line": ctx["lines"][c].pk, "quantity": D(q)} for c, q in quantities.items()]
    return rows


@pytest.mark.django_db
def test_lines_are_grouped_by_mill_at_their_mill_prices(ctx):
    made = services.purchase_orders_from_order(
        organization=ctx["org"], by=ctx["by"], order=ctx["order"], lines=chosen(ctx, "NAVY", "WHITE", "RED")
    )
    assert [(po.supplier_id, po.number) for po in made] == [(ctx["a"].pk, "PO-000001"), (ctx["b"].pk, "PO-000002")]
    alpha, beta = made
    assert (alpha.order_id, alpha.customer_id, alpha.currency) == (ctx["order"].pk, ctx["order"].customer_id, "USD")
    rows = list(PurchaseOrderLine.objects.filter(purchase_order=alpha).order_by("position"))
    # 1000 x 2.10 = 2100.00; 500 x 2.35 = 1175.00
    assert [(r.sales_line_id, r.quantity, r.unit_price, r.amount) for r in rows] == [
        (ctx["lines"]["NAVY"].pk, D(1000), D("2.1"), D("2100.00")),
        (ctx["lines"]["RED"].pk, D(500), D("2.35"), D("1175.00")),
    ]
    assert alpha.total == D("3275.00")
    assert beta.total == D("570.00")
    assert alpha.status == states.DRAFT


@pytest.mark.django_db
def test_a_line_is_not_bought_twice_and_a_part_leaves_the_rest(ctx):
    services.purchase_orders_from_order(
        organization=ctx["org"], by=ctx["by"], order=ctx["order"], lines=chosen(ctx, NAVY="400")
    )
    second = services.purchase_orders_from_order(
        organization=ctx["org"], by=ctx["by"], order=ctx["order"], lines=chosen(ctx, "NAVY")
    )
    assert PurchaseOrderLine.objects.get(purchase_order=second[0]).quantity == D(600)
    with pytest.raises(ApplicationError) as refused:
        services.purchase_orders_from_order(
            organization=ctx["org"], by=ctx["by"], order=ctx["order"], lines=chosen(ctx, "NAVY")
        )
    assert refused.value.code == "already_purchased"
    assert "lines.0.quantity" in refused.value.extra["errors"]


@pytest.mark.django_db
def test_lines_without_a_mill_or_a_mill_price_are_refused_by_their_field(ctx):
    for colour, code in (("BARE", "mill_missing"), ("NOPRICE", "mill_price_missing")):
        with pytest.raises(ApplicationError) as refused:
            services.purchase_orders_from_order(
                organization=ctx["org"], by=ctx["by"], order=ctx["order"], lines=chosen(ctx, colour)
            )
        assert refused.value.code == code
        assert refused.value.status == 409
    assert not PurchaseOrder.objects.exists()


@pytest.mark.django_db
def test_the_order_tab_shows_ordered_purchased_received_and_delivered(ctx, member, django_assert_max_num_queries):
    org = ctx["org"]
    alpha, _beta = services.purchase_orders_from_order(
        organization=org, by=ctx["by"], order=ctx["order"], lines=chosen(ctx, "NAVY", "WHITE")
    )
    alpha = services.purchase_order_move(purchase_order=alpha, action="submit", by=ctx["by"])
    navy_line = PurchaseOrderLine.objects.get(purchase_order=alpha)
    services.receipt_create(purchase_order=alpha, by=ctx["by"], lines=[{"po_line": navy_line.pk, "quantity": "250"}])
    Line.objects.filter(pk=ctx["lines"]["NAVY"].pk).update(buyer_delivered_quantity=D(100))
    with tenant_context(org):
        figures = order_purchasing(organization=org, order=ctx["order"])
    by_colour = {f.line.colour_code: f for f in figures.lines}
    navy = by_colour["NAVY"]
    assert (navy.ordered, navy.purchased, navy.received, navy.delivered_to_buyer) == (D(1000), D(1000), D(250), D(100))
    assert (by_colour["RED"].purchased, by_colour["RED"].to_buy) == (D(0), D(500))
    assert {po.number for po in figures.purchase_orders} == {"PO-000001", "PO-000002"}
    # the page's tab
    client = Client()
    client.force_login(ctx["member"].user)
    url = f"/o/{org.slug}/orders/{ctx['order'].pk}/purchasing/"
    with django_assert_max_num_queries(budget("web.orders.purchasing")):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "PO-000001" in html
    assert "Raise POs back to back" in html
    assert "250" in html
    # the order page offers the tab
    page = client.get(f"/o/{org.slug}/orders/{ctx['order'].pk}/?tab=purchasing")
    assert page.status_code == 200
    assert "Purchasing" in page.content.decode()


@pytest.mark.django_db
def test_the_back_to_back_page_previews_by_mill_then_creates(ctx, django_assert_max_num_queries):
    org = ctx["org"]
    client = Client()
    client.force_login(ctx["member"].user)
    url = f"/o/{org.slug}/orders/{ctx['order'].pk}/purchasing/back-to-back/"
    with django_assert_max_num_queries(budget("web.orders.back_to_back")):
        page = client.get(url)
    assert page.status_code == 200
    navy, white = ctx["lines"]["NAVY"], ctx["lines"]["WHITE"]
    form = {f"b-{navy.pk}-include": "on", f"b-{navy.pk}-quantity": "1000", f"b-{white.pk}-include": "on"}
    preview = client.post(url, {**form, "step": "preview"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Preview: 2 purchase orders" in html
    assert "Alpha Mills" in html
    assert not PurchaseOrder.objects.exists()
    made = client.post(url, {**form, "step": "create"})
    assert made.status_code == 302
    assert made["Location"].endswith("?tab=purchasing")
    assert PurchaseOrder.objects.count() == 2
    # a line without a mill: the error is on its row and nothing is made
    bare = ctx["lines"]["BARE"]
    refused = client.post(url, {f"b-{bare.pk}-include": "on", "step": "create"})
    assert refused.status_code == 200
    assert "has no mill" in refused.content.decode()
    assert PurchaseOrder.objects.count() == 2


@pytest.mark.django_db
def test_the_api_raises_pos_back_to_back(ctx, api_as):
    url = f"/api/v1/o/{ctx['org'].slug}/orders/{ctx['order'].pk}/purchase-orders/"
    client = api_as(ctx["member"])
    response = client.post(url, {"lines": [{"line": str(ctx["lines"]["WHITE"].pk)}]}, format="json")
    assert response.status_code == 201, response.content
    assert [p["supplier_name"] for p in response.json()["purchase_orders"]] == ["Beta Knit"]
    listed = client.get(url).json()["results"]
    assert [p["order_number"] for p in listed] == [ctx["order"].number]

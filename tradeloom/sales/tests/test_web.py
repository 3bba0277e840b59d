"""Order pages: list with money and countdowns, expandable lines, detail tabs, line actions, budgets."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.sales.models import Line
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.sales.views import order_tabs
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(member):
    client = Client()
    client.force_login(member(Role.MERCHANDISER).user)
    return client


@pytest.fixture
def order(org):
    order = OrderFactory(organization=org, stage="production")
    LineFactory(organization=org, style__order=order, quantity=D("1000"), selling_price=D("4.25"), mill_price=D("3.10"))
    return order


def test_the_list_shows_money_and_costs_a_constant_number_of_queries(
    org, browser, order, django_assert_max_num_queries
):
    for _ in range(8):
        more = OrderFactory(organization=org)
        LineFactory(organization=org, style__order=more)
    browser.get(f"/o/{org.slug}/orders/")
    # frame + page (money in the same query) + the customer and merchandiser filter choices
    with django_assert_max_num_queries(budget("web.orders.list")):
        html = browser.get(f"/o/{org.slug}/orders/").content.decode()
    assert order.number in html
    assert "4,250.00" in html  # value
    assert "1,150.00" in html  # profit


def test_expanding_an_order_shows_its_lines(org, browser, order):
    html = browser.get(f"/o/{org.slug}/orders/{order.pk}/lines/").content.decode()
    assert "<table" in html
    assert "Upcoming" in html


@pytest.mark.parametrize("tab", [key for key, _ in order_tabs()])
def test_every_tab_renders_within_budget(org, browser, order, tab, django_assert_max_num_queries):
    browser.get(f"/o/{org.slug}/orders/{order.pk}/?tab={tab}")
    with django_assert_max_num_queries(budget("web.orders.detail")):  # the budget for the order detail
        response = browser.get(f"/o/{org.slug}/orders/{order.pk}/?tab={tab}")
    assert response.status_code == 200


def test_recording_a_delivery_moves_realised_profit(org, browser, order):
    with tenant_context(org):
        line = Line.objects.get(order=order)
    response = browser.post(
        f"/o/{org.slug}/orders/{order.pk}/lines/{line.pk}/deliveries/",
        {"date": "2026-11-20", "quantity": "500", "unit": str(line.unit_id)},
        follow=True,
    )
    html = response.content.decode()
    assert "Delivery of 500" in html
    assert "575.00" in html  # realised 1,150 x 50 %
    lines = browser.get(f"/o/{org.slug}/orders/{order.pk}/?tab=lines").content.decode()
    assert "profit 1,150.00 · realised 575.00" in lines  # each figure says what it is


def test_moving_a_line_and_a_refused_move(org, browser, order):
    with tenant_context(org):
        line = Line.objects.get(order=order)
    url = f"/o/{org.slug}/orders/{order.pk}/lines/{line.pk}/transition/"
    assert "is now in development" in browser.post(url, {"status": "in_development"}, follow=True).content.decode()
    refused = browser.post(url, {"status": "completed"}, follow=True).content.decode()
    assert "cannot become completed" in refused


def test_viewers_see_no_action_forms(org, member, order):
    client = Client()
    client.force_login(member(Role.VIEWER).user)
    html = client.get(f"/o/{org.slug}/orders/{order.pk}/").content.decode()
    assert "/transition/" not in html
    assert "/deliveries/" not in html


@pytest.fixture
def order_without_cost(org, order):
    with tenant_context(org):
        style = Line.objects.select_related("style__order").get(order=order).style
    LineFactory(organization=org, style=style, quantity=D("500"), selling_price=D("4"), mill_price=None)
    return order


def test_the_list_shows_a_missing_cost_and_leaves_it_out_of_the_profit(org, browser, order_without_cost):
    html = browser.get(f"/o/{org.slug}/orders/").content.decode()
    assert "6,250.00" in html  # the value counts both lines
    assert "1,150.00" in html  # the profit only the priced one (not 1,150 + 2,000)
    assert "3,150.00" not in html
    assert "cost missing · 1 line" in html


def test_the_detail_shows_a_missing_cost_per_line_and_in_the_totals(org, browser, order_without_cost):
    html = browser.get(f"/o/{org.slug}/orders/{order_without_cost.pk}/").content.decode()
    assert "1 line without a mill price" in html
    assert "1 line left out: its cost or price is missing" in html
    assert html.count('<span class="badge-amber">cost missing</span>') == 2  # the totals and the line's row
    assert "profit unknown" in html
    lines = browser.get(f"/o/{org.slug}/orders/{order_without_cost.pk}/lines/").content.decode()
    assert '<span class="badge-amber">cost missing</span>' in lines


def test_an_order_whose_lines_all_lack_a_cost_shows_no_profit(org, browser):
    bare = OrderFactory(organization=org)
    LineFactory(organization=org, style__order=bare, quantity=D("10"), selling_price=D("5"), mill_price=None)
    html = browser.get(f"/o/{org.slug}/orders/{bare.pk}/").content.decode()
    assert '<div class="stat"><dt>Profit (potential)</dt><dd>—</dd>' in html
    listed = browser.get(f"/o/{org.slug}/orders/").content.decode()
    assert "realised —" in listed

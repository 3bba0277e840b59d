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

"""The dashboard page and its panel registry (``tenancy.dashboard``): panels in order, each shown only to roles
with its capability; the order panels from sales and approvals with their figures, empty states and charts; the
organisation's today in its time zone; and a page that costs the same statements however many orders there are."""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tradeloom.approvals.tests.factories import GateFactory, LineGateFactory
from tradeloom.audit.services import audit_record
from tradeloom.core.context import tenant_context
from tradeloom.sales.capabilities import ORDERS_VIEW
from tradeloom.sales.events import OrderAction
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.dashboard import DASHBOARD_PANELS, Dashboard, DashboardPanel, dashboard_panels
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

ORDER_PANELS = {
    "sales.pipeline_figure",
    "sales.due_figure",
    "sales.late_figure",
    "sales.pipeline",
    "sales.due",
    "sales.late",
    "sales.profit",
    "sales.customers",
    "approvals.stuck_figure",
    "approvals.stuck",
}


def browser(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def page_of(client: Client, org) -> tuple[int, str, dict]:
    response = client.get(f"/o/{org.slug}/")
    return response.status_code, response.content.decode(), response.context


def shown(context) -> list[str]:
    page = context["page"]
    return [panel.key for panel in page.figures + page.cards]


# --- the registry --------------------------------------------------------------------------------------------------
def test_the_apps_register_their_panels_in_order():
    keys = [key for key, _ in sorted(DASHBOARD_PANELS.items(), key=lambda item: item[1].position)]
    assert set(keys) >= ORDER_PANELS | {"tenancy.activity", "tenancy.recent"}
    figures = [key for key in keys if DASHBOARD_PANELS[key].size == "figure"]
    assert figures == ["sales.pipeline_figure", "sales.due_figure", "sales.late_figure", "approvals.stuck_figure"]
    assert keys.index("sales.pipeline") < keys.index("sales.due") < keys.index("tenancy.activity")


def test_a_panel_size_must_be_one_the_page_lays_out():
    with pytest.raises(ValueError, match="not a panel size"):
        DashboardPanel("x.html", lambda d: {}, size="half")


def test_panels_are_filtered_by_capability_ordered_by_position_and_left_out_without_data(
    org, owner, member, monkeypatch
):
    # given a registry of four panels of a later module
    from tradeloom.core.registry import Registry

    calls: list[str] = []

    def data(name):
        def context(dashboard: Dashboard):
            calls.append(name)
            return dashboard.once("shared", lambda d: {"name": name, "chart": "{}" if name == "b" else None})

        return context

    registry: Registry[DashboardPanel] = Registry("test panels")
    registry.register("b", DashboardPanel("b.html", data("b"), position=20, size="two-thirds"))
    registry.register("a", DashboardPanel("a.html", data("a"), position=10, size="figure"))
    registry.register("admins", DashboardPanel("c.html", data("c"), capability=ORDERS_VIEW, position=5))
    registry.register("empty", DashboardPanel("d.html", lambda d: None, position=1))
    monkeypatch.setattr("tradeloom.tenancy.dashboard.DASHBOARD_PANELS", registry)
    monkeypatch.setattr(ORDERS_VIEW, "roles", frozenset({Role.OWNER, Role.ADMIN}))
    # when a viewer looks
    page = dashboard_panels(organization=org, membership=member(Role.VIEWER), today=timezone.localdate())
    # then: not the panel their role may not see, nor the one without data; figures apart; the shared read once
    assert [p.key for p in page.figures] == ["a"]
    assert [(p.key, p.span) for p in page.cards] == [("b", "lg:col-span-2")]
    assert calls == ["a", "b"]
    assert page.figures[0].data == page.cards[0].data == {"name": "a", "chart": None}
    assert page.has_charts is False
    # and an owner sees the admins' panel first
    page = dashboard_panels(organization=org, membership=owner, today=timezone.localdate())
    assert [p.key for p in page.figures + page.cards] == ["a", "admins", "b"]


# --- the page ------------------------------------------------------------------------------------------------------
def orders(org, *, n, merchandiser=None, today=None):
    """``n`` open orders, each with two lines (one due in 3 days, one late) and a stuck gate."""
    today = today or timezone.localdate()
    gate = GateFactory(organization=org, name="Lab dip")
    for index in range(n):
        order = OrderFactory(
            organization=org, order_date=today, stage="sampling", merchandiser=merchandiser, etd=today + timedelta(3)
        )
        style = StyleFactory(organization=org, order=order)
        LineFactory(organization=org, style=style, order=order, colour_code=f"DUE{index}", mill_price=Decimal(3))
        late = LineFactory(
            organization=org, style=style, order=order, colour_code=f"LATE{index}", etd=today - timedelta(days=2)
        )
        LineGateFactory(
            organization=org, line=late, gate=gate, state="submission", state_since=today - timedelta(days=30)
        )
        audit_record(action=OrderAction.STAGE_CHANGED, target=order, changes={"stage": ["", "sampling"]})


def test_a_manager_sees_every_business_figure(org, member):
    manager = member(Role.MANAGER)
    with tenant_context(org):
        orders(org, n=2)
    status, html, context = page_of(browser(manager), org)
    assert status == 200
    assert set(shown(context)) >= ORDER_PANELS
    # the figures: 2 orders of 1000 x 4.25 and 1000 x 4.25; 2 lines due, 2 late, 2 gates stuck
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Open pipeline USD 17k 2 open orders" in text
    assert "ETD in the next 14 days 2 lines 2 orders" in text
    assert "Late lines 2 ETD passed, not yet delivered" in text
    assert "Approvals stuck 2 waiting for the buyer over 14 days" in text
    for shown_text in ("LATE0", "DUE1", "3 days left", "2 days late", "30 days"):
        assert shown_text in text
    # profit: the lines with a mill price (4.25 - 3 on 1000); the others are left out and said so
    assert "Potential profit USD 2,500" in text
    assert "2 of 4 lines left out of the profit: their mill price is missing." in text
    # charts drawn by the vendored Chart.js, with their data in the canvas (no inline script)
    assert "vendor/chart.umd.min.js" in html
    assert html.count("data-chart=") == 2  # pipeline, ETDs; an admin sees the activity chart too
    assert "<script>" not in html


def test_a_member_without_orders_view_sees_no_order_panel(org, member, monkeypatch):
    with tenant_context(org):
        orders(org, n=1)
    monkeypatch.setattr(ORDERS_VIEW, "roles", frozenset({Role.OWNER, Role.ADMIN}))
    status, html, context = page_of(browser(member(Role.STAFF)), org)
    assert status == 200
    assert shown(context) == []
    for heading in ("Open pipeline", "Late lines", "Waiting for the buyer"):
        assert heading not in html
    assert "Nothing to show yet" in html


def test_a_restricted_merchandiser_sees_the_figures_of_their_own_orders(org, member):
    mine, theirs = member(Role.MERCHANDISER), member(Role.MERCHANDISER)
    with tenant_context(org):
        orders(org, n=1, merchandiser=mine)
        orders(org, n=3, merchandiser=theirs)
    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})
    _, html, context = page_of(browser(mine), org)
    page = {p.key: p.data for p in context["page"].figures + context["page"].cards}
    assert page["sales.pipeline"]["pipeline"].orders == 1
    assert page["sales.due"]["due"].count == 1
    assert page["sales.late"]["late"].count == 1
    assert page["approvals.stuck"]["stuck"].count == 1
    assert "4 open orders" not in html
    assert "1 open order" in html


def test_a_new_organisation_sees_empty_states_not_zeros_in_charts(org, owner):
    _, html, _ = page_of(browser(owner), org)
    assert "No open orders" in html
    assert "No ETDs coming up" in html
    assert "Nothing late" in html
    assert "Nothing stuck" in html
    assert "No orders this quarter" in html
    assert "No orders dated this month yet." in html
    # the only chart is the owner's activity (the organisation was just created)
    assert html.count("data-chart=") == 1


def test_the_figures_follow_the_organisations_day_not_the_servers(org, owner):
    # given a time zone whose date is not UTC's right now
    now = timezone.now()
    zone = "Pacific/Kiritimati" if now.hour >= 10 else "Etc/GMT+12"  # UTC+14 is tomorrow; UTC-12 yesterday
    local_today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    assert local_today != now.date()
    Organization.objects.filter(pk=org.pk).update(timezone=zone)
    # and a line due on the organisation's today, another on its yesterday
    with tenant_context(org):
        order = OrderFactory(organization=org, order_date=local_today - timedelta(days=40))
        style = StyleFactory(organization=org, order=order)
        LineFactory(organization=org, style=style, order=order, colour_code="TODAY", etd=local_today)
        LineFactory(organization=org, style=style, order=order, colour_code="YESTERDAY", etd=local_today - timedelta(1))
    # when
    _, html, context = page_of(browser(owner), org)
    page = {p.key: p.data for p in context["page"].cards}
    # then: today is the organisation's, in the ETDs, the late lines and the month
    assert context["today"] == local_today
    assert [(line.colour, line.days) for line in page["sales.due"]["due"].lines] == [("TODAY", 0)]
    assert [(line.colour, line.days) for line in page["sales.late"]["late"].lines] == [("YESTERDAY", -1)]
    assert page["sales.profit"]["profit"].month.start == local_today.replace(day=1)
    assert "Due today" in html


def test_the_page_costs_the_same_statements_with_one_order_or_forty(org, owner, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = browser(owner)
    counts = []
    for n in (1, 39):
        with tenant_context(org):
            orders(org, n=n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/o/{org.slug}/").status_code == 200
        counts.append(len(queries.captured_queries))
    # session + user + tenant, the frame (memberships, counters), the panels' own statements (the recent events
    # and the labels of what they name among them), the savepoint pair
    assert counts[0] == counts[1] == budget("web.dashboard")
    with django_assert_max_num_queries(budget("web.dashboard")):
        assert client.get(f"/o/{org.slug}/").status_code == 200


def test_a_merchandiser_costs_what_an_owner_does(org, member, django_assert_max_num_queries):
    with tenant_context(org):
        orders(org, n=3)
    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})
    client = browser(member(Role.MERCHANDISER))
    # a merchandiser does not see the activity panels (three statements fewer)
    with django_assert_max_num_queries(budget("web.dashboard") - 3):
        assert client.get(f"/o/{org.slug}/").status_code == 200


def test_the_dashboard_is_a_tenant_page(org, other_org, owner):
    assert Client().get(f"/o/{org.slug}/").status_code == 302  # to the log-in page
    assert browser(owner).get(f"/o/{other_org.slug}/").status_code == 404


def test_the_header_says_which_currency_and_which_days_the_figures_are_in(org, owner):
    Organization.objects.filter(pk=org.pk).update(timezone="Asia/Dhaka", base_currency="EUR")
    _, html, _ = page_of(browser(owner), org)
    assert "amounts in EUR, days in Asia/Dhaka" in html

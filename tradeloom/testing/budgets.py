"""Query budgets: the most SQL statements each endpoint, page or service may cost, in one table.

Every query-count guard in the tests reads its limit here
(``django_assert_max_num_queries(budget("api.orders.list"))``), so a reviewer sees every endpoint's cost side by
side, and a change to one shows up in this file. A budget is constant whatever the number of rows: the tests that
read it build enough rows to show an N+1.

Names: ``api.<resource>.<list|detail>`` for the JSON API, ``web.<page>`` for pages, ``service.<name>`` for service
calls. Within a test, a request costs its own statements plus the test transaction's savepoint and release (2).
"""

from __future__ import annotations

BUDGETS: dict[str, int] = {
    # --- API: lists (token's user, tenant, page, savepoint pair; prefetches add one each) ------------------------
    "api.members.list": 7,
    "api.audit-events.list": 7,
    "api.orders.list": 5,
    "api.orders.list.with_approval_badges": 7,  # approvals' gate badges come in the list's one statement
    "api.customers.list": 9,
    "api.suppliers.list": 9,
    "api.contacts.list": 9,
    "api.addresses.list": 9,
    "api.plants.list": 9,
    "api.supplier-plant-mappings.list": 9,
    "api.carriers.list": 9,
    "api.units.list": 7,
    "api.exchange-rates.list": 7,
    "api.payment-terms.list": 7,
    "api.items.list": 7,
    # --- API: details ----------------------------------------------------------------------------------------------
    "api.orders.detail": 8,
    "api.customers.detail": 9,
    "api.suppliers.detail": 9,  # nests its plants and primary contact
    "api.contacts.detail": 9,
    "api.addresses.detail": 9,
    "api.plants.detail": 9,
    "api.supplier-plant-mappings.detail": 9,
    "api.carriers.detail": 9,
    "api.units.detail": 9,
    "api.exchange-rates.detail": 9,
    "api.payment-terms.detail": 9,
    "api.items.detail": 9,
    # --- API machinery (core's test-only route) ---------------------------------------------------------------------
    "api.keyset_page.any_depth": 3,
    # --- pages (frame: session, user, tenant, memberships, counters; then the page's own reads) ---------------------
    "web.main_page": 15,  # members, member activity, invitations, audit, settings, profile
    # the dashboard, whatever the number of orders: the frame (7 with the savepoint pair) and its panels' 10 — the
    # pipeline, profit, top customers, ETDs coming up and late lines one each, the stuck approvals two (a capped count,
    # the list), the activity three (per day, the latest events, the labels of what they name)
    "web.dashboard": 17,
    "web.members.list": 14,
    "web.audit.list": 14,
    "web.orders.list": 15,
    "web.orders.detail": 15,  # every tab
    # the Timeline tab: the order's records of every kind with their labels, their events, the labels the events
    # refer to (a mill, a member) — three statements whatever the number of lines and events
    "web.orders.timeline": 16,
    "web.orders.new.post": 30,  # a form with 40 lines costs what one with 5 does
    "web.orders.approvals": 16,
    "web.approvals.board": 18,
    "web.records.list": 15,  # every partners and catalog list page
    "web.records.detail": 16,  # every partners and catalog detail page
    # --- services ---------------------------------------------------------------------------------------------------
    "service.order_create": 10,  # whatever the number of styles and lines
}


def budget(name: str) -> int:
    """The query budget called ``name`` (KeyError naming the table when there is none)."""
    try:
        return BUDGETS[name]
    except KeyError:
        raise KeyError(f"No query budget {name!r}: add it to tradeloom/testing/budgets.py") from None

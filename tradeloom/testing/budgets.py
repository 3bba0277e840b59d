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
    "api.alerts.list": 7,
    "api.alert-rules.list": 8,  # every kind's rule with its named members (a prefetch)
    "api.orders.list": 5,
    "api.orders.list.with_approval_badges": 7,  # approvals' gate badges come in the list's one statement
    "api.shipments.list": 5,  # customer, carrier and order numbers come in the page's one statement
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
    "api.webhook-endpoints.list": 7,
    "api.webhook-deliveries.list": 6,  # the endpoint, then the page
    "api.notifications.list": 5,
    "api.notifications.unread-count": 5,
    # --- API: details ----------------------------------------------------------------------------------------------
    "api.orders.detail": 8,
    # the token's user, the tenant, the shipment (customer, carrier), its lines (order, style, unit, container), its
    # containers, its ETA revisions (who recorded them), its documents with their files (one join); the savepoint pair
    "api.shipments.detail": 9,
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
    "api.webhook-deliveries.detail": 7,  # the endpoint, the delivery with its message, its attempts
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
    # the frame (7 with the savepoint pair), the page of shipments (customer, carrier and orders in its statement), the
    # customer and carrier filters' choices — whatever the page size
    "web.shipments.list": 10,
    # the frame, the shipment (customer, carrier), its lines (order, style, unit, container), containers, revisions,
    # documents, their files, the lines the "add a line" picker offers, the timeline's events and the labels they name
    "web.shipments.detail": 16,
    # the frame, the order and its customer, the customer's other open orders, the carriers, the order's lines with
    # their balances — whatever the number of lines
    "web.shipments.new": 12,
    # the tab's partial (no frame: session, user, membership and the savepoint pair), the order, its lines' figures,
    # its shipment lines with their shipments — whatever the number of lines and shipments
    "web.orders.shipments": 8,
    "web.webhooks.endpoint": 9,  # the endpoint and a page of its delivery log, whatever its length
    "web.webhooks.delivery": 10,  # the endpoint, the delivery and its message, its attempts
    "web.records.list": 15,  # every partners and catalog list page
    "web.alerts.list": 15,
    "web.alerts.rules": 16,  # every kind's rule and form: the rules, their named members, the members to name
    "web.records.detail": 16,  # every partners and catalog detail page
    "web.notifications.inbox": 8,  # the frame and the member's page of notifications (the bell loads itself)
    "web.notifications.bell": 6,  # session, user, tenant, savepoint pair and the unread count: one statement
    # --- services ---------------------------------------------------------------------------------------------------
    "service.order_create": 10,  # whatever the number of styles and lines
    "service.shipment_create": 16,  # whatever the number of lines and containers
    # alerts: one evaluation pass over every organisation — the savepoint pair, the lock, the pass's settings, the
    # rules, three per kind (its pairs into a table of the transaction, the fire-and-resolve statement, the table
    # dropped; six kinds), the outbox entries — whatever the number of organisations, records and alerts
    "service.alerts_evaluate": 24,
    # telling one organisation's new alerts: the batch, rules, named members, members, the mark, and notify's five or
    # so per call — here 29 alerts to three members, one digest each; never one call per alert beyond DIGEST_AFTER
    "task.alerts_notify": 28,
}


def budget(name: str) -> int:
    """The query budget called ``name`` (KeyError naming the table when there is none)."""
    try:
        return BUDGETS[name]
    except KeyError:
        raise KeyError(f"No query budget {name!r}: add it to tradeloom/testing/budgets.py") from None

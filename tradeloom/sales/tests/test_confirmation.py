"""Confirming an order (docs/sales.md): created confirmed (the default) or saved as a draft and confirmed by an
action; either way ``OrderConfirming`` is published in the transaction with the order's total incl. tax, its
subscribers' warnings come back to the API and the page, and a subscriber's refusal writes nothing. Drafts cancel;
nothing else moves by these actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core import events
from tradeloom.core.context import tenant_context
from tradeloom.core.events import Phase, subscribe
from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales import services
from tradeloom.sales.events import OrderConfirming
from tradeloom.sales.models import Line, Order, OrderTotals, StageTotals, Style
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed() -> Iterator[Any]:
    """``subscribed(handler)``: ``handler`` answers ``OrderConfirming`` in the transaction for this test only."""
    added: list[Any] = []

    def add(handler: Any) -> None:
        subscribe(OrderConfirming, handler, phase=Phase.IN_TRANSACTION)
        added.append(handler)

    yield add
    handlers = events._subscribers.get((OrderConfirming, Phase.IN_TRANSACTION), [])
    for handler in added:
        while handler in handlers:
            handlers.remove(handler)


@pytest.fixture
def seen(subscribed) -> list[OrderConfirming]:
    """Every ``OrderConfirming`` published in this test."""
    published: list[OrderConfirming] = []
    subscribed(published.append)
    return published


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


def payload(setup, **extra):
    unit = str(setup["unit"].pk)
    return {
        "po_number": "PO-CONF",
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


def actions(org, order_id) -> list[str]:
    with tenant_context(org):
        return list(
            AuditEvent.objects.filter(target_id=str(order_id)).order_by("created_at").values_list("action", flat=True)
        )


def warn(event: OrderConfirming) -> None:
    event.warnings.append(f"{event.order.number} takes the customer past their credit limit.")


def refuse(event: OrderConfirming) -> None:
    if event.override_reason:
        return
    raise ApplicationError("Over the credit limit.", code="credit_limit_exceeded", status=409)


# --- created confirmed, as orders always were ------------------------------------------------------------------------


def test_an_order_is_created_confirmed_by_default_and_the_event_carries_its_total(setup, org, seen):
    response = setup["client"].post(setup["url"], payload(setup), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open"
    assert body["confirmed_by_id"] == str(setup["merch"].pk)
    assert body["confirmed_at"] is not None
    assert "warnings" not in body  # nothing warned: the answer is the order's read (a test holds them equal)
    [event] = seen
    # 4,250.00 + 212.50 (5 %) + 2,000.00 + 200.00 (10 %)
    assert (event.amount, event.currency, event.by, event.warnings) == (D("6662.50"), "USD", setup["merch"], [])
    assert str(event.order.pk) == body["id"]
    # created confirmed: one event says both (creating writes one audit row, as it always did)
    assert actions(org, body["id"]) == ["sales_order.created"]
    with tenant_context(org):
        created = AuditEvent.objects.get(action="sales_order.created")
    assert created.changes["status"] == [None, "open"]
    assert created.changes["amount"] == [None, "6662.50"]


def test_a_warning_of_a_subscriber_comes_back_with_the_new_order(setup, org, subscribed):
    subscribed(warn)
    response = setup["client"].post(setup["url"], payload(setup), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == [f"{response.json()['number']} takes the customer past their credit limit."]
    with tenant_context(org):
        created = AuditEvent.objects.get(action="sales_order.created")
    assert created.changes["warnings"][1].endswith("past their credit limit.")


def test_a_refusal_writes_nothing(setup, org, subscribed):
    subscribed(refuse)
    response = setup["client"].post(setup["url"], payload(setup), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "credit_limit_exceeded"
    with tenant_context(org):
        assert not Order.objects.exists()
        assert not Style.objects.exists()
        assert not Line.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="sales_order.").exists()


def test_an_override_reason_reaches_the_subscriber_and_the_audit(setup, org, seen, subscribed):
    subscribed(refuse)
    response = setup["client"].post(
        setup["url"], payload(setup, override_reason="Buyer paid in advance"), format="json"
    )
    assert response.status_code == 201, response.content
    assert seen[0].override_reason == "Buyer paid in advance"
    with tenant_context(org):
        assert AuditEvent.objects.get(action="sales_order.created").changes["reason"] == [
            None,
            "Buyer paid in advance",
        ]


def test_a_missing_price_confirms_with_an_unknown_amount(setup, seen):
    body = payload(setup)
    del body["styles"][0]["lines"][1]["selling_price"]
    assert setup["client"].post(setup["url"], body, format="json").status_code == 201
    assert seen[0].amount is None


def test_a_merge_into_a_confirmed_order_confirms_nothing_again(setup, seen):
    setup["client"].post(setup["url"], payload(setup), format="json")
    merged = setup["client"].post(setup["url"], payload(setup, merge=True), format="json")
    assert merged.status_code == 200
    assert len(seen) == 1


# --- drafts and the confirm action ---------------------------------------------------------------------------------


def _draft(setup, **extra):
    response = setup["client"].post(setup["url"], payload(setup, confirm=False, **extra), format="json")
    assert response.status_code == 201, response.content
    return response


def test_a_draft_is_a_full_order_that_publishes_nothing_until_confirmed(setup, org, seen):
    draft = _draft(setup)
    body = draft.json()
    assert (body["status"], body["confirmed_at"], body["confirmed_by_id"]) == ("draft", None, None)
    assert len(body["lines"]) == 2
    assert body["totals"]["total"] == "6662.50"
    assert seen == []
    assert actions(org, body["id"]) == ["sales_order.created"]
    with tenant_context(org):
        assert AuditEvent.objects.get(action="sales_order.created").changes["status"] == [None, "draft"]
    # listed with its status, and found by it
    drafts = setup["client"].get(f"{setup['url']}?status=draft").json()["results"]
    assert [row["id"] for row in drafts] == [body["id"]]
    assert setup["client"].get(f"{setup['url']}?status=open").json()["results"] == []


def test_confirming_a_draft_with_if_match(setup, org, seen, subscribed):
    subscribed(warn)
    statuses: list[str] = []
    subscribed(lambda event: statuses.append(event.order.status))
    draft = _draft(setup)
    url = f"{setup['url']}{draft.json()['id']}/confirm/"
    stale_tag = f'"{draft.json()["id"]}-{draft.json()["version"] + 1}"'
    stale = setup["client"].post(url, {}, format="json", HTTP_IF_MATCH=stale_tag)
    assert stale.status_code == 412
    response = setup["client"].post(url, {}, format="json", HTTP_IF_MATCH=draft["ETag"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "open"
    assert body["confirmed_by_id"] == str(setup["merch"].pk)
    assert body["warnings"] == [f"{body['number']} takes the customer past their credit limit."]
    assert body["version"] == draft.json()["version"] + 1
    [event] = seen
    assert event.amount == D("6662.50")
    assert statuses == ["draft"]  # the subscriber sees the order before it is confirmed
    assert actions(org, body["id"]) == ["sales_order.created", "sales_order.confirmed"]
    with tenant_context(org):
        audited = AuditEvent.objects.get(action="sales_order.confirmed")
    assert audited.changes["status"] == ["draft", "open"]
    # confirmed once: again is an invalid move
    again = setup["client"].post(url, {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert again.json()["order_status"] == "open"


def test_a_refused_confirmation_leaves_the_draft_as_it_was(setup, org, subscribed):
    draft = _draft(setup)
    subscribed(refuse)
    url = f"{setup['url']}{draft.json()['id']}/confirm/"
    response = setup["client"].post(url, {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "credit_limit_exceeded"
    with tenant_context(org):
        order = Order.objects.get(pk=draft.json()["id"])
    assert (order.status, order.confirmed_at, order.version) == ("draft", None, draft.json()["version"])
    assert actions(org, order.pk) == ["sales_order.created"]
    passed = setup["client"].post(url, {"override_reason": "Director approved"}, format="json")
    assert passed.status_code == 200, passed.content


def test_a_draft_cancels_and_an_open_order_does_not(setup, org):
    draft = _draft(setup)
    cancelled = setup["client"].post(f"{setup['url']}{draft.json()['id']}/cancel/", format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert actions(org, draft.json()["id"])[-1] == "sales_order.cancelled"
    assert setup["client"].post(f"{setup['url']}{draft.json()['id']}/confirm/").status_code == 409
    confirmed = setup["client"].post(setup["url"], payload(setup, po_number="PO-OPEN"), format="json").json()
    refused = setup["client"].post(f"{setup['url']}{confirmed['id']}/cancel/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"


def test_viewers_cannot_confirm(setup, member, api_as):
    draft = _draft(setup)
    viewer = api_as(member(Role.VIEWER))
    assert viewer.post(f"{setup['url']}{draft.json()['id']}/confirm/").status_code == 403


def test_the_service_confirms_in_its_transaction(org, setup, seen):
    with tenant_context(org, user=setup["merch"].user):
        created = services.order_create(
            organization=org,
            by=setup["merch"],
            data={
                "po_number": "PO-SVC",
                "customer": setup["customer"],
                "currency": "EUR",
                "order_date": date(2026, 11, 1),
            },
            styles=[{"style_number": "S", "lines": [{"colour_code": "C", "quantity": D(3), "unit": setup["unit"]}]}],
            confirm=False,
        )
        assert created.order.status == "draft"
        assert created.warnings == []
        confirmed = services.order_confirm(order=created.order, by=setup["merch"])
    assert confirmed.order.status == "open"
    assert seen[0].amount is None  # its line has no selling price
    assert seen[0].currency == "EUR"


# --- what drafts mean elsewhere ------------------------------------------------------------------------------------


def test_drafts_stay_out_of_the_pipeline_until_confirmed(setup, org):
    draft = _draft(setup)
    with tenant_context(org):
        assert OrderTotals.objects.get(order_id=draft.json()["id"]).status == "draft"
        assert not StageTotals.objects.filter(orders__gt=0).exists()
    setup["client"].post(f"{setup['url']}{draft.json()['id']}/confirm/")
    with tenant_context(org):
        assert StageTotals.objects.get(orders__gt=0).value == D("6250.00")  # the pipeline reports values before tax


# --- the pages -------------------------------------------------------------------------------------------------------


def test_save_as_draft_then_confirm_from_the_page(setup, org, subscribed):
    browser = Client()
    browser.force_login(setup["merch"].user)
    fields = {
        "po_number": "PO-WEB",
        "customer": str(setup["customer"].pk),
        "order_type": "foreign",
        "currency": "USD",
        "order_date": "2026-11-01",
        "tax_rate": "",
        "s0-style_number": "TEE",
        "s0-l0-colour_code": "NAVY",
        "s0-l0-quantity": "10",
        "s0-l0-unit": str(setup["unit"].pk),
        "s0-l0-selling_price": "4",
    }
    form = browser.get(f"/o/{org.slug}/orders/new/").content.decode()
    assert 'name="draft"' in form
    assert "Save as draft" in form
    response = browser.post(f"/o/{org.slug}/orders/new/", {**fields, "tax_rate": "0", "draft": "1"})
    assert response.status_code == 302
    with tenant_context(org):
        order = Order.objects.get(po_number="PO-WEB")
    assert order.status == "draft"
    page = browser.get(f"/o/{org.slug}/orders/{order.pk}/").content.decode()
    assert '<span class="badge-amber align-middle">Draft</span>' in page
    assert "Confirm order" in page
    assert "Cancel draft" in page
    listing = browser.get(f"/o/{org.slug}/orders/?status=draft").content.decode()
    assert order.number in listing
    assert '<span class="badge-amber">Draft</span>' in listing
    subscribed(warn)
    confirmed = browser.post(
        f"/o/{org.slug}/orders/{order.pk}/confirm/", {"version": str(order.version)}, follow=True
    ).content.decode()
    assert "takes the customer past their credit limit." in confirmed
    assert f"{order.number} is confirmed." in confirmed
    assert "Confirm order" not in confirmed
    assert f"by {setup['merch'].user}</p>" in confirmed  # who confirmed it, and when
    with tenant_context(org):
        assert Order.objects.get(pk=order.pk).status == "open"


def test_a_refusal_on_the_page_says_why_and_keeps_the_draft(setup, org, subscribed):
    draft = _draft(setup)
    subscribed(refuse)
    browser = Client()
    browser.force_login(setup["merch"].user)
    page = browser.post(f"/o/{org.slug}/orders/{draft.json()['id']}/confirm/", follow=True).content.decode()
    assert "Over the credit limit." in page
    with tenant_context(org):
        assert Order.objects.get(pk=draft.json()["id"]).status == "draft"


# --- budgets -------------------------------------------------------------------------------------------------------


def test_confirming_costs_the_same_queries_whatever_the_number_of_lines(setup, org, django_assert_max_num_queries):
    small = _draft(setup).json()
    many = payload(setup, po_number="PO-MANY", confirm=False)
    many["styles"][0]["lines"] = [
        {"colour_code": f"C{n}", "quantity": "10", "unit": str(setup["unit"].pk), "selling_price": "1"}
        for n in range(30)
    ]
    large = setup["client"].post(setup["url"], many, format="json").json()
    with django_assert_max_num_queries(budget("api.orders.confirm")):
        assert setup["client"].post(f"{setup['url']}{small['id']}/confirm/").status_code == 200
    with django_assert_max_num_queries(budget("api.orders.confirm")):
        assert setup["client"].post(f"{setup['url']}{large['id']}/confirm/").status_code == 200
    browser = Client()
    browser.force_login(setup["merch"].user)
    third = setup["client"].post(setup["url"], payload(setup, po_number="PO-3", confirm=False), format="json").json()
    with django_assert_max_num_queries(budget("web.orders.confirm")):
        assert browser.post(f"/o/{org.slug}/orders/{third['id']}/confirm/").status_code == 302


def test_a_draft_is_in_no_dashboard_figure_until_confirmed(org, owner):
    from tradeloom.sales.dashboard import pipeline, profit, top_customers
    from tradeloom.sales.tests.test_dashboard import TODAY, Book, read

    with tenant_context(org):
        book = Book(org)
        draft = book.order("C1", day=TODAY, status="draft", lines=[(D(1000), D("5"), D("4"))])
        book.order("C2", day=TODAY, lines=[(D(100), D("2"), D("1"))])
    month = read(org, profit, owner).month
    assert (month.orders, month.value) == (1, D("200.00"))  # C2's order alone
    assert [c.customer_id for c in read(org, top_customers, owner)] == [book.customers["C2"].pk]
    assert sum(stage.orders for stage in read(org, pipeline, owner).stages) == 1
    with tenant_context(org, user=owner.user):
        services.order_confirm(order=draft, by=owner)
    assert read(org, profit, owner).month.value == D("5200.00")
